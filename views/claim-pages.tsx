import type { ClaimException, Organization, Series, Session } from '../db/schema';
import type { ClaimRefusal } from '../server/claims';
import type { RegistrationState } from '../server/registrations';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, FormAlert, Notice, SelectField, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatInstant, formatSessionTime } from './time';

/** "1.00" → "1", "0.75" → "0.75": credits as people write them. */
export function creditWords(credits: string): string {
  const value = Number(credits);
  return `${Number.isInteger(value) ? value.toFixed(1) : String(value)} credit${value === 1 ? '' : 's'}`;
}

/** My CE → Claim Credit, step one: the Event ID or attendance code. */
export function ClaimCodePage(
  props: PageChrome & { organization: Organization; values: FormValues; errors?: FieldErrors },
) {
  const { organization, errors = {} } = props;
  return (
    <Layout {...props} title="Claim credit">
      <h1>Claim credit</h1>
      <p>
        Enter the Event ID or the attendance code shown at the session, on its slides or on its flyer.
        Attendance can be recorded from {organization.claimMinutesBefore} minutes before a session starts
        until {organization.claimMinutesAfter.toLocaleString('en-US')} minutes after it ends, unless the
        session says otherwise.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/${organization.code}/claim`} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="code"
          label="Event ID or attendance code"
          autocomplete="off"
          hint="Like 10423 or K7MPQ. Upper or lower case, spaces allowed."
          value={typed(props.values, 'code')}
          error={errors.code}
        />
        <p class="actions">
          <button type="submit">Continue</button>
        </p>
      </form>
    </Layout>
  );
}

/** What the learner is claiming: the session, its date and credits, before they confirm. */
function SessionFacts(props: { session: Session; series: Series }) {
  const { session, series } = props;
  return (
    <dl class="facts">
      <dt>Session</dt>
      <dd>{session.name}</dd>
      <dt>Series</dt>
      <dd>{series.name}</dd>
      <dt>When</dt>
      <dd>{formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}</dd>
      {session.location && (
        <>
          <dt>Where</dt>
          <dd>{session.location}</dd>
        </>
      )}
      <dt>Event ID</dt>
      <dd>{session.childId}</dd>
      <dt>Credits</dt>
      <dd>{creditWords(session.credits)}</dd>
    </dl>
  );
}

/** Why this claim cannot be made, in a sentence the learner can act on. */
export function refusalWords(organization: Organization, session: Session, refusal: ClaimRefusal): string {
  switch (refusal.reason) {
    case 'already_recorded':
      return `Your attendance was already recorded on ${formatInstant(refusal.claim.claimedAt, session.timeZone)}. Nothing more to do.`;
    case 'not_approved':
      return `This session is not approved for credit, so attendance cannot be recorded. Contact ${refusal.contact ?? `the ${organization.name} CME office`}.`;
    case 'outside_window':
      return `Attendance for this session can be recorded from ${formatInstant(refusal.window.opensAt, session.timeZone)} to ${formatInstant(refusal.window.closesAt, session.timeZone)}. ${refusal.state === 'early' ? 'Come back then.' : 'That time has passed; if you attended, contact the session’s coordinator or the CME office.'}`;
    case 'not_registered':
      return 'This session requires registration, and you are not registered for it.';
    case 'not_eligible':
      return refusal.ineligibility.why === 'affiliation'
        ? 'This series gives credit only to medical staff and affiliates. If you are one, ask the CME office to mark your account.'
        : `This series gives credit only to ${refusal.ineligibility.professions.join(', ')}. If the profession on your profile is wrong, correct it and try again.`;
    case 'code_rotates':
      return `This session’s code changes every ${refusal.minutes} minutes while it is under way. Enter the code on the screen in the room now, or scan its QR code.`;
  }
}

/**
 * Step two (and where a QR code lands): the session, then one button that attests attendance and
 * the credits chosen, at most the session's, in quarters.
 */
export function ClaimSessionPage(
  props: PageChrome & {
    organization: Organization;
    code: string;
    session: Session;
    series: Series;
    /** Why the claim cannot be made now, if it cannot. */
    refusal: string | null;
    creditOptions: string[];
    values: FormValues;
    errors?: FieldErrors;
    via: 'web' | 'qr';
    /** The window closed: the learner may ask the coordinators for an exception (or has). */
    exception?: { asked: Pick<ClaimException, 'status' | 'decisionNote'> | null } | undefined;
    /** Where the learner stands with a session that requires registration. */
    registration?: RegistrationState | undefined;
    said?: string | undefined;
  },
) {
  const { organization, session, errors = {} } = props;
  return (
    <Layout {...props} title="Claim credit">
      <h1>Claim credit</h1>
      <SessionFacts session={session} series={props.series} />
      {props.said && <Notice>{props.said}</Notice>}
      {props.registration && (
        <Registration
          organization={organization}
          code={props.code}
          session={session}
          state={props.registration}
          csrfToken={props.csrfToken}
        />
      )}
      {props.refusal ? (
        <>
          <FormAlert>{props.refusal}</FormAlert>
          {props.exception && (
            <ExceptionRequest
              organization={organization}
              code={props.code}
              asked={props.exception.asked}
              creditOptions={props.creditOptions}
              values={props.values}
              errors={errors}
              csrfToken={props.csrfToken}
            />
          )}
          <p class="actions">
            <a class="button secondary" href={`/${organization.code}/my-ce`}>
              Back to My CE
            </a>
          </p>
        </>
      ) : (
        <form
          method="post"
          action={`/${organization.code}/claim/${encodeURIComponent(props.code)}`}
          novalidate
        >
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="via" value={props.via} />
          <ErrorSummary errors={errors} />
          <SelectField
            name="credits"
            label="Credits to claim"
            hint="Claim only the credit commensurate with the extent of your participation."
            options={props.creditOptions.map((value) => ({ value, label: creditWords(value) }))}
            value={typed(props.values, 'credits')}
            error={errors.credits}
          />
          <p class="actions">
            <button type="submit">I attended: record my attendance</button>
          </p>
        </form>
      )}
    </Layout>
  );
}

/** A session that requires registration: registered, or the button to register while it is open. */
function Registration(props: {
  organization: Organization;
  code: string;
  session: Session;
  state: RegistrationState;
  csrfToken: string;
}) {
  const { state, session } = props;
  if (state.kind === 'registered') {
    return <p>You registered for this session on {formatInstant(state.at, session.timeZone)}.</p>;
  }
  if (state.kind === 'closed') {
    return (
      <p>
        This session required registration, which closed when it began. If you attended, contact the CME
        office.
      </p>
    );
  }
  if (state.kind === 'ineligible') {
    return (
      <p>
        {refusalWords(props.organization, session, {
          reason: 'not_eligible',
          ineligibility: state.ineligibility,
        })}
      </p>
    );
  }
  if (state.kind !== 'open') return null;
  return (
    <form
      method="post"
      action={`/${props.organization.code}/claim/${encodeURIComponent(props.code)}/register`}
      class="stack"
    >
      <CsrfField token={props.csrfToken} />
      <p>
        This session requires registration before it begins, at{' '}
        {formatInstant(session.startsAt, session.timeZone)}.
      </p>
      <p class="actions">
        <button type="submit">Register for this session</button>
      </p>
    </form>
  );
}

const EXCEPTION_WORDS = {
  requested: 'You asked the coordinators for an exception; they have not decided yet. You will get an email.',
  approved: 'The coordinators approved your exception: your attendance is recorded.',
  denied: 'The coordinators denied your exception.',
} as const;

/** Missed the window: ask the coordinators, with a reason. */
function ExceptionRequest(props: {
  organization: Organization;
  code: string;
  asked: Pick<ClaimException, 'status' | 'decisionNote'> | null;
  creditOptions: string[];
  values: FormValues;
  errors: FieldErrors;
  csrfToken: string;
}) {
  if (props.asked) {
    return (
      <p role="status">
        {EXCEPTION_WORDS[props.asked.status]}
        {props.asked.decisionNote ? ` Their note: ${props.asked.decisionNote}` : ''}
      </p>
    );
  }
  return (
    <form
      method="post"
      action={`/${props.organization.code}/claim/${encodeURIComponent(props.code)}/exception`}
      novalidate
    >
      <h2>Missed the window?</h2>
      <p>
        If you attended, ask the session’s coordinators to record your attendance anyway. Say why you could
        not claim in time.
      </p>
      <CsrfField token={props.csrfToken} />
      <TextAreaField
        name="reason"
        label="Why you could not claim in time"
        rows={3}
        value={typed(props.values, 'reason')}
        error={props.errors.reason}
      />
      <SelectField
        name="credits"
        label="Credits to claim"
        options={props.creditOptions.map((value) => ({ value, label: creditWords(value) }))}
        value={typed(props.values, 'credits')}
        error={props.errors.credits}
      />
      <p class="actions">
        <button type="submit">Ask for an exception</button>
      </p>
    </form>
  );
}

/** The confirmation the seeds tell learners to look for. */
export function ClaimRecordedPage(
  props: PageChrome & { organization: Organization; session: Session; series: Series; credits: string },
) {
  return (
    <Layout {...props} title="Attendance recorded">
      <h1>Attendance recorded</h1>
      <p class="alert alert-ok" role="status">
        Thank you. We have recorded your attendance for {props.session.name}: {creditWords(props.credits)}.
      </p>
      <SessionFacts session={props.session} series={props.series} />
      <p class="actions">
        <a class="button" href={`/${props.organization.code}/my-ce`}>
          Go to My CE
        </a>
        <a class="button secondary" href={`/${props.organization.code}/claim`}>
          Claim another session
        </a>
      </p>
    </Layout>
  );
}
