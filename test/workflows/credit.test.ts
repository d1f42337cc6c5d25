import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attendanceRecordedSignal,
  type CreditActivities,
  type CreditInput,
  creditWorkflowId,
} from '../../workflows/credit';
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

describe('the learner’s credit lifecycle', () => {
  it('starts from an attendance, however many times it is told, and puts the credit on record once', async () => {
    const recorded: string[] = [];
    // A session that asks for no evaluation or test, and gives credit on the transcript only.
    const nothingOwed = {
      dueAt: '2026-04-02T17:00:00.000Z',
      evaluation: false,
      evaluationDone: false,
      test: false,
      testPassed: false,
      testAttemptsLeft: 0,
      lapsed: false,
      certificate: false,
    };
    const unexpected = async () => {
      throw new Error('not asked of a session that owes nothing');
    };
    const activities: CreditActivities = {
      async recordCredit({ claimId }) {
        recorded.push(claimId);
        return { creditedAt: '2026-03-03T17:10:00.000Z' };
      },
      openCreditRequirements: async () => nothingOwed,
      creditProgress: async () => nothingOwed,
      remindLearner: unexpected,
      closeRequirements: unexpected,
      issueCertificate: unexpected,
    };
    const taskQueue = `credit-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    await worker.runUntil(async () => {
      const input: CreditInput = {
        organizationId: randomUUID(),
        sessionId: randomUUID(),
        accountId: randomUUID(),
      };
      const start = (claimId: string) =>
        env.client.workflow.signalWithStart('credit', {
          taskQueue,
          workflowId: creditWorkflowId(input.sessionId, input.accountId),
          args: [input],
          signal: attendanceRecordedSignal,
          signalArgs: [{ claimId }],
        });
      // The relay may start it twice (two workers), with the same claim.
      const handle = await start('claim-1');
      await start('claim-1');
      expect(await handle.result()).toMatchObject({
        phase: 'credited',
        claimId: 'claim-1',
        creditedAt: '2026-03-03T17:10:00.000Z',
      });
      expect(recorded).toEqual(['claim-1']);
    });
  });
});
