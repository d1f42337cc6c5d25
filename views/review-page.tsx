import type { EscalationTicket, Organization, RelationshipReview, Series, Session } from '../db/schema';
import { NATURE_LABELS } from '../server/disclosures';
import { MITIGATION_LABELS, type QueueEntry, type ReviewErrors, type ReviewInput } from '../server/review';
import type { SessionState } from '../server/session-facts';
import { SESSION_STATUS_LABELS } from '../server/session-status';
import { FacultyCard } from './faculty-member';
import { Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { formatInstant, formatSessionTime } from './time';

const OUTCOMES = [
  { value: 'not_relevant', label: 'Not relevant to this session’s content' },
  { value: 'mitigated', label: 'Relevant, and mitigated' },
  { value: 'immitigable', label: 'Relevant, and cannot be mitigated' },
];

/** One relationship's judgement form; ids carry the relationship so several fit on one page. */
function JudgementForm(props: {
  action: string;
  csrfToken: string;
  relationshipId: string;
  label: string;
  values: ReviewInput;
  errors: ReviewErrors;
}) {
  const { relationshipId: rid, values, errors } = props;
  const id = (name: string) => `field-${name}-${rid}`;
  const problem = (name: keyof ReviewErrors) =>
    errors[name] && (
      <p class="error" role="alert" id={`${id(name)}-error`}>
        {errors[name]}
      </p>
    );
  return (
    <form method="post" action={props.action} class="judgement" novalidate>
      <CsrfField token={props.csrfToken} />
      <fieldset class={errors.outcome ? 'field choices invalid' : 'field choices'} id={id('outcome')}>
        <legend>Judgement of {props.label}</legend>
        {OUTCOMES.map((option, index) => (
          <div class="choice">
            <input
              type="radio"
              id={`${id('outcome')}-${index}`}
              name="outcome"
              value={option.value}
              checked={values.outcome === option.value}
            />
            <label for={`${id('outcome')}-${index}`}>{option.label}</label>
          </div>
        ))}
        {problem('outcome')}
      </fieldset>
      <fieldset class={errors.steps ? 'field choices invalid' : 'field choices'} id={id('steps')}>
        <legend>If mitigated, the steps</legend>
        {Object.entries(MITIGATION_LABELS).map(([value, label], index) => (
          <div class="choice">
            <input
              type="checkbox"
              id={`${id('steps')}-${index}`}
              name="steps"
              value={value}
              checked={values.steps.includes(value)}
            />
            <label for={`${id('steps')}-${index}`}>{label}</label>
          </div>
        ))}
        {problem('steps')}
      </fieldset>
      <div class={errors.otherStep ? 'field invalid' : 'field'}>
        <label for={id('otherStep')}>Other step</label>
        <input id={id('otherStep')} name="otherStep" type="text" value={values.otherStep} />
        {problem('otherStep')}
      </div>
      <div class={errors.rationale ? 'field invalid' : 'field'}>
        <label for={id('rationale')}>Rationale</label>
        <textarea id={id('rationale')} name="rationale" rows={3}>
          {values.rationale}
        </textarea>
        {problem('rationale')}
      </div>
      <div class={errors.signature ? 'field invalid' : 'field'}>
        <label for={id('signature')}>Your signature (full name)</label>
        <input
          id={id('signature')}
          name="signature"
          type="text"
          autocomplete="name"
          value={values.signature}
        />
        {problem('signature')}
      </div>
      <button type="submit">Save judgement</button>
    </form>
  );
}

function Judged(props: { review: RelationshipReview; reviewer: string; timeZone: string }) {
  const { review } = props;
  const outcome = OUTCOMES.find((option) => option.value === review.outcome)?.label ?? review.outcome;
  return (
    <p class="muted">
      Judged: <strong>{outcome}</strong>
      {review.steps.length > 0 && ` (${review.steps.map((step) => MITIGATION_LABELS[step]).join('; ')})`}
      {review.rationale && `. ${review.rationale.replace(/[.\s]+$/, '')}`}. Signed “{review.signature}”,{' '}
      {formatInstant(review.reviewedAt, props.timeZone)}.
    </p>
  );
}

export const EMPTY_REVIEW: ReviewInput = {
  outcome: '',
  steps: [],
  otherStep: '',
  rationale: '',
  signature: '',
};

/** A reviewer's page for one session: its name, each relationship to judge, and approval. */
export function ReviewPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    session: Session;
    state: SessionState;
    reviews: Map<string, RelationshipReview>;
    reviewerNames: Map<string, string>;
    details: Map<string, { natureOther: string; endedOn: string | null; ownerOrEmployee: boolean }>;
    /** A judgement form that came back, with what was typed and why. */
    returned?: { relationshipId: string; values: ReviewInput; errors: ReviewErrors };
    notice?: string | undefined;
    error?: string | undefined;
  },
) {
  const { organization, series, session, state, csrfToken } = props;
  const path = sessionPath(organization, session);
  const zone = session.timeZone;
  const withRelationships = state.faculty.filter(
    (member) => (member.coi.active?.relationships.length ?? 0) > 0,
  );
  return (
    <Layout {...props} title={`Review ${session.name}`}>
      <p>
        <a href={`/${organization.code}/review`}>Review queues</a> · <a href={path}>Session page</a>
      </p>
      <h1>Review: {session.name}</h1>
      <p class="lead">
        {formatSessionTime(session.startsAt, session.endsAt, zone)} · {series.name}
      </p>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.error && (
        <p class="alert alert-error" role="alert">
          {props.error}
        </p>
      )}
      <section class="panel" aria-labelledby="review-status-heading">
        <h2 id="review-status-heading">
          Status{' '}
          <span class={`badge status-${state.status.status}`}>
            {SESSION_STATUS_LABELS[state.status.status]}
          </span>
        </h2>
        {state.status.reasons.length > 0 && (
          <ul>
            {state.status.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        )}
        {state.status.nameProblem && (
          <form method="post" action={`${path}/accept-name`}>
            <CsrfField token={csrfToken} />
            <p>
              The name check doubts “{session.name}”: {state.status.nameProblem}
            </p>
            <button type="submit" class="secondary">
              Accept this name as a topic
            </button>
          </form>
        )}
        {state.status.status === 'pending' && (
          <form method="post" action={`${path}/approve`}>
            <CsrfField token={csrfToken} />
            <button type="submit">Approve session</button>
          </form>
        )}
      </section>
      <h2>Faculty</h2>
      {state.faculty.length === 0 && <p class="muted">No faculty assigned.</p>}
      <ul class="cards">
        {state.faculty.map((member) => (
          <FacultyCard member={member} timeZone={zone} />
        ))}
      </ul>
      {withRelationships.map((member) => {
        const active = member.coi.active;
        if (!active) return null;
        const owner = active.relationships.some((r) => props.details.get(r.id)?.ownerOrEmployee);
        return (
          <section aria-labelledby={`relationships-${member.id}`}>
            <h2 id={`relationships-${member.id}`}>
              Relationships of {member.firstName} {member.lastName}
            </h2>
            <p class="muted">Disclosed {formatInstant(active.submittedAt, zone)}.</p>
            {owner && (
              <p class="alert alert-warn" role="note">
                Flag: owns or is employed by an ineligible company.
              </p>
            )}
            {active.relationships.map((relationship) => {
              const detail = props.details.get(relationship.id);
              const review = props.reviews.get(relationship.id);
              const nature =
                relationship.nature === 'other'
                  ? `Other: ${detail?.natureOther ?? ''}`
                  : (NATURE_LABELS[relationship.nature as keyof typeof NATURE_LABELS] ?? relationship.nature);
              const label = `${relationship.company} (${nature})`;
              const returned =
                props.returned?.relationshipId === relationship.id ? props.returned : undefined;
              return (
                <div class="card">
                  <h3>{label}</h3>
                  {detail?.endedOn && <p class="muted">Ended {detail.endedOn}.</p>}
                  {review && (
                    <Judged
                      review={review}
                      reviewer={props.reviewerNames.get(review.reviewerId) ?? ''}
                      timeZone={zone}
                    />
                  )}
                  <JudgementForm
                    action={`${path}/review/${relationship.id}`}
                    csrfToken={csrfToken}
                    relationshipId={relationship.id}
                    label={label}
                    values={
                      returned?.values ??
                      (review
                        ? {
                            outcome: review.outcome,
                            steps: review.steps,
                            otherStep: review.otherStep,
                            rationale: review.rationale,
                            signature: '',
                          }
                        : EMPTY_REVIEW)
                    }
                    errors={returned?.errors ?? {}}
                  />
                </div>
              );
            })}
          </section>
        );
      })}
    </Layout>
  );
}

function QueueList(props: { organization: Organization; entries: QueueEntry[]; empty: string }) {
  if (props.entries.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <ul class="cards">
      {props.entries.map(({ session, series, state }) => (
        <li class="card">
          <a href={`${sessionPath(props.organization, session)}/review`}>{session.name}</a>{' '}
          <span class={`badge status-${state.status.status}`}>
            {SESSION_STATUS_LABELS[state.status.status]}
          </span>
          <br />
          {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
          <br />
          <span class="muted">
            {series.name} ·{' '}
            {state.faculty.map((member) => `${member.lastName}, ${member.firstName}`).join('; ')}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Closing a ticket by hand, with the reason for the record (the coordinator answered, the session
 * is cancelled outside Rounds…). Approval or deactivation close it on their own.
 */
function CloseTicketForm(props: {
  organization: Organization;
  session: Session;
  csrfToken: string;
  closing?: { note: string; problem: string } | undefined;
}) {
  const id = `close-note-${props.session.id}`;
  return (
    <details class="close-ticket" open={props.closing ? true : undefined}>
      <summary>
        Close the ticket for {props.session.name},{' '}
        {formatInstant(props.session.startsAt, props.session.timeZone)}, with a note
      </summary>
      <form method="post" action={`/${props.organization.code}/review/tickets/${props.session.id}/close`}>
        <CsrfField token={props.csrfToken} />
        <div class={props.closing ? 'field invalid' : 'field'}>
          <label for={id}>Why is it closed?</label>
          <textarea
            id={id}
            name="note"
            rows={3}
            required
            aria-invalid={props.closing ? 'true' : undefined}
            aria-describedby={props.closing ? `${id}-error` : undefined}
          >
            {props.closing?.note ?? ''}
          </textarea>
          {props.closing && (
            <p class="error" role="alert" id={`${id}-error`}>
              {props.closing.problem}
            </p>
          )}
        </div>
        <button type="submit" class="secondary">
          Close ticket for {props.session.name},{' '}
          {formatInstant(props.session.startsAt, props.session.timeZone)}
        </button>
      </form>
    </details>
  );
}

export function ReviewQueuePage(
  props: PageChrome & {
    organization: Organization;
    awaitingApproval: QueueEntry[];
    awaitingReview: QueueEntry[];
    tickets: { ticket: EscalationTicket; session: Session; series: Series }[];
    notice?: string | undefined;
    /** A close refused: which ticket, what was typed and why. */
    closing?: { sessionId: string; note: string; problem: string } | undefined;
  },
) {
  return (
    <Layout {...props} title="Review queues">
      <h1>Review queues</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <section aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Escalation tickets ({props.tickets.length})</h2>
        {props.tickets.length === 0 ? (
          <p class="muted">No open ticket: every session three days out or nearer is approved.</p>
        ) : (
          <ul class="cards">
            {props.tickets.map(({ ticket, session, series }) => (
              <li class="card">
                <a href={`${sessionPath(props.organization, session)}/review`}>{session.name}</a>{' '}
                <span class="badge status-incomplete">Ticket</span>
                <br />
                {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
                <br />
                <span class="muted">
                  {series.name} · opened {formatInstant(ticket.openedAt, session.timeZone)}:{' '}
                  {ticket.reasons.join(' ')}
                </span>
                <CloseTicketForm
                  organization={props.organization}
                  session={session}
                  csrfToken={props.csrfToken}
                  closing={props.closing?.sessionId === session.id ? props.closing : undefined}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="approval-heading">
        <h2 id="approval-heading">Sessions awaiting approval ({props.awaitingApproval.length})</h2>
        <QueueList
          organization={props.organization}
          entries={props.awaitingApproval}
          empty="No session is waiting for approval."
        />
      </section>
      <section aria-labelledby="relationships-heading">
        <h2 id="relationships-heading">Relationships awaiting review ({props.awaitingReview.length})</h2>
        <QueueList
          organization={props.organization}
          entries={props.awaitingReview}
          empty="No disclosed relationship is waiting for a judgement."
        />
      </section>
    </Layout>
  );
}
