import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesYearActivities } from '../../activities/series-year';
import { temporalCli } from '../../scripts/temporal-binaries';
import { type SeriesYearLifecycle, createSeriesYearLifecycle } from '../../server/lifecycles/series-year';
import { currentYearIn, zonedInstant } from '../../workflows/calendar';
import type { SeriesYearInput } from '../../workflows/series-year';
import { bundleWorkflows } from '../support/temporal';

// The lifecycle module is what pages call; here it talks to a real Temporal dev server (with
// visibility, which re-planning uses), not the time-skipping one.
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let lifecycle: SeriesYearLifecycle;
const taskQueue = `lifecycle-${randomUUID()}`;
const noEffects: SeriesYearActivities = { sendRenewalReminder: async () => 0, expireSeries: async () => {} };

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await temporalCli() },
      extraArgs: ['--log-level', 'error'],
    },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    activities: noEffects,
  });
  running = worker.run();
  lifecycle = createSeriesYearLifecycle(env.client, taskQueue);
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

function nextYearInput(organizationId: string, reminderDates = ['09-15', '10-15', '11-15']): SeriesYearInput {
  const timeZone = 'America/New_York';
  return {
    seriesId: randomUUID(),
    organizationId,
    year: currentYearIn(timeZone, new Date()) + 1,
    timeZone,
    reminderDates,
  };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return read();
}

describe('series-year lifecycle module', () => {
  it('starting a year twice leaves one running workflow, and the page reads its schedule', async () => {
    const input = nextYearInput(randomUUID());
    await lifecycle.start(input);
    await lifecycle.start(input);
    const state = await eventually(
      () => lifecycle.describe(input.seriesId, input.year),
      (s) => s !== null,
    );
    expect(state).toMatchObject({
      phase: 'active',
      nextReminderAt: zonedInstant(
        { year: input.year, month: 9, day: 15, hour: 9 },
        input.timeZone,
      ).toISOString(),
    });
    const runs: string[] = [];
    for await (const w of env.client.workflow.list({
      query: `WorkflowId = 'series-${input.seriesId}-${input.year}'`,
    })) {
      runs.push(w.runId);
    }
    expect(runs).toHaveLength(1);
  });

  it('a year that never ran reads as null, and telling it about a renewal is harmless', async () => {
    expect(await lifecycle.describe(randomUUID(), 2031)).toBeNull();
    await expect(
      lifecycle.renewalApproved(
        { seriesId: randomUUID(), year: 2031 },
        { seriesId: randomUUID(), year: 2032 },
      ),
    ).resolves.toBeUndefined();
  });

  it('an approved renewal reaches last year’s workflow and clears its next reminder', async () => {
    const input = nextYearInput(randomUUID());
    await lifecycle.start(input);
    const renewal = { seriesId: randomUUID(), year: input.year + 1 };
    await lifecycle.renewalApproved({ seriesId: input.seriesId, year: input.year }, renewal);
    const state = await eventually(
      () => lifecycle.describe(input.seriesId, input.year),
      (s) => s?.renewal !== null,
    );
    expect(state).toMatchObject({ renewal, nextReminderAt: null });
  });

  it('new reminder dates re-plan the running years of that organization only', async () => {
    const riverside = randomUUID();
    const lakeside = randomUUID();
    const ours = [nextYearInput(riverside), nextYearInput(riverside)];
    const theirs = nextYearInput(lakeside);
    for (const input of [...ours, theirs]) await lifecycle.start(input);
    // Visibility is eventually consistent: wait until the list can see all three.
    await eventually(
      async () => {
        let n = 0;
        for await (const _ of env.client.workflow.list({
          query: `WorkflowType = 'seriesYear' AND ExecutionStatus = 'Running'`,
        }))
          n++;
        return n;
      },
      (n) => n >= 3,
    );

    await lifecycle.organizationPolicyChanged(riverside, {
      timeZone: 'America/New_York',
      reminderDates: ['10-01'],
    });

    const october = (input: SeriesYearInput) =>
      zonedInstant({ year: input.year, month: 10, day: 1, hour: 9 }, input.timeZone).toISOString();
    for (const input of ours) {
      const state = await eventually(
        () => lifecycle.describe(input.seriesId, input.year),
        (s) => s?.nextReminderAt === october(input),
      );
      expect(state?.nextReminderAt).toBe(october(input));
    }
    const untouched = await lifecycle.describe(theirs.seriesId, theirs.year);
    expect(untouched?.nextReminderAt).toBe(
      zonedInstant({ year: theirs.year, month: 9, day: 15, hour: 9 }, theirs.timeZone).toISOString(),
    );
  });
});
