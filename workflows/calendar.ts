/**
 * Wall-clock arithmetic in an organization's time zone. Pure (Intl only), so workflows and pages
 * share it: a series year ends at Dec 31 23:59:59 *local*, whatever DST did in between.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar fields of an instant in a zone. */
export function localParts(instant: Date, timeZone: string): Required<LocalDateTime> {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (New York in winter: -5h). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (instant % 1000));
}

/**
 * The instant a local wall time occurs in the zone. A time skipped by a spring-forward gap moves
 * forward by the gap's length (02:30 becomes 03:30), as a wall clock would; a time that occurs
 * twice at fall-back resolves to its first occurrence.
 */
export function zonedInstant(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour ?? 0,
    local.minute ?? 0,
    local.second ?? 0,
  );
  const firstGuess = wall - offsetAt(wall, timeZone);
  const secondGuess = wall - offsetAt(firstGuess, timeZone);
  // Every reading of the wall time under the offsets in force around it; those that really show
  // that wall time in the zone are valid. Two are valid at fall-back: the earlier wins.
  const readings = [
    firstGuess,
    secondGuess,
    wall - offsetAt(firstGuess - 3_600_000, timeZone),
    wall - offsetAt(firstGuess + 3_600_000, timeZone),
  ];
  const valid = readings.filter((reading) => offsetAt(reading, timeZone) === wall - reading);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // None: the time falls in a spring-forward gap and moves forward by the gap, as a wall clock does.
  return new Date(Math.max(firstGuess, secondGuess));
}

/** The year as the organization sees it at this instant. */
export function currentYearIn(timeZone: string, now: Date): number {
  return localParts(now, timeZone).year;
}

/** The first instant after Dec 31 23:59:59 local of `year`: when a series year expires. */
export function yearEndsAt(year: number, timeZone: string): Date {
  return zonedInstant({ year: year + 1, month: 1, day: 1 }, timeZone);
}

/** 'YYYY-MM-DD' of an instant in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** 'MM-DD' that names a real day in every year (Feb 29 is refused: it would skip three years in four). */
export function isMonthDay(value: string): boolean {
  const match = MONTH_DAY.exec(value);
  if (!match) return false;
  const month = Number(match[1]);
  const day = Number(match[2]);
  const daysIn = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysIn;
}

/** Renewal reminders go out at 09:00 local on each 'MM-DD' date of the series' year. */
export const REMINDER_HOUR = 9;

export function reminderInstants(
  year: number,
  monthDays: string[],
  timeZone: string,
): { on: string; at: Date }[] {
  return [...new Set(monthDays.filter(isMonthDay))].sort().map((md) => ({
    on: `${year}-${md}`,
    at: zonedInstant(
      { year, month: Number(md.slice(0, 2)), day: Number(md.slice(3, 5)), hour: REMINDER_HOUR },
      timeZone,
    ),
  }));
}

// ---- Local dates ('YYYY-MM-DD'): calendar days with no zone, for recurrences and business days ----

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written 'YYYY-MM-DD' (no Feb 30). */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1) / 86_400_000;
}

function fromDayNumber(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** The local date `days` calendar days after (or before, if negative) `date`. */
export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** 'HH:MM' on a 24-hour clock. */
export function isLocalTime(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

/** The instant a local date and 'HH:MM' time occur in the zone. */
export function instantAt(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return zonedInstant({ year: year ?? 0, month: month ?? 1, day: day ?? 1, hour, minute }, timeZone);
}

/** 'HH:MM' of an instant in the zone. */
export function localTime(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
}

/**
 * The local date `count` business days before `date`: weekends and the given holidays
 * ('YYYY-MM-DD') do not count. The 3-by-5 deadline of a session on Monday Dec 7 is Monday Nov 30.
 */
export function businessDaysBefore(date: string, count: number, holidays: readonly string[]): string {
  const closed = new Set(holidays);
  let day = date;
  let left = count;
  while (left > 0) {
    day = addDays(day, -1);
    if (!isWeekend(day) && !closed.has(day)) left -= 1;
  }
  return day;
}

/** A day of 24 hours: for reminder intervals, which are elapsed time rather than calendar days. */
export const DAY_MS = 86_400_000;

/** The same instant one calendar year later (Feb 29 becomes Mar 1): when a disclosure lapses. */
export function oneYearAfter(instant: Date): Date {
  const later = new Date(instant);
  later.setUTCFullYear(later.getUTCFullYear() + 1);
  return later;
}
