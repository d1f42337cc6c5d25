import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesYearActivities } from '../../activities/series-year';
import { currentYearIn, localDate, zonedInstant } from '../../workflows/calendar';
import {
  type SeriesYearInput,
  getStateQuery,
  organizationPolicyChangedSignal,
  renewalApprovedSignal,
  seriesYearWorkflowId,
} from '../../workflows/series-year';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
  bundle = await bundleWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

/** What the workflow asked its activities to do, and at what (skipped) server time. */
interface Effects {
  reminders: { reminderOn: string; at: string }[];
  expired: { at: string }[];
}

function recordingActivities(effects: Effects): SeriesYearActivities {
  // Timers fire on the (skipped) server clock, and the worker's real processing time is added to
  // it: on a loaded machine that can be seconds. Compare to the minute, the precision that matters.
  const scheduledAt = () => {
    const ms = Context.current().info.currentAttemptScheduledTimestampMs;
    return new Date(ms - (ms % 60_000)).toISOString();
  };
  return {
    async sendRenewalReminder({ reminderOn }) {
      effects.reminders.push({ reminderOn, at: scheduledAt() });
      return 1;
    },
    async expireSeries() {
      effects.expired.push({ at: scheduledAt() });
    },
  };
}

async function withWorker<T>(effects: Effects, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `series-year-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities(effects),
  });
  return worker.runUntil(body(taskQueue));
}

/** Moves the test server's clock forward to a local wall time (never backward). */
async function advanceTo(
  local: { year: number; month: number; day: number; hour?: number },
  timeZone: string,
) {
  const target = zonedInstant(local, timeZone).getTime();
  const now = await env.currentTimeMs();
  if (target <= now) throw new Error(`test clock is already past ${JSON.stringify(local)}`);
  await env.sleep(target - now);
}

/** A year the test server has not reached yet, so every test has a whole calendar ahead of it. */
async function nextYear(timeZone: string): Promise<number> {
  return currentYearIn(timeZone, new Date(await env.currentTimeMs())) + 1;
}

function input(
  overrides: Partial<SeriesYearInput> & Pick<SeriesYearInput, 'year' | 'timeZone'>,
): SeriesYearInput {
  return {
    seriesId: randomUUID(),
    organizationId: randomUUID(),
    reminderDates: ['09-15', '10-15', '11-15'],
    ...overrides,
  };
}

describe('series year', () => {
  it('reminds owners on each fall date at 9:00 local, across the November DST change, then expires after Dec 31 23:59:59 local', async () => {
    const timeZone = 'America/New_York';
    const year = await nextYear(timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone });
    const state = await withWorker(effects, (taskQueue) =>
      env.client.workflow.execute('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      }),
    );

    const nineLocal = (month: number, day: number) =>
      zonedInstant({ year, month, day, hour: 9 }, timeZone).toISOString();
    expect(effects.reminders).toEqual([
      { reminderOn: `${year}-09-15`, at: nineLocal(9, 15) },
      { reminderOn: `${year}-10-15`, at: nineLocal(10, 15) },
      { reminderOn: `${year}-11-15`, at: nineLocal(11, 15) },
    ]);
    // 9:00 EDT is 13:00Z; after the first Sunday of November, 9:00 EST is 14:00Z.
    expect(effects.reminders.map((r) => r.at.slice(11, 16))).toEqual(['13:00', '13:00', '14:00']);
    // Expires at midnight New York time, in winter: 05:00Z on January 1.
    expect(effects.expired).toEqual([{ at: `${year + 1}-01-01T05:00:00.000Z` }]);
    expect(state).toMatchObject({
      phase: 'expired',
      remindersSent: [`${year}-09-15`, `${year}-10-15`, `${year}-11-15`],
    });
  });

  it('ends the year at Dec 31 23:59:59 in Sydney, where December is daylight time', async () => {
    const timeZone = 'Australia/Sydney';
    const year = await nextYear(timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    // Approved in the southern winter (standard time, +10); the year ends in summer time (+11).
    await advanceTo({ year, month: 7, day: 1 }, timeZone);
    const start = input({ year, timeZone, reminderDates: ['11-01'] });
    const state = await withWorker(effects, (taskQueue) =>
      env.client.workflow.execute('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      }),
    );
    expect(effects.reminders).toEqual([{ reminderOn: `${year}-11-01`, at: `${year}-10-31T22:00:00.000Z` }]);
    expect(effects.expired).toEqual([{ at: `${year}-12-31T13:00:00.000Z` }]);
    expect(state.endsAt).toBe(`${year}-12-31T13:00:00.000Z`);
  });

  it('a series approved on Dec 20 gets no renewal reminders and still expires after Dec 31 local', async () => {
    const timeZone = 'America/Chicago';
    const year = await nextYear(timeZone);
    await advanceTo({ year, month: 12, day: 20, hour: 10 }, timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone });
    const state = await withWorker(effects, async (taskQueue) => {
      const handle = await env.client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      });
      const active = await handle.query(getStateQuery);
      expect(active).toMatchObject({ phase: 'active', nextReminderAt: null, remindersSent: [] });
      return handle.result();
    });
    expect(effects.reminders).toEqual([]);
    expect(effects.expired).toEqual([{ at: `${year + 1}-01-01T06:00:00.000Z` }]);
    expect(state.phase).toBe('expired');
  });

  it('approving the renewal stops the remaining reminders, and the page can read the schedule meanwhile', async () => {
    const timeZone = 'America/New_York';
    const year = await nextYear(timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone });
    const state = await withWorker(effects, async (taskQueue) => {
      const handle = await env.client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      });
      const before = await handle.query(getStateQuery);
      expect(before.nextReminderAt).toBe(
        zonedInstant({ year, month: 9, day: 15, hour: 9 }, timeZone).toISOString(),
      );

      await advanceTo({ year, month: 9, day: 20 }, timeZone);
      const afterFirst = await handle.query(getStateQuery);
      expect(afterFirst.remindersSent).toEqual([`${year}-09-15`]);
      expect(afterFirst.nextReminderAt).toBe(
        zonedInstant({ year, month: 10, day: 15, hour: 9 }, timeZone).toISOString(),
      );

      const renewal = { seriesId: randomUUID(), year: year + 1 };
      await handle.signal(renewalApprovedSignal, renewal);
      const renewed = await handle.query(getStateQuery);
      expect(renewed).toMatchObject({ renewal, nextReminderAt: null, phase: 'active' });
      return handle.result();
    });
    expect(effects.reminders.map((r) => r.reminderOn)).toEqual([`${year}-09-15`]);
    expect(effects.expired).toHaveLength(1);
    expect(state.remindersSent).toEqual([`${year}-09-15`]);
  });

  it('new reminder dates from the organization re-plan the reminders still to come', async () => {
    const timeZone = 'America/Denver';
    const year = await nextYear(timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone, reminderDates: ['09-15', '11-15'] });
    await withWorker(effects, async (taskQueue) => {
      const handle = await env.client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      });
      await advanceTo({ year, month: 9, day: 16 }, timeZone);
      await handle.signal(organizationPolicyChangedSignal, {
        timeZone,
        reminderDates: ['09-15', '10-01', '12-01'],
      });
      const replanned = await handle.query(getStateQuery);
      expect(replanned.nextReminderAt).toBe(
        zonedInstant({ year, month: 10, day: 1, hour: 9 }, timeZone).toISOString(),
      );
      return handle.result();
    });
    // 09-15 is not sent twice; 11-15 was dropped; 10-01 and 12-01 were added.
    expect(effects.reminders.map((r) => r.reminderOn)).toEqual([
      `${year}-09-15`,
      `${year}-10-01`,
      `${year}-12-01`,
    ]);
    expect(effects.reminders.map((r) => localDate(new Date(r.at), timeZone))).toEqual([
      `${year}-09-15`,
      `${year}-10-01`,
      `${year}-12-01`,
    ]);
  });

  it('a reminder date added after the last one has passed still goes out', async () => {
    const timeZone = 'America/New_York';
    const year = await nextYear(timeZone);
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone, reminderDates: ['09-15'] });
    await withWorker(effects, async (taskQueue) => {
      const handle = await env.client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      });
      await advanceTo({ year, month: 10, day: 1 }, timeZone);
      expect((await handle.query(getStateQuery)).nextReminderAt).toBeNull();
      await handle.signal(organizationPolicyChangedSignal, { timeZone, reminderDates: ['09-15', '12-01'] });
      return handle.result();
    });
    expect(effects.reminders.map((r) => r.reminderOn)).toEqual([`${year}-09-15`, `${year}-12-01`]);
  });

  it('a new time zone for the organization moves the end of the year to Dec 31 23:59:59 there', async () => {
    const year = await nextYear('America/New_York');
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year, timeZone: 'America/New_York', reminderDates: [] });
    const state = await withWorker(effects, async (taskQueue) => {
      const handle = await env.client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(start.seriesId, year),
        args: [start],
      });
      await advanceTo({ year, month: 6, day: 1 }, 'America/New_York');
      await handle.signal(organizationPolicyChangedSignal, {
        timeZone: 'America/Los_Angeles',
        reminderDates: [],
      });
      // A zone that does not exist is ignored rather than breaking the year.
      await handle.signal(organizationPolicyChangedSignal, {
        timeZone: 'Mars/Olympus_Mons',
        reminderDates: [],
      });
      expect(await handle.query(getStateQuery)).toMatchObject({
        timeZone: 'America/Los_Angeles',
        endsAt: `${year + 1}-01-01T08:00:00.000Z`,
      });
      return handle.result();
    });
    expect(effects.expired).toEqual([{ at: `${year + 1}-01-01T08:00:00.000Z` }]);
    expect(state.phase).toBe('expired');
  });

  it('refuses a time zone that does not exist instead of guessing', async () => {
    const effects: Effects = { reminders: [], expired: [] };
    const start = input({ year: 2030, timeZone: 'Mars/Olympus_Mons' });
    await expect(
      withWorker(effects, (taskQueue) =>
        env.client.workflow.execute('seriesYear', {
          taskQueue,
          workflowId: seriesYearWorkflowId(start.seriesId, 2030),
          args: [start],
        }),
      ),
    ).rejects.toThrow(/failed/i);
    expect(effects.expired).toEqual([]);
  });
});
