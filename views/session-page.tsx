import type { EscalationTicket, Organization, Series, Session } from '../db/schema';
import type { HistoryEntry } from '../server/history';
import type { SessionState } from '../server/session-facts';
import { SESSION_STATUS_LABELS } from '../server/session-status';
import { FacultyCard } from './faculty-member';
import { presentationPath } from '../server/presentation-types';
import { sessionClosed } from '../server/session-status';
import { History } from './history';
import { Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { type SessionApprovalState, STATUS_CHECK_DAYS } from '../workflows/session-approval';
import { formatDate, formatInstant, formatSessionTime } from './time';

export function sessionPath(organization: Pick<Organization, 'code'>, session: Pick<Session, 'id'>): string {
  return `/${organization.code}/sessions/${session.id}`;
}

function minutes(value: number): string {
  return `${value.toLocaleString('en-US')} minute${value === 1 ? '' : 's'}`;
}

/** The claim window as learners meet it: the session's own, or the organization's default. */
function ClaimWindow(props: { session: Session; organization: Organization }) {
  const { session, organization } = props;
  const before = session.claimMinutesBefore ?? organization.claimMinutesBefore;
  const after = session.claimMinutesAfter ?? organization.claimMinutesAfter;
  const own = session.claimMinutesBefore !== null || session.claimMinutesAfter !== null;
  return (
    <>
      From {minutes(before)} before the start to {minutes(after)} after the end
      {own ? ' (this session’s own window)' : ' (the organization’s default)'}.
    </>
  );
}

/** One session: its details, what can be done to it, and its history. */
export function SessionPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    session: Session;
    history: HistoryEntry[];
    canChange: boolean;
    /** Reviewers and admins judge relationships and approve. */
    canReview: boolean;
    /** The viewer runs the session (owner, coordinator, staff): sees who attended. */
    runs: boolean;
    state: SessionState;
    /** The approval lifecycle's plan; null when none runs, 'unknown' when it could not be read. */
    lifecycle: SessionApprovalState | 'unknown' | null;
    ticket: EscalationTicket | null;
    notice?: string | undefined;
  },
) {
  const { status, faculty } = props.state;
  const { organization, series, session } = props;
  const path = sessionPath(organization, session);
  const open = props.canChange && !session.deactivatedAt && series.status === 'approved';
  return (
    <Layout {...props} title={session.name}>
      <p>
        <a href={`/${organization.code}/series/${series.id}`}>
          {series.name} {series.year}
        </a>
      </p>
      <h1>{session.name}</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {session.deactivatedAt && (
        <p class="alert alert-error" role="status">
          Deactivated: kept for the record, hidden from the series and its calendar.
        </p>
      )}
      <p class="lead">{formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}</p>
      <section class="panel" aria-labelledby="session-status-heading">
        <h2 id="session-status-heading">
          Status <span class={`badge status-${status.status}`}>{SESSION_STATUS_LABELS[status.status]}</span>
        </h2>
        {status.reasons.length > 0 && (
          <ul>
            {status.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        )}
      </section>
      <ApprovalPlan lifecycle={props.lifecycle} ticket={props.ticket} timeZone={session.timeZone} />
      <section aria-labelledby="faculty-heading">
        <div class="heading-row">
          <h2 id="faculty-heading">Faculty ({faculty.length})</h2>
          {open && (
            <a class="button secondary" href={`${path}/faculty`}>
              Manage faculty
            </a>
          )}
        </div>
        {faculty.length === 0 ? (
          <p class="muted">No faculty assigned.</p>
        ) : (
          <ul class="cards">
            {faculty.map((member) => (
              <FacultyCard
                member={member}
                timeZone={session.timeZone}
                presentation={{
                  path: presentationPath(path, member),
                  // Presentations may change while the session is open, whatever its series' approval step.
                  manage:
                    sessionClosed({ session, series }) === null &&
                    (props.canChange || props.viewer?.account.id === member.id),
                }}
              />
            ))}
          </ul>
        )}
      </section>
      {open && (
        <p class="actions">
          <a class="button" href={`${path}/edit`}>
            Edit session
          </a>
          <a class="button secondary" href={`/${organization.code}/series/${series.id}/calendar`}>
            Move on the calendar
          </a>
          <a class="button danger" href={`${path}/deactivate`}>
            Deactivate
          </a>
        </p>
      )}
      {props.canReview && !session.deactivatedAt && (
        <p>
          <a class="button" href={`${path}/review`}>
            Review and approve
          </a>
        </p>
      )}
      <dl class="facts">
        <dt>Event ID</dt>
        <dd>{session.childId}</dd>
        <dt>Attendance code</dt>
        <dd>
          <strong class="code">{session.attendanceCode}</strong>
          {!session.deactivatedAt && (
            <>
              {' '}
              · <a href={`${path}/screen`}>Attendance screen</a> (QR code and code, to project in the room)
              {props.runs && (
                <>
                  {' '}
                  · <a href={`${path}/attendance`}>Who attended</a> ·{' '}
                  <a href={`${path}/evaluations`}>Evaluation results</a> · Flyer:{' '}
                  <a href={`${path}/flyer/pdf`} aria-label="Flyer as PDF">
                    PDF
                  </a>
                  ,{' '}
                  <a href={`${path}/flyer/docx`} aria-label="Flyer as Word document">
                    Word
                  </a>
                </>
              )}
            </>
          )}
        </dd>
        <dt>Series</dt>
        <dd>
          {series.name} (parent ID {series.id.slice(0, 8)})
        </dd>
        {session.recurrence && (
          <>
            <dt>Recurrence</dt>
            <dd>{session.recurrence}</dd>
          </>
        )}
        <dt>Location</dt>
        <dd>{session.location || <span class="muted">Not set</span>}</dd>
        <dt>Department</dt>
        <dd>{session.department || <span class="muted">Not set</span>}</dd>
        <dt>Objectives</dt>
        <dd class="prose">{session.objectives || <span class="muted">Not set</span>}</dd>
        <dt>Target audience</dt>
        <dd>
          {session.specialties.length > 0 && <>{session.specialties.join(', ')}; </>}
          {session.professions.join(', ')}
        </dd>
        <dt>Credits</dt>
        <dd>{session.credits}</dd>
        <dt>Claim window</dt>
        <dd>
          <ClaimWindow session={session} organization={organization} />
        </dd>
        <dt>Registration</dt>
        <dd>{session.requiresRegistration ? 'Required to claim credit' : 'Not required'}</dd>
        <dt>Supporting notes</dt>
        <dd class="prose">{session.notes || <span class="muted">None</span>}</dd>
      </dl>
      <History entries={props.history} timeZone={session.timeZone} />
    </Layout>
  );
}

export function DeactivateSessionPage(
  props: PageChrome & { organization: Organization; series: Series; session: Session; error?: string },
) {
  const { organization, session } = props;
  const path = sessionPath(organization, session);
  return (
    <Layout {...props} title={`Deactivate ${session.name}`}>
      <h1>Deactivate this session?</h1>
      {props.error && (
        <p class="alert alert-error" role="alert" tabindex={-1} data-focus-here>
          {props.error}
        </p>
      )}
      <p>
        <strong>{session.name}</strong>,{' '}
        {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}.
      </p>
      <p>
        It stays on record with its history, but leaves the series, its calendar and the dashboard, and its
        reminders stop. Learners can no longer claim credit for it.
      </p>
      <form method="post" action={`${path}/deactivate`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Deactivate session
        </button>{' '}
        <a href={path}>Keep it</a>
      </form>
    </Layout>
  );
}

/** A series' sessions, as its page lists them. */
export function SessionList(props: {
  organization: Organization;
  series: Series;
  sessions: Session[];
  canChange: boolean;
  showingDeactivated: boolean;
  deactivatedCount: number;
}) {
  const { organization, series, sessions } = props;
  const seriesPath = `/${organization.code}/series/${series.id}`;
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <p class="actions">
        {props.canChange && series.status === 'approved' && (
          <a class="button" href={`${seriesPath}/sessions/new`}>
            Add sessions
          </a>
        )}
        <a class="button secondary" href={`${seriesPath}/calendar`}>
          Calendar
        </a>
      </p>
      {sessions.length === 0 ? (
        <p class="muted">
          {series.status === 'approved'
            ? 'No sessions yet.'
            : 'Sessions can be added once the series is approved.'}
        </p>
      ) : (
        <ul class="cards">
          {sessions.map((session) => (
            <li class={session.deactivatedAt ? 'card deactivated' : 'card'}>
              <a href={sessionPath(organization, session)}>{session.name}</a>
              {session.deactivatedAt && <span class="badge badge-expired">Deactivated</span>}
              <br />
              {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
              <br />
              <span class="muted">
                Event ID {session.childId} · code {session.attendanceCode}
                {session.location && ` · ${session.location}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {props.deactivatedCount > 0 && (
        <p>
          {props.showingDeactivated ? (
            <a href={seriesPath}>Hide deactivated sessions</a>
          ) : (
            <a href={`${seriesPath}?deactivated=1`}>
              Show {props.deactivatedCount} deactivated session{props.deactivatedCount === 1 ? '' : 's'}
            </a>
          )}
        </p>
      )}
    </section>
  );
}

/** The 3-by-5 deadline, the next status check and any escalation ticket, as the lifecycle plans them. */
function ApprovalPlan(props: {
  lifecycle: SessionApprovalState | 'unknown' | null;
  ticket: EscalationTicket | null;
  timeZone: string;
}) {
  const { lifecycle, ticket } = props;
  return (
    <section class="panel" aria-labelledby="approval-plan-heading">
      <h2 id="approval-plan-heading">Approval schedule</h2>
      {lifecycle === 'unknown' ? (
        <p class="muted">The schedule cannot be read just now; the status above is current.</p>
      ) : lifecycle === null ? (
        <p class="muted">No schedule: status checks run only for upcoming, active sessions.</p>
      ) : (
        <dl class="facts">
          <dt>3-by-5 deadline</dt>
          <dd>
            {formatDate(lifecycle.deadline)} (end of day): a topic name, faculty, and an active disclosure
            from each
          </dd>
          <dt>Next status check</dt>
          <dd>
            {lifecycle.nextCheck
              ? `${formatInstant(lifecycle.nextCheck.at, lifecycle.timeZone)} (${STATUS_CHECK_DAYS[lifecycle.nextCheck.check]} days before), emailed to the coordinators`
              : lifecycle.phase === 'planned'
                ? 'None left before the session.'
                : lifecycle.phase === 'started'
                  ? 'None: the session has started.'
                  : 'None: the session is deactivated.'}
          </dd>
        </dl>
      )}
      {ticket && (
        <p class={ticket.closedAt ? 'muted' : 'alert alert-error'} role="status">
          Escalation ticket opened {formatInstant(ticket.openedAt, props.timeZone)}
          {ticket.closedAt
            ? `, closed ${formatInstant(ticket.closedAt, props.timeZone)} (${ticket.closedBecause}).`
            : ': not APPROVED three days before. The reviewers have been told.'}
        </p>
      )}
    </section>
  );
}
