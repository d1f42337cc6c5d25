/**
 * Records the event history of a series year (approved, one reminder, renewal approved, expired)
 * on the time-skipping server into test/histories/. The replay test runs today's workflow code
 * against it, so a change that would break running workflows fails CI. Re-record only on purpose.
 */
import { writeFile } from 'node:fs/promises';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../test/support/temporal';
import { zonedInstant } from '../workflows/calendar';
import { renewalApprovedSignal, seriesYearWorkflowId } from '../workflows/series-year';

const env = await createTimeSkippingEnvironment();
try {
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() + 1;
  const timeZone = 'America/New_York';
  const input = {
    seriesId: '00000000-0000-4000-8000-000000000001',
    organizationId: '00000000-0000-4000-8000-0000000000aa',
    year,
    timeZone,
    reminderDates: ['09-15', '10-15', '11-15'],
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record',
    workflowBundle: await bundleWorkflows(),
    activities: { sendRenewalReminder: async () => 1, expireSeries: async () => {} },
  });
  const history = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('seriesYear', {
      taskQueue: 'record',
      workflowId: seriesYearWorkflowId(input.seriesId, year),
      args: [input],
    });
    await env.sleep(
      zonedInstant({ year, month: 9, day: 20 }, timeZone).getTime() - (await env.currentTimeMs()),
    );
    await handle.signal(renewalApprovedSignal, {
      seriesId: '00000000-0000-4000-8000-000000000002',
      year: year + 1,
    });
    await handle.result();
    return handle.fetchHistory();
  });
  const file = new URL('../test/histories/series-year-renewed.json', import.meta.url);
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
} finally {
  await env.teardown();
}
