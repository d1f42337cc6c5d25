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
