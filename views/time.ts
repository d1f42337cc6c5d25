/**
 * The one way Rounds shows a moment: in the organization's (or a session's) zone, to the minute,
 * with the zone's short name, e.g. "Dec 31, 2026, 11:59 PM EST". Never UTC, seconds or an IANA name.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatInstant(at: Date | string, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(typeof at === 'string' ? new Date(at) : at);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function cached(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
) {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    cache.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * A session's when, in its own zone: "Tue, Mar 3, 2026, 12:00 PM – 1:00 PM EST". The zone's short
 * name follows the end time, which is on the same day.
 */
export function formatSessionTime(startsAt: Date, endsAt: Date, timeZone: string): string {
  const day = cached(dayFormatters, timeZone, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(startsAt);
  const time = cached(timeFormatters, timeZone, { hour: 'numeric', minute: '2-digit' });
  const end = formatInstant(endsAt, timeZone).split(', ').at(-1) ?? '';
  return `${day}, ${time.format(startsAt)} – ${end}`;
}

const localDateFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
});

/** A calendar day written 'YYYY-MM-DD' (a deadline, a holiday), as "Mon, Nov 30, 2026": no zone, it is a day. */
export function formatDate(localDate: string): string {
  return localDateFormatter.format(new Date(`${localDate}T00:00:00Z`));
}
