/**
 * Records event histories of series years on the time-skipping server into test/histories/:
 *   series-year-renewed.json    approved, one reminder, renewal approved, expired
 *   series-year-replanned.json  approved, one reminder, new zone and dates from settings, expired
 * The replay test runs today's workflow code against them, so a change that would break running
 * workflows fails CI. Re-record only on purpose, when a change is meant to be incompatible.
 */
import { writeFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../test/support/temporal';
import { zonedInstant } from '../workflows/calendar';
import {
  type SeriesYearInput,
  organizationPolicyChangedSignal,
  renewalApprovedSignal,
  seriesYearWorkflowId,
} from '../workflows/series-year';

type Handle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;

const scenarios: Record<
  string,
  (env: TestWorkflowEnvironment, handle: Handle, input: SeriesYearInput) => Promise<void>
> = {
  'series-year-renewed': async (env, handle, input) => {
    await advanceTo(env, zonedInstant({ year: input.year, month: 9, day: 20 }, input.timeZone));
    await handle.signal(renewalApprovedSignal, {
      seriesId: '00000000-0000-4000-8000-000000000002',
      year: input.year + 1,
    });
  },
  'series-year-replanned': async (env, handle, input) => {
    await advanceTo(env, zonedInstant({ year: input.year, month: 9, day: 20 }, input.timeZone));
    await handle.signal(organizationPolicyChangedSignal, {
      timeZone: 'America/Los_Angeles',
      reminderDates: ['09-15', '10-01', '12-01'],
    });
  },
};

async function advanceTo(env: TestWorkflowEnvironment, instant: Date) {
  await env.sleep(instant.getTime() - (await env.currentTimeMs()));
}

async function record(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: string,
  scenario: (typeof scenarios)[string],
) {
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() + 1;
  const input: SeriesYearInput = {
    seriesId: '00000000-0000-4000-8000-000000000001',
    organizationId: '00000000-0000-4000-8000-0000000000aa',
    year,
    timeZone: 'America/New_York',
    reminderDates: ['09-15', '10-15', '11-15'],
  };
  const taskQueue = `record-${name}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: { sendRenewalReminder: async () => 1, expireSeries: async () => {} },
  });
  const history = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('seriesYear', {
      taskQueue,
      workflowId: `${seriesYearWorkflowId(input.seriesId, year)}-${name}`,
      args: [input],
    });
    await scenario(env, handle, input);
    await handle.result();
    return handle.fetchHistory();
  });
  const file = new URL(`../test/histories/${name}.json`, import.meta.url);
  const plain = proto.temporal.api.history.v1.History.toObject(
    history as proto.temporal.api.history.v1.History,
    {
      longs: String,
      enums: String,
      bytes: String,
    },
  );
  await writeFile(file, `${JSON.stringify(plain, null, 1)}\n`);
  console.log(`wrote ${file.pathname} (${history.events?.length} events)`);
}

const env = await createTimeSkippingEnvironment();
try {
  const bundle = await bundleWorkflows();
  const only = process.argv[2];
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (!only || only === name) await record(env, bundle, name, scenario);
  }
} finally {
  await env.teardown();
}
