import { yearEndsAt } from '../workflows/calendar';
import { formatInstant } from './time';
import type { Organization, Series, SeriesStatus } from '../db/schema';
import type { SeriesDetail, SeriesPerson } from '../server/series';
import type { SeriesYearState } from '../workflows/series-year';
import { Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { SessionList } from './session-page';
import { History } from './history';
import type { HistoryEntry } from '../server/history';
import type { Session } from '../db/schema';

export const STATUS_LABELS: Record<SeriesStatus, string> = {
  submitted: 'Awaiting review',
  approved: 'Approved',
  expired: 'Expired',
};

export function StatusBadge(props: { status: SeriesStatus }) {
  return <span class={`badge badge-${props.status}`}>{STATUS_LABELS[props.status]}</span>;
}

/** Where the series year stands, as its workflow tells it. */
export type SeriesSchedule =
  | { kind: 'not_started' }
  | { kind: 'unavailable' }
  | { kind: 'running'; state: SeriesYearState };

/** A message shown in the status panel after an action. */
export interface PanelMessage {
  tone: 'ok' | 'error';
  text: string;
}

export interface SeriesStatusPanelProps {
  organization: Organization;
  series: Series;
  renewal: Series | null;
  schedule: SeriesSchedule;
  /** The viewer reviews series (reviewer or admin). */
  canApprove: boolean;
  /** The viewer owns or coordinates this series. */
  canRenew: boolean;
  csrfToken: string;
  message?: PanelMessage | undefined;
}

/** The year ends at Dec 31 23:59:59 in the organization's zone (SPEC, series year); shown to the minute. */
export function activeThrough(year: number, timeZone: string): string {
  return formatInstant(new Date(yearEndsAt(year, timeZone).getTime() - 60_000), timeZone);
}

/** 'YYYY-MM-DD' (a local date already) as "Oct 1, 2027". */
function formatLocalDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1)));
}

function seriesPath(organization: Organization, series: Pick<Series, 'id'>): string {
  return `/${organization.code}/series/${series.id}`;
}

function Schedule(props: { schedule: SeriesSchedule; timeZone: string }) {
  const { schedule, timeZone } = props;
  if (schedule.kind === 'not_started') {
    return <p class="muted">Renewal reminders are scheduled once the series is approved.</p>;
  }
  if (schedule.kind === 'unavailable') {
    return (
      <p class="muted" role="status">
        The reminder schedule is unavailable right now. The series itself is unaffected; try again later.
      </p>
    );
  }
  const { state } = schedule;
  return (
    <dl class="facts">
      <dt>Next renewal reminder</dt>
      <dd>
        {state.nextReminderAt
          ? formatInstant(state.nextReminderAt, timeZone)
          : state.renewal
            ? `None: the renewal for ${state.renewal.year} was approved, so reminders stopped.`
            : state.phase === 'expired'
              ? 'None: this year has ended.'
              : 'None left this year.'}
      </dd>
      <dt>Renewal reminders sent</dt>
      <dd>
        {state.remindersSent.length > 0 ? state.remindersSent.map(formatLocalDate).join('; ') : 'None yet.'}
      </dd>
    </dl>
  );
}

/**
 * The series' status and what can be done about it. The page renders it, and approving or
 * requesting renewal through htmx swaps just this panel.
 */
export function SeriesStatusPanel(props: SeriesStatusPanelProps) {
  const { organization, series, renewal, schedule, message } = props;
  const path = seriesPath(organization, series);
  const timeZone = organization.timeZone;
  return (
    <section id="series-status" class="panel" aria-labelledby="series-status-heading">
      <h2 id="series-status-heading">
        Status <StatusBadge status={series.status} />
      </h2>
      {message && (
        <p
          class={message.tone === 'ok' ? 'alert alert-ok' : 'alert alert-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
          tabindex={-1}
          data-focus-here
        >
          {message.text}
        </p>
      )}
      {series.status === 'submitted' && <p>Awaiting review for {series.year}.</p>}
      {series.status === 'approved' && (
        <p>
          Approved for {series.year}: active through {activeThrough(series.year, timeZone)}.
        </p>
      )}
      {series.status === 'expired' && (
        <p>
          Expired: the {series.year} year ended {activeThrough(series.year, timeZone)}. No new sessions can be
          added.
        </p>
      )}
      <Schedule schedule={schedule} timeZone={timeZone} />
      {renewal && (
        <p>
          Renewal for {renewal.year}: <a href={seriesPath(organization, renewal)}>{renewal.name}</a>{' '}
          <StatusBadge status={renewal.status} />
        </p>
      )}
      {props.canApprove && series.status === 'submitted' && (
        <form
          method="post"
          action={`${path}/approve`}
          hx-post={`${path}/approve`}
          hx-target="#series-status"
          hx-swap="outerHTML"
        >
          <CsrfField token={props.csrfToken} />
          <button type="submit">Approve for {series.year}</button>
        </form>
      )}
      {props.canRenew && series.status === 'approved' && !renewal && (
        <form
          method="post"
          action={`${path}/renew`}
          hx-post={`${path}/renew`}
          hx-target="#series-status"
          hx-swap="outerHTML"
        >
          <CsrfField token={props.csrfToken} />
          <button type="submit">Request renewal for {series.year + 1}</button>
        </form>
      )}
    </section>
  );
}

function People(props: { people: SeriesPerson[] }) {
  if (props.people.length === 0) return <span class="muted">None</span>;
  return (
    <ul class="plain">
      {props.people.map((person) => (
        <li>
          {person.firstName} {person.lastName}, {person.degree} <span class="muted">{person.email}</span>
        </li>
      ))}
    </ul>
  );
}

export function SeriesPage(
  props: PageChrome &
    Omit<SeriesStatusPanelProps, 'series' | 'renewal'> & {
      organization: Organization;
      detail: SeriesDetail;
      /** Shown above everything: what just happened ("Renewal requested…"). */
      notice?: string | undefined;
      sessions: Session[];
      deactivatedCount: number;
      showingDeactivated: boolean;
      canChangeSessions: boolean;
      /** Reviewers and admins change a series' details. */
      canEdit: boolean;
      history: HistoryEntry[];
    },
) {
  const { organization, detail, notice } = props;
  const { series, renews } = detail;
  return (
    <Layout {...props} title={`${series.name} ${series.year}`}>
      <p>
        <a href={`/${organization.code}/series`}>All series</a>
      </p>
      <h1>
        {series.name} <span class="muted">{series.year}</span>
      </h1>
      {notice && <Notice>{notice}</Notice>}
      <SeriesStatusPanel {...props} series={series} renewal={detail.renewal} />
      <SessionList
        organization={organization}
        series={series}
        sessions={props.sessions}
        canChange={props.canChangeSessions}
        showingDeactivated={props.showingDeactivated}
        deactivatedCount={props.deactivatedCount}
      />
      <div class="heading-row">
        <h2>Details</h2>
        {props.canEdit && (
          <a class="button secondary" href={`${seriesPath(organization, series)}/edit`}>
            Edit details
          </a>
        )}
      </div>
      <p>
        <a href={`${seriesPath(organization, series)}/evaluations`}>Evaluation results</a> for every session
        of the series.
      </p>
      <dl class="facts">
        <dt>Department</dt>
        <dd>{series.department}</dd>
        <dt>Year</dt>
        <dd>{series.year}</dd>
        <dt>Credits per session</dt>
        <dd>{series.creditsPerSession}</dd>
        <dt>Specialties</dt>
        <dd>
          {series.specialties.length > 0 ? series.specialties.join(', ') : <span class="muted">None</span>}
        </dd>
        <dt>Professions</dt>
        <dd>{series.professions.join(', ')}</dd>
        {renews && (
          <>
            <dt>Renews</dt>
            <dd>
              <a href={seriesPath(organization, renews)}>
                {renews.name} {renews.year}
              </a>
            </dd>
          </>
        )}
        <dt>Owners</dt>
        <dd>
          <People people={detail.owners} />
        </dd>
        <dt>Coordinators</dt>
        <dd>
          <People people={detail.coordinators} />
        </dd>
      </dl>
      <History entries={props.history} timeZone={organization.timeZone} />
    </Layout>
  );
}
