import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClaimExceptionActivities,
  type ClaimExceptionInput,
  claimExceptionWorkflowId,
  exceptionDecidedSignal,
} from '../../workflows/claim-exception';
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

const DAY = 86_400_000;

describe('an attendance exception', () => {
  it('asks the coordinators, reminds them every 3 days, and stops when one decides', async () => {
    const asked: { reminder: number; at: number }[] = [];
    const activities: ClaimExceptionActivities = {
      async askCoordinators({ reminder }) {
        asked.push({ reminder, at: Context.current().info.currentAttemptScheduledTimestampMs });
        return 'sent';
      },
    };
    const taskQueue = `exception-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    await worker.runUntil(async () => {
      const input: ClaimExceptionInput = {
        exceptionId: randomUUID(),
        organizationId: randomUUID(),
        reminderDays: 3,
      };
      const handle = await env.client.workflow.start('claimException', {
        taskQueue,
        workflowId: claimExceptionWorkflowId(input.exceptionId),
        args: [input],
      });
      await env.sleep(10 * DAY);
      await handle.signal(exceptionDecidedSignal, { approved: true });
      expect(await handle.result()).toMatchObject({ phase: 'approved', reminders: 3, nextReminderAt: null });
      expect(asked.map((a) => a.reminder)).toEqual([0, 1, 2, 3]);
      const first = asked[0]?.at ?? 0;
      expect(asked.map((a) => Math.round((a.at - first) / DAY))).toEqual([0, 3, 6, 9]);
    });
  });

  it('ends at once when the request was decided before a reminder went out', async () => {
    const activities: ClaimExceptionActivities = { askCoordinators: async () => 'denied' };
    const taskQueue = `exception-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    await worker.runUntil(async () => {
      const input: ClaimExceptionInput = {
        exceptionId: randomUUID(),
        organizationId: randomUUID(),
        reminderDays: 3,
      };
      const handle = await env.client.workflow.start('claimException', {
        taskQueue,
        workflowId: claimExceptionWorkflowId(input.exceptionId),
        args: [input],
      });
      expect(await handle.result()).toMatchObject({ phase: 'denied', reminders: 0 });
    });
  });
});
