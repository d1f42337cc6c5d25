import type { Organization } from '../db/schema';
import {
  COMMENT_MAX,
  DASHBOARD_PAGE_SIZE,
  STATUS_SCAN_LIMIT,
  type Dashboard,
  type DashboardQuery,
  type DashboardRow,
} from '../server/dashboard';
import { isStaff } from '../server/staff';
import { SESSION_STATUS_LABELS } from '../server/session-status';
import { CoiStatus, DisclosureSummary, FACULTY_ROLE_LABELS, PresentationLine } from './faculty-member';
import { presentationPath } from '../server/presentation-types';
import { sessionClosed } from '../server/session-status';
import { Field, Notice, SelectField } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { CHANNEL_WORDS } from './my-ce-page';
import { formatInstant, formatSessionTime } from './time';

/** The query string of a search, with another page. */
function searchHref(organization: Organization, query: DashboardQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, page })) {
    if (value !== undefined && value !== '' && !(key === 'page' && value === 1))
      params.set(key, String(value));
  }
  const search = params.toString();
  return `/${organization.code}/dashboard${search ? `?${search}` : ''}`;
}

export function DashboardPage(
  props: PageChrome & {
    organization: Organization;
    dashboard: Dashboard;
    query: DashboardQuery;
    csrfToken: string;
    notice?: string | undefined;
  },
) {
  const { organization, dashboard, query } = props;
  const shown = dashboard.rows.length;
  const first = (dashboard.page - 1) * DASHBOARD_PAGE_SIZE + 1;
  return (
    <Layout {...props} title="RSS dashboard">
      <h1>RSS dashboard</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <search>
        <form
          method="get"
          action={`/${organization.code}/dashboard`}
          class="panel search-form"
          aria-label="Search sessions"
        >
          <div class="field-row">
            <SelectField
              name="series"
              label="Series"
              required={false}
              value={query.series ?? ''}
              placeholder="All series"
              options={dashboard.seriesChoices.map((s) => ({ value: s.id, label: `${s.name} ${s.year}` }))}
            />
            <SelectField
              name="status"
              label="Status"
              required={false}
              value={query.status ?? ''}
              placeholder="Any status"
              options={Object.entries(SESSION_STATUS_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </div>
          <div class="field-row">
            <Field name="from" label="From" type="date" required={false} value={dashboard.from} />
            <Field name="to" label="To" type="date" required={false} value={query.to ?? ''} />
          </div>
          <div class="field-row">
            <Field name="faculty" label="Faculty last name" required={false} value={query.faculty ?? ''} />
            <Field name="topic" label="Topic" required={false} value={query.topic ?? ''} />
          </div>
          <button type="submit">Search</button>
        </form>
      </search>
      <p role="status">
        {dashboard.total === 0
          ? 'No session matches. Widen the dates or clear a filter.'
          : dashboard.more
            ? `Sessions ${first}–${first + shown - 1} of more than ${first + shown - 1}, soonest first.`
            : `Sessions ${first}–${first + shown - 1} of ${dashboard.total}${dashboard.capped ? '+' : ''}, soonest first.`}
        {dashboard.capped &&
          ` A status search looks at the next ${STATUS_SCAN_LIMIT.toLocaleString('en-US')} sessions; narrow the dates to see further.`}
      </p>
      <ol class="dashboard">
        {dashboard.rows.map((row) => (
          <DashboardRowView
            organization={organization}
            row={row}
            csrfToken={props.csrfToken}
            canApprove={props.viewer ? isStaff(props.viewer) : false}
          />
        ))}
      </ol>
      {dashboard.pages > 1 && (
        <nav aria-label="Pages" class="pagination">
          {dashboard.page > 1 && (
            <a href={searchHref(organization, query, dashboard.page - 1)} rel="prev">
              Previous
            </a>
          )}
          <span>
            Page {dashboard.page}
            {dashboard.more ? '' : ` of ${dashboard.pages}`}
          </span>
          {dashboard.page < dashboard.pages && (
            <a href={searchHref(organization, query, dashboard.page + 1)} rel="next">
              Next
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}

/**
 * One session with the manual's columns. Also the fragment htmx swaps in after a comment or an
 * approval: `notice` says what happened and takes focus (data-focus-here), in this row.
 */
export function DashboardRowView(props: {
  organization: Organization;
  row: DashboardRow;
  csrfToken: string;
  canApprove?: boolean;
  notice?: { text: string; where: 'comments' | 'approval' };
  commentError?: { typed: string; problem: string };
}) {
  const { organization, row } = props;
  const { session, series, state } = row;
  const path = sessionPath(organization, session);
  const rowId = `row-${session.id}`;
  const headingId = `${rowId}-topic`;
  const rowAction = `/${organization.code}/dashboard/sessions/${session.id}`;
  const notice = (where: 'comments' | 'approval') =>
    props.notice?.where === where ? (
      <p class="muted" role="status" tabindex={-1} data-focus-here>
        {props.notice.text}
      </p>
    ) : null;
  return (
    <li id={rowId} class="dash-row" aria-labelledby={headingId}>
      <div class="dash-status">
        <span class={`badge status-${state.status.status}`}>
          {SESSION_STATUS_LABELS[state.status.status]}
        </span>
        {state.status.reasons.length > 0 && (
          <ul class="reasons">
            {state.status.reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        )}
        {row.ticket && !row.ticket.closedAt && <p class="alert alert-error">Escalation ticket open</p>}
        {row.attendance.total > 0 && (
          <p>
            <a href={`${path}/attendance`}>{row.attendance.total} attended</a>
            <br />
            <span class="muted">
              {row.attendance.byChannel
                .map(([channel, count]) => `${count} ${CHANNEL_WORDS[channel]}`)
                .join(', ')}
            </span>
          </p>
        )}
      </div>
      <div class="dash-topic">
        <h2 id={headingId} class="dash-title">
          <a href={path}>{session.name}</a>
        </h2>
        <p>
          {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
          <br />
          <span class="muted">
            {series.name} {series.year} · {session.location || 'No location'} ·{' '}
            {session.department || series.department || 'No department'} · Parent ID {series.id.slice(0, 8)} ·
            Child ID {session.childId}
            {session.recurrence ? ` · ${session.recurrence}` : ''}
          </span>
        </p>
        {row.canChange && (
          <p class="actions">
            <a href={`${path}/edit`} aria-label={`Edit ${session.name}`}>
              Edit
            </a>
            <a
              href={`/${organization.code}/series/${series.id}/calendar`}
              aria-label={`Calendar of ${series.name}`}
            >
              Calendar
            </a>
            <a href={`${path}/faculty`} aria-label={`Manage faculty of ${session.name}`}>
              Faculty
            </a>
            <a href={`${path}/deactivate`} aria-label={`Deactivate ${session.name}`}>
              Deactivate
            </a>
          </p>
        )}
      </div>
      <div class="dash-faculty">
        <h3 class="dash-label">Faculty · Presentations &amp; COI status</h3>
        {state.faculty.length === 0 ? (
          <p class="muted">No faculty assigned.</p>
        ) : (
          <ul class="plain">
            {state.faculty.map((member) => (
              <li>
                <strong>
                  {member.lastName}, {member.firstName}
                </strong>{' '}
                <span class="muted">{FACULTY_ROLE_LABELS[member.role]}</span>
                <br />
                <DisclosureSummary member={member} timeZone={session.timeZone} />
                <br />
                <CoiStatus member={member} scope={session.id} />
                <br />
                <PresentationLine
                  member={member}
                  path={presentationPath(path, member)}
                  manage={row.canChange && sessionClosed({ session, series }) === null}
                />
                <br />
                <a
                  href={`${path}/email?to=faculty-${member.id}&from=dashboard`}
                  aria-label={`Email ${member.firstName} ${member.lastName}`}
                >
                  Email
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="dash-people">
        <h3 class="dash-label">Target audience</h3>
        <p>{[...session.professions, ...session.specialties].join(', ') || 'Not set'}</p>
        <h3 class="dash-label">Owners / coordinators</h3>
        <p>
          {row.people.owners.join('; ') || 'No owner'} /{' '}
          {row.people.coordinators.join('; ') || 'No coordinator'}
        </p>
        <p>
          <a
            href={`${path}/email?to=team&from=dashboard`}
            aria-label={`Email owners and coordinators of ${session.name}`}
          >
            Email owners and coordinators
          </a>
        </p>
      </div>
      <div class="dash-comments">
        <h3 class="dash-label">Comments ({row.comments.length})</h3>
        {row.comments.length > 0 && (
          <ul class="plain comments">
            {row.comments.slice(-5).map((comment) => (
              <li>
                <span class="muted">
                  {comment.author}, {formatInstant(comment.createdAt, organization.timeZone)}:
                </span>{' '}
                {comment.body}
              </li>
            ))}
          </ul>
        )}
        <form
          method="post"
          action={`${rowAction}/comments`}
          hx-post={`${rowAction}/comments`}
          hx-target={`#${rowId}`}
          hx-swap="outerHTML"
        >
          <CsrfField token={props.csrfToken} />
          <label for={`${rowId}-comment`}>Add a comment on {session.name}</label>
          <textarea
            id={`${rowId}-comment`}
            name="body"
            rows={2}
            required
            maxlength={COMMENT_MAX}
            aria-invalid={props.commentError ? 'true' : undefined}
            aria-describedby={props.commentError ? `${rowId}-comment-error` : undefined}
          >
            {props.commentError?.typed ?? ''}
          </textarea>
          {props.commentError && (
            <p class="error" role="alert" id={`${rowId}-comment-error`} tabindex={-1} data-focus-here>
              {props.commentError.problem}
            </p>
          )}
          <button type="submit" class="secondary" id={`${rowId}-comment-send`}>
            Post comment
          </button>
        </form>
        {notice('comments')}
      </div>
      <div class="dash-approval">
        <h3 class="dash-label">Approval</h3>
        {state.status.status === 'approved' && session.approvedAt ? (
          <p>Approved {formatInstant(session.approvedAt, session.timeZone)}</p>
        ) : props.canApprove && state.status.status === 'pending' ? (
          <form
            method="post"
            action={`${rowAction}/approve`}
            hx-post={`${rowAction}/approve`}
            hx-target={`#${rowId}`}
            hx-swap="outerHTML"
          >
            <CsrfField token={props.csrfToken} />
            <button type="submit" id={`${rowId}-approve`} aria-label={`Approve ${session.name}`}>
              Approve
            </button>
          </form>
        ) : props.canApprove && state.status.status === 'in_review' ? (
          <a href={`${path}/review`} aria-label={`Review relationships of ${session.name}`}>
            Review relationships
          </a>
        ) : (
          <p class="muted">Not yet approved</p>
        )}
        {notice('approval')}
      </div>
    </li>
  );
}
