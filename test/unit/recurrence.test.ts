import { describe, expect, test } from 'vitest';
import { describeRecurrence, nthWeekday, occurrences } from '../../server/recurrence';
import { addDays, instantAt, weekdayOf } from '../../workflows/calendar';

describe('a recurrence of sessions', () => {
  test('every 2 weeks on Tuesday and Thursday keeps its rhythm from the first week', () => {
    // 2026-03-03 is a Tuesday.
    const { dates, cut } = occurrences(
      '2026-03-03',
      { kind: 'weekly', everyWeeks: 2, weekdays: [2, 4], end: { count: 5 } },
      '2026-12-31',
    );
    expect(dates).toEqual(['2026-03-03', '2026-03-05', '2026-03-17', '2026-03-19', '2026-03-31']);
    expect(cut).toBe(0);
  });

  test('a first date on a weekday not chosen starts at the next chosen one', () => {
    const { dates } = occurrences(
      '2026-03-02',
      { kind: 'weekly', everyWeeks: 1, weekdays: [3], end: { until: '2026-03-20' } },
      '2026-12-31',
    );
    expect(dates).toEqual(['2026-03-04', '2026-03-11', '2026-03-18']);
  });

  test('monthly on the first Tuesday, and on the last Friday', () => {
    const first = occurrences(
      '2026-01-01',
      { kind: 'monthly', week: 1, weekday: 2, end: { count: 4 } },
      '2026-12-31',
    );
    expect(first.dates).toEqual(['2026-01-06', '2026-02-03', '2026-03-03', '2026-04-07']);
    const last = occurrences(
      '2026-01-01',
      { kind: 'monthly', week: -1, weekday: 5, end: { until: '2026-03-31' } },
      '2026-12-31',
    );
    expect(last.dates).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
  });

  test('a month whose nth weekday comes before the first date is skipped', () => {
    const { dates } = occurrences(
      '2026-01-10',
      { kind: 'monthly', week: 1, weekday: 2, end: { count: 2 } },
      '2026-12-31',
    );
    expect(dates).toEqual(['2026-02-03', '2026-03-03']);
  });

  test('a recurrence that would cross Dec 31 is cut there and says how many dates were cut', () => {
    const byCount = occurrences(
      '2026-12-01',
      { kind: 'weekly', everyWeeks: 1, weekdays: [2], end: { count: 8 } },
      '2026-12-31',
    );
    expect(byCount.dates).toEqual(['2026-12-01', '2026-12-08', '2026-12-15', '2026-12-22', '2026-12-29']);
    expect(byCount.cut).toBe(3);
    const byDate = occurrences(
      '2026-11-03',
      { kind: 'monthly', week: 1, weekday: 2, end: { until: '2027-03-31' } },
      '2026-12-31',
    );
    expect(byDate.dates).toEqual(['2026-11-03', '2026-12-01']);
    expect(byDate.cut).toBe(3);
  });

  test('the nth weekday of a month, including the last one in a 31-day month', () => {
    expect(nthWeekday(2026, 3, 1, 2)).toBe('2026-03-03');
    expect(nthWeekday(2026, 3, 4, 2)).toBe('2026-03-24');
    expect(nthWeekday(2026, 3, -1, 2)).toBe('2026-03-31');
    expect(nthWeekday(2026, 12, -1, 4)).toBe('2026-12-31');
  });

  test('it reads as a coordinator would say it', () => {
    expect(describeRecurrence({ kind: 'weekly', everyWeeks: 1, weekdays: [4, 2], end: { count: 3 } })).toBe(
      'Weekly on Tuesday and Thursday',
    );
    expect(describeRecurrence({ kind: 'weekly', everyWeeks: 2, weekdays: [1], end: { count: 3 } })).toBe(
      'Every 2 weeks on Monday',
    );
    expect(describeRecurrence({ kind: 'monthly', week: 1, weekday: 2, end: { count: 3 } })).toBe(
      'Monthly on the first Tuesday',
    );
  });
});

describe('local dates', () => {
  test('weekdays and day arithmetic cross months and leap days', () => {
    expect(weekdayOf('2026-11-24')).toBe(2);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  test('on the day clocks spring forward, times after the change keep their wall time; a time in the gap moves forward', () => {
    expect(instantAt('2026-03-08', '03:15', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:15:00.000Z',
    );
    expect(instantAt('2026-03-08', '06:59', 'America/New_York').toISOString()).toBe(
      '2026-03-08T10:59:00.000Z',
    );
    expect(instantAt('2026-03-08', '09:30', 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-08T16:30:00.000Z',
    );
    expect(instantAt('2026-03-08', '01:59', 'America/New_York').toISOString()).toBe(
      '2026-03-08T06:59:00.000Z',
    );
    expect(instantAt('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // At fall-back 01:30 happens twice: the first is meant.
    expect(instantAt('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(instantAt('2026-11-01', '12:00', 'Europe/Berlin').toISOString()).toBe('2026-11-01T11:00:00.000Z');
  });

  test('a weekly noon session stays at noon local across the DST change', () => {
    expect(instantAt('2026-03-03', '12:00', 'America/New_York').toISOString()).toBe(
      '2026-03-03T17:00:00.000Z',
    );
    expect(instantAt('2026-03-10', '12:00', 'America/New_York').toISOString()).toBe(
      '2026-03-10T16:00:00.000Z',
    );
  });
});
