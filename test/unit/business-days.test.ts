import { describe, expect, test } from 'vitest';
import { businessDaysBefore } from '../../workflows/calendar';
import { checkInstants, deadlineOf, type SessionPlan } from '../../workflows/session-approval';

const THANKSGIVING = ['2026-11-26', '2026-11-27'];

describe('business days before a date', () => {
  test.each([
    // [session date, holidays, deadline, why]
    ['2026-12-07', [], '2026-11-30', 'a Monday session: the Monday before, over one weekend'],
    ['2026-12-04', [], '2026-11-27', 'a Friday session: the Friday before'],
    ['2026-12-05', [], '2026-11-30', 'a Saturday session counts back from Friday'],
    ['2026-12-02', [], '2026-11-25', 'Thanksgiving week without the holidays set'],
    ['2026-12-02', THANKSGIVING, '2026-11-23', 'Thanksgiving Thursday and Friday do not count'],
    ['2026-11-30', THANKSGIVING, '2026-11-19', 'a session the Monday after Thanksgiving'],
    ['2027-01-04', ['2026-12-25', '2027-01-01'], '2026-12-24', 'across Christmas and New Year'],
    ['2026-12-07', ['2026-12-05'], '2026-11-30', 'a holiday on a Saturday changes nothing'],
  ])('a session on %s with holidays %j is due by %s (%s)', (date, holidays, deadline) => {
    expect(businessDaysBefore(date, 5, holidays)).toBe(deadline);
  });
});

const plan = (startsAt: string, timeZone: string, holidays: string[] = []): SessionPlan => ({
  startsAt,
  timeZone,
  holidays,
  active: true,
});

describe('a session’s 3-by-5 deadline and status checks', () => {
  test('the deadline is reckoned on the session’s own date, not UTC’s', () => {
    // Tuesday 01:00 in Tokyo is still Monday in UTC: the deadline follows Tokyo’s Tuesday.
    expect(deadlineOf(plan('2026-12-07T16:00:00Z', 'Asia/Tokyo'))).toBe('2026-12-01');
    expect(deadlineOf(plan('2026-12-07T16:00:00Z', 'America/New_York'))).toBe('2026-11-30');
  });

  test('checks fall at 09:00 local 5 and 3 calendar days before, whatever the zone’s offset across DST', () => {
    // New York leaves daylight time on Sunday Nov 1, 2026: the five-day check is still EDT.
    const fall = checkInstants(plan('2026-11-03T14:00:00Z', 'America/New_York'));
    expect(fall.map(({ check, at }) => [check, at.toISOString()])).toEqual([
      ['five-day', '2026-10-29T13:00:00.000Z'],
      ['three-day', '2026-10-31T13:00:00.000Z'],
    ]);
    // …and enters it on Sunday Mar 14, 2027: 09:00 EST then 09:00 EDT, an hour apart in UTC.
    const spring = checkInstants(plan('2027-03-17T13:00:00Z', 'America/New_York'));
    expect(spring.map(({ at }) => at.toISOString())).toEqual([
      '2027-03-12T14:00:00.000Z',
      '2027-03-14T13:00:00.000Z',
    ]);
    expect(deadlineOf(plan('2026-11-03T14:00:00Z', 'America/New_York'))).toBe('2026-10-27');
  });
});
