import { addDays, daysBetween, weekdayOf } from '../workflows/calendar';

/**
 * When a series meets: once, every N weeks on chosen weekdays, or monthly on the nth weekday
 * ("first Tuesday", "last Friday"), until a date or for a number of sessions. Pure date arithmetic
 * on local dates: the zone and time of day are applied afterwards, so DST never moves a meeting.
 */
export type Recurrence =
  | { kind: 'once' }
  | { kind: 'weekly'; everyWeeks: number; weekdays: number[]; end: RecurrenceEnd }
  | { kind: 'monthly'; week: MonthWeek; weekday: number; end: RecurrenceEnd };

/** 1–4: the first to fourth such weekday of the month; -1: the last. */
export type MonthWeek = 1 | 2 | 3 | 4 | -1;

export type RecurrenceEnd = { until: string } | { count: number };

/** More sessions than this at once is a mistake (every weekday for a year is 261). */
export const MAX_OCCURRENCES = 366;

export interface Occurrences {
  /** Local dates, in order, none after `lastDate`. */
  dates: string[];
  /** How many the recurrence asked for beyond `lastDate` (the series' Dec 31), which were cut. */
  cut: number;
}

/**
 * The local dates of a recurrence starting on `first` (inclusive), never after `lastDate`. Weeks
 * count from the Sunday of `first`'s week, so "every 2 weeks on Tue and Thu" keeps its rhythm.
 */
export function occurrences(first: string, recurrence: Recurrence, lastDate: string): Occurrences {
  if (recurrence.kind === 'once') {
    return first > lastDate ? { dates: [], cut: 1 } : { dates: [first], cut: 0 };
  }
  const { end } = recurrence;
  const wanted = (date: string, taken: number) => ('count' in end ? taken < end.count : date <= end.until);
  const dates: string[] = [];
  let cut = 0;
  const take = (date: string) => {
    if (date > lastDate) cut += 1;
    else dates.push(date);
  };

  if (recurrence.kind === 'weekly') {
    const weekdays = new Set(recurrence.weekdays);
    const firstSunday = addDays(first, -weekdayOf(first));
    // Ten years of days at most, so a recurrence with no weekday cannot loop forever.
    for (
      let date = first;
      dates.length + cut <= MAX_OCCURRENCES && daysBetween(first, date) < 3653;
      date = addDays(date, 1)
    ) {
      const week = Math.floor(daysBetween(firstSunday, date) / 7);
      if (week % recurrence.everyWeeks !== 0 || !weekdays.has(weekdayOf(date))) continue;
      if (!wanted(date, dates.length + cut)) break;
      // Counting past the year's end only to report the cut: stop once a count is met or a year passes.
      if (date > lastDate && !('count' in end) && daysBetween(lastDate, date) > 366) break;
      take(date);
    }
  } else {
    const [startYear, startMonth] = first.split('-').map(Number) as [number, number];
    for (let index = 0; dates.length + cut <= MAX_OCCURRENCES && index < 120; index += 1) {
      const year = startYear + Math.floor((startMonth - 1 + index) / 12);
      const month = ((startMonth - 1 + index) % 12) + 1;
      const date = nthWeekday(year, month, recurrence.week, recurrence.weekday);
      if (date < first) continue;
      if (!wanted(date, dates.length + cut)) break;
      if (date > lastDate && !('count' in end) && daysBetween(lastDate, date) > 366) break;
      take(date);
    }
  }
  return { dates, cut };
}

/** The first…fourth (or last) `weekday` of a month, as a local date. */
export function nthWeekday(year: number, month: number, week: MonthWeek, weekday: number): string {
  const firstOfMonth = `${year}-${String(month).padStart(2, '0')}-01`;
  if (week === -1) {
    const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
    const lastOfMonth = addDays(nextMonth, -1);
    return addDays(lastOfMonth, -((weekdayOf(lastOfMonth) - weekday + 7) % 7));
  }
  return addDays(firstOfMonth, ((weekday - weekdayOf(firstOfMonth) + 7) % 7) + (week - 1) * 7);
}

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS: Record<MonthWeek, string> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  [-1]: 'last',
};

/** "Every 2 weeks on Tuesday and Thursday", "Monthly on the first Tuesday". */
export function describeRecurrence(recurrence: Recurrence): string {
  if (recurrence.kind === 'once') return 'Once';
  if (recurrence.kind === 'monthly') {
    return `Monthly on the ${ORDINALS[recurrence.week]} ${WEEKDAY_NAMES[recurrence.weekday]}`;
  }
  const days = [...recurrence.weekdays].sort().map((day) => WEEKDAY_NAMES[day] ?? '');
  const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : (days[0] ?? '');
  return recurrence.everyWeeks === 1
    ? `Weekly on ${list}`
    : `Every ${recurrence.everyWeeks} weeks on ${list}`;
}
