import type { Organization, Series, Session } from '../db/schema';
import { WEEKDAY_NAMES } from '../server/recurrence';
import { addDays, localDate, weekdayOf } from '../workflows/calendar';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { formatSessionTime } from './time';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** 'YYYY-MM' of the month before or after, or null outside the series year. */
function neighbour(year: number, month: number, step: number): string | null {
  const next = month + step;
  if (next < 1 || next > 12) return null;
  return `${year}-${String(next).padStart(2, '0')}`;
}

/**
 * A month of the series, Sunday first. Each session can be moved to another day from here, by
 * keyboard as well as by pointer: a date and a button, not a drag.
 */
export function SeriesCalendarPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    month: number;
    sessions: Session[];
    canChange: boolean;
    message?: { tone: 'ok' | 'error'; text: string } | undefined;
  },
) {
  const { organization, series, month, sessions } = props;
  const seriesPath = `/${organization.code}/series/${series.id}`;
  const first = `${series.year}-${String(month).padStart(2, '0')}-01`;
  const days: string[] = [];
  for (let day = first; day.slice(5, 7) === first.slice(5, 7); day = addDays(day, 1)) days.push(day);
  const byDay = new Map<string, Session[]>();
  for (const session of sessions) {
    const day = localDate(session.startsAt, session.timeZone);
    byDay.set(day, [...(byDay.get(day) ?? []), session]);
  }
  const previous = neighbour(series.year, month, -1);
  const next = neighbour(series.year, month, 1);
  const open = props.canChange && series.status === 'approved';
  const title = `${MONTHS[month - 1]} ${series.year}`;
  return (
    <Layout {...props} title={`${series.name}: ${title}`}>
      <p>
        <a href={seriesPath}>
          {series.name} {series.year}
        </a>
      </p>
      <h1>{title}</h1>
      {props.message && (
        <p
          class={props.message.tone === 'ok' ? 'alert alert-ok' : 'alert alert-error'}
          role={props.message.tone === 'ok' ? 'status' : 'alert'}
          tabindex={-1}
          data-focus-here
        >
          {props.message.text}
        </p>
      )}
      <nav class="actions" aria-label="Months">
        {previous && <a href={`${seriesPath}/calendar?month=${previous}`}>← {MONTHS[month - 2]}</a>}
        {next && <a href={`${seriesPath}/calendar?month=${next}`}>{MONTHS[month]} →</a>}
      </nav>
      {sessions.length === 0 && <p class="muted">No sessions this month.</p>}
      <ol class="month">
        {WEEKDAY_NAMES.map((name) => (
          <li class="weekday" aria-hidden="true">
            {name.slice(0, 3)}
          </li>
        ))}
        {days.map((day, index) => {
          const onDay = byDay.get(day) ?? [];
          const lead = index === 0 ? `lead-${weekdayOf(day)}` : '';
          return (
            <li class={['day', onDay.length === 0 ? 'empty' : '', lead].filter(Boolean).join(' ')}>
              <span class="date">
                <span class="weekday-name">{WEEKDAY_NAMES[weekdayOf(day)]?.slice(0, 3)} </span>
                {Number(day.slice(8))}
              </span>
              {onDay.map((session) => (
                <div class="calendar-session">
                  <a href={sessionPath(organization, session)}>{session.name}</a>
                  <span class="muted">
                    {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)
                      .split(', ')
                      .slice(-1)}
                  </span>
                  {open && (
                    <form method="post" action={`${sessionPath(organization, session)}/move`} class="move">
                      <CsrfField token={props.csrfToken} />
                      <input type="hidden" name="month" value={first.slice(0, 7)} />
                      <label class="move-label" for={`move-${session.id}`}>
                        Move “{session.name}” to
                      </label>
                      <input
                        class="move-date"
                        id={`move-${session.id}`}
                        type="date"
                        name="date"
                        value={day}
                        required
                      />
                      <button type="submit" class="secondary move-button">
                        Move
                      </button>
                    </form>
                  )}
                </div>
              ))}
            </li>
          );
        })}
      </ol>
    </Layout>
  );
}
