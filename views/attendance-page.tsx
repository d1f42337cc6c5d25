import type { Organization, Series, Session } from '../db/schema';
import { formatSerial } from '../server/certificates';
import type { Attendee } from '../server/claims';
import { creditStanding, defaultReopenDay, owedWords, REOPEN_MAX_DAYS } from '../server/credit-requirements';
import { addDays, localDate } from '../workflows/calendar';
import type { PlannedRow } from '../server/sign-in-sheet';
import type { SessionException } from '../server/claim-exceptions';
import { creditWords } from './claim-pages';
import { Field, FileField, FormAlert, Notice, TextAreaField } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { CHANNEL_WORDS } from './my-ce-page';
import { sessionPath } from './session-page';
import { formatInstant, formatSessionTime } from './time';

/** A sign-in sheet as previewed (nothing written yet) or applied: every row and what became of it. */
export interface SheetResult {
  applied: boolean;
  rows: PlannedRow[];
  /** The sheet's text, carried from the preview to Apply. */
  csv: string;
}

/**
 * Who recorded attendance at a session, and how: for its coordinators, owners and the CME office.
 * Coordinators and the office also record people by hand or from a sign-in sheet here.
 */
export function AttendancePage(
  props: PageChrome & {
    organization: Organization;
    session: Session;
    series: Series;
    attendees: Attendee[];
    /** Whether a credit is past due is judged at this moment. */
    now: Date;
    canRecord: boolean;
    said?: string | undefined;
    recordError?: string | undefined;
    recordValues?: { email: string; credits: string };
    sheet?: SheetResult | undefined;
    sheetError?: string | undefined;
    exceptions: SessionException[];
    exceptionError?: string | undefined;
    /** A reopening refused for its date: which credit, what was typed, and why. */
    reopening?: { claimId: string; typed: string; problem: string } | undefined;
  },
) {
  const { organization, session } = props;
  const zone = session.timeZone;
  const path = `${sessionPath(organization, session)}/attendance`;
  return (
    <Layout {...props} title={`Attendance: ${session.name}`}>
      <p>
        <a href={sessionPath(organization, session)}>Back to the session</a>
      </p>
      <h1>Attendance</h1>
      <p>
        {session.name} · {props.series.name} · {formatSessionTime(session.startsAt, session.endsAt, zone)}
      </p>
      {props.said && <Notice>{props.said}</Notice>}
      {props.exceptionError && <FormAlert>{props.exceptionError}</FormAlert>}
      {props.exceptions.length > 0 && (
        <Exceptions
          path={sessionPath(organization, session)}
          exceptions={props.exceptions}
          canDecide={props.canRecord}
          zone={zone}
          csrfToken={props.csrfToken}
        />
      )}
      {props.sheet && (
        <SheetRows organization={organization} path={path} sheet={props.sheet} csrfToken={props.csrfToken} />
      )}
      {props.attendees.length === 0 ? (
        <p>Nobody has recorded attendance yet.</p>
      ) : (
        <>
          <p>{props.attendees.length} attended.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Profession</th>
                <th scope="col">Credits</th>
                <th scope="col">How</th>
                <th scope="col">When</th>
                <th scope="col">Credit</th>
              </tr>
            </thead>
            <tbody>
              {props.attendees.map((person) => (
                <tr>
                  <td data-label="Name">
                    {person.lastName}, {person.firstName} {person.degree}
                    <br />
                    <span class="muted">{person.email}</span>
                  </td>
                  <td data-label="Profession">{person.profession}</td>
                  <td data-label="Credits">{creditWords(person.claim.credits)}</td>
                  <td data-label="How">{CHANNEL_WORDS[person.claim.channel]}</td>
                  <td data-label="When">{formatInstant(person.claim.claimedAt, zone)}</td>
                  <td data-label="Credit">
                    <CreditCell
                      person={person}
                      now={props.now}
                      zone={zone}
                      sessionPath={sessionPath(organization, session)}
                      canReopen={props.canRecord}
                      reopening={props.reopening?.claimId === person.claim.id ? props.reopening : undefined}
                      csrfToken={props.csrfToken}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {props.canRecord && (
        <>
          <h2>Record by hand</h2>
          <p class="muted">
            For someone who attended but could not claim: found by the email of their account. The claim
            window does not apply; approval and eligibility do.
          </p>
          <form method="post" action={`${path}/record`} novalidate>
            <CsrfField token={props.csrfToken} />
            <Field
              name="email"
              label="Learner's email"
              type="email"
              autocomplete="off"
              value={props.recordValues?.email ?? ''}
              error={props.recordError}
            />
            <Field
              name="credits"
              label="Credits"
              inputmode="numeric"
              required={false}
              hint={`Empty for the full ${session.credits}; or a quarter credit less.`}
              value={props.recordValues?.credits ?? ''}
            />
            <p class="actions">
              <button type="submit">Record attendance</button>
            </p>
          </form>
          <h2>From a sign-in sheet</h2>
          <p class="muted">
            A CSV file, one learner a row, with a header row naming an <code>email</code> column and, if some
            claimed less than the full credit, a <code>credits</code> column. Or paste the rows. You see what
            each row will do before anything is recorded.
          </p>
          {props.sheetError && <FormAlert>{props.sheetError}</FormAlert>}
          <form method="post" action={`${path}/sheet`} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.csrfToken} />
            <FileField name="sheet" label="Sign-in sheet (CSV)" required={false} accept=".csv,text/csv" />
            <TextAreaField name="csv" label="Or paste the rows" required={false} rows={4} value="" />
            <p class="actions">
              <button type="submit" class="secondary">
                Preview
              </button>
            </p>
          </form>
        </>
      )}
    </Layout>
  );
}

/** Learners who missed the window and asked: the coordinators approve or deny, with a note. */
function Exceptions(props: {
  path: string;
  exceptions: SessionException[];
  canDecide: boolean;
  zone: string;
  csrfToken: string;
}) {
  return (
    <section aria-labelledby="exceptions-heading">
      <h2 id="exceptions-heading">Exceptions asked for</h2>
      <ul class="plain">
        {props.exceptions.map(({ exception, firstName, lastName, email }) => (
          <li>
            <p>
              <strong>
                {lastName}, {firstName}
              </strong>{' '}
              <span class="muted">
                {email} · {creditWords(exception.credits)} · asked{' '}
                {formatInstant(exception.requestedAt, props.zone)}
              </span>
            </p>
            <blockquote>{exception.reason}</blockquote>
            {exception.status === 'requested' && props.canDecide ? (
              <form method="post" action={`${props.path}/exceptions/${exception.id}/decide`}>
                <CsrfField token={props.csrfToken} />
                <div class="field">
                  <label for={`note-${exception.id}`}>Note to {firstName} (optional)</label>
                  <textarea id={`note-${exception.id}`} name="note" rows={2} maxlength={500} />
                </div>
                <p class="actions">
                  <button type="submit" name="decision" value="approve">
                    Approve and record
                  </button>
                  <button type="submit" name="decision" value="deny" class="secondary">
                    Deny
                  </button>
                </p>
              </form>
            ) : (
              <p>
                {exception.status === 'requested'
                  ? 'Waiting for a coordinator.'
                  : `${exception.status === 'approved' ? 'Approved' : 'Denied'}${exception.decidedAt ? ` ${formatInstant(exception.decidedAt, props.zone)}` : ''}${exception.decisionNote ? `: ${exception.decisionNote}` : '.'}`}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const OUTCOME_WORDS = {
  record: 'Will be recorded',
  recorded: 'Recorded',
  already: 'Already on record',
  refused: 'Not recorded',
} as const;

function SheetRows(props: {
  organization: Organization;
  path: string;
  sheet: SheetResult;
  csrfToken: string;
}) {
  const { sheet } = props;
  const count = (kind: PlannedRow['outcome']['kind']) =>
    sheet.rows.filter((row) => row.outcome.kind === kind).length;
  const toRecord = count('record');
  return (
    <section aria-labelledby="sheet-heading">
      <h2 id="sheet-heading">{sheet.applied ? 'Sign-in sheet applied' : 'Sign-in sheet: preview'}</h2>
      <p role="status">
        {sheet.rows.length} rows: {sheet.applied ? `${count('recorded')} recorded` : `${toRecord} to record`},{' '}
        {count('already')} already on record, {count('refused')} not recorded.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Email</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {sheet.rows.map((row) => (
            <tr>
              <td data-label="Line">{row.line}</td>
              <td data-label="Email">{row.email || '(none)'}</td>
              <td data-label="Outcome">
                <strong>{OUTCOME_WORDS[row.outcome.kind]}</strong>
                {row.outcome.kind === 'refused'
                  ? `: ${row.outcome.why}`
                  : `: ${row.outcome.account.lastName}, ${row.outcome.account.firstName}${
                      row.outcome.kind === 'already' ? '' : `, ${creditWords(row.outcome.credits)}`
                    }`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!sheet.applied && toRecord > 0 && (
        <form method="post" action={`${props.path}/sheet`} enctype="multipart/form-data">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="csv" value={sheet.csv} />
          <input type="hidden" name="apply" value="yes" />
          <p class="actions">
            <button type="submit">
              Record {toRecord} {toRecord === 1 ? 'person' : 'people'}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}

/** Where an attendee's credit stands, and, for a lapsed or failed one, the coordinators' reopening. */
function CreditCell(props: {
  person: Attendee;
  now: Date;
  zone: string;
  /** The session's own path, under which its credits are reopened. */
  sessionPath: string;
  canReopen: boolean;
  reopening?: { typed: string; problem: string } | undefined;
  csrfToken: string;
}) {
  const { person, zone } = props;
  const standing = creditStanding(person, props.now);
  switch (standing.kind) {
    case 'on_record':
      return (
        <>
          On record
          {person.certificateSerial ? (
            <>
              <br />
              <span class="muted">Certificate {formatSerial(person.certificateSerial)}</span>
            </>
          ) : null}
        </>
      );
    case 'being_recorded':
      return <>Being recorded</>;
    case 'owed':
      return (
        <>
          Waiting for {owedWords(standing)}, due {formatInstant(standing.dueAt, zone)}
        </>
      );
  }
  return (
    <>
      {standing.kind === 'lapsed'
        ? `Lapsed: ${owedWords(standing)} was not done by ${formatInstant(standing.dueAt, zone)}`
        : 'Post-test not passed in the attempts allowed'}
      {props.canReopen && (
        <ReopenForm
          person={person}
          zone={zone}
          now={props.now}
          sessionPath={props.sessionPath}
          reopening={props.reopening}
          csrfToken={props.csrfToken}
        />
      )}
    </>
  );
}

/**
 * Reopening, folded away until asked for: the day the learner has until (offered REOPEN_DAYS from
 * today, in the session's zone) and the button. A refused day comes back open, as typed, with why.
 */
function ReopenForm(props: {
  person: Attendee;
  zone: string;
  now: Date;
  sessionPath: string;
  reopening?: { typed: string; problem: string } | undefined;
  csrfToken: string;
}) {
  const { person, reopening } = props;
  const id = `reopen-due-${person.claim.id}`;
  const today = localDate(props.now, props.zone);
  const who = `${person.firstName} ${person.lastName}`;
  return (
    <details class="reopen" open={reopening ? true : undefined}>
      <summary>
        Reopen<span class="visually-hidden"> the credit of {who}</span>
      </summary>
      <form method="post" action={`${props.sessionPath}/credits/${person.claim.id}/reopen`} novalidate>
        <CsrfField token={props.csrfToken} />
        <div class={reopening ? 'field invalid' : 'field'}>
          <label for={id}>
            Due by the end of<span class="visually-hidden"> (for {who})</span>
          </label>
          <input
            id={id}
            name="due"
            type="date"
            value={reopening?.typed ?? defaultReopenDay(props.zone, props.now)}
            min={addDays(today, 1)}
            max={addDays(today, REOPEN_MAX_DAYS)}
            required
            aria-invalid={reopening ? 'true' : undefined}
            aria-describedby={reopening ? `${id}-error` : undefined}
            autofocus={reopening ? true : undefined}
          />
          {reopening && (
            <p class="error" role="alert" id={`${id}-error`}>
              {reopening.problem}
            </p>
          )}
        </div>
        <button type="submit" class="secondary">
          Reopen<span class="visually-hidden"> for {who}</span>
        </button>
      </form>
    </details>
  );
}
