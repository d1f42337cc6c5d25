import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedDemo } from '../../db/seed/demo';
import { series, sessions } from '../../db/schema';
import { loadConfig } from '../../server/config';
import { createLog } from '../../server/log';
import { createMailer } from '../../server/mail';
import type { Runtime } from '../../server/runtime';
import { createTexter } from '../../server/texting';
import { localDate } from '../../workflows/calendar';
import { seedDemoSeries } from '../../scripts/demo-series';
import { createTestDatabase } from '../support/database';
import { createTimeSkippingEnvironment } from '../support/temporal';
import { SettableClock } from '../support/test-app';

// No worker runs: the demo's lifecycles are started and wait, which is all a seed asks of Temporal.
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

const DATED = [
  'Heart failure therapies',
  'Sepsis bundles in the emergency department',
  'Anticoagulation after valve replacement',
  'Transcatheter valve devices compared',
  'Antibiotic stewardship',
  'Pain management after surgery',
  'Delirium prevention on the wards',
];

// npm start seeds the demo on whatever day a newcomer first runs it; December, when a series year
// is nearly over, once broke it (a session five weeks out fell past December 31).
describe('npm start seeds the whole demo on any day of the year', () => {
  test.each([
    ['the afternoon of January 5', '2026-01-05T18:30:00Z'],
    ['mid-June', '2026-06-15T14:00:00Z'],
    ['November 19', '2026-11-19T14:00:00Z'],
    ['the evening of November 26', '2026-11-26T23:00:00Z'],
    ['December 3', '2026-12-03T09:40:00Z'],
    ['New Year’s Eve before midnight in New York', '2027-01-01T04:30:00Z'],
  ])('%s', async (_when, at) => {
    const database = await createTestDatabase();
    try {
      const clock = new SettableClock(new Date(at));
      const config = loadConfig({ NODE_ENV: 'test' });
      const runtime: Runtime = {
        config,
        database: database.handle,
        clock,
        mailer: createMailer({ config, db: database.db, clock }),
        texter: createTexter({ db: database.db, clock, log: createLog('error') }),
        log: createLog('error'),
        temporal: env.client,
        close: async () => {},
      };
      const demo = await seedDemo({ db: database.db, clock });
      expect(demo).not.toBeNull();
      await seedDemoSeries(runtime, demo!);

      const grandRounds = (await database.db.select().from(series)).find(
        (s) => s.name === 'Medicine Grand Rounds',
      );
      expect(grandRounds?.approvedAt).not.toBeNull();
      const seeded = await database.db.select().from(sessions);
      const today = localDate(clock.now(), 'America/New_York');
      for (const name of DATED) {
        const session = seeded.find((s) => s.name === name);
        expect(session, name).toBeDefined();
        const date = localDate(session!.startsAt, session!.timeZone);
        expect(date > today, `${name} on ${date} lies ahead of ${today}`).toBe(true);
        expect(date.startsWith(String(grandRounds!.year)), `${name} on ${date}`).toBe(true);
      }
      // The session under way, so a newcomer can claim at once.
      const underWay = seeded.find((s) => s.name === 'Hyponatremia on the wards');
      expect(underWay!.startsAt.getTime()).toBeLessThan(clock.now().getTime());
      expect(underWay!.endsAt.getTime()).toBeGreaterThan(clock.now().getTime());
    } finally {
      await database.drop();
    }
  });
});
