import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { type Claim, claims } from '../../db/schema';
import {
  attendanceRecordedSignal,
  type CreditInput,
  creditWorkflowId,
  getStateQuery,
  type CreditState,
} from '../../workflows/credit';

/**
 * The only way the rest of Rounds starts or reads a learner's credit lifecycle. A claim is
 * committed first and its lifecycle started after, by the worker's relay; `lifecycleStartedAt`
 * marks the start, so a crash in between leaves a claim the relay starts again. Starting twice is harmless: the
 * workflow id is the learner's and the session's, and a second signal changes nothing.
 */
export interface CreditLifecycle {
  attendanceRecorded(claim: Pick<Claim, 'id' | 'organizationId' | 'sessionId' | 'accountId'>): Promise<void>;
  describe(sessionId: string, accountId: string): Promise<CreditState | null>;
}

export function createCreditLifecycle(
  client: Client,
  taskQueue: string,
  db: Database,
  now: () => Date,
): CreditLifecycle {
  return {
    async attendanceRecorded(claim) {
      const input: CreditInput = {
        organizationId: claim.organizationId,
        sessionId: claim.sessionId,
        accountId: claim.accountId,
      };
      await client.workflow.signalWithStart('credit', {
        taskQueue,
        workflowId: creditWorkflowId(claim.sessionId, claim.accountId),
        args: [input],
        signal: attendanceRecordedSignal,
        signalArgs: [{ claimId: claim.id }],
        memo: { organizationId: claim.organizationId },
      });
      await db
        .update(claims)
        .set({ lifecycleStartedAt: now() })
        .where(and(eq(claims.id, claim.id), isNull(claims.lifecycleStartedAt)));
    },
    async describe(sessionId, accountId) {
      try {
        return await client.workflow.getHandle(creditWorkflowId(sessionId, accountId)).query(getStateQuery);
      } catch {
        return null;
      }
    },
  };
}

/**
 * Starts the lifecycle of claims that have none yet, oldest first, at most `batch` of them,
 * `concurrency` at a time; returns how many it started. The web server only commits claims (a
 * room of 300 texting at once never waits on Temporal, and a web server killed mid-burst loses
 * nothing): the worker's relay (startCreditRelay in server/runtime.ts) runs this continuously.
 */
export async function startWaitingCredits(
  db: Database,
  lifecycle: CreditLifecycle,
  options: { batch?: number; concurrency?: number } = {},
): Promise<number> {
  const waiting = await db
    .select({
      id: claims.id,
      organizationId: claims.organizationId,
      sessionId: claims.sessionId,
      accountId: claims.accountId,
    })
    .from(claims)
    .where(isNull(claims.lifecycleStartedAt))
    .orderBy(asc(claims.claimedAt), asc(claims.id))
    .limit(options.batch ?? 200);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, waiting.length) }, async () => {
      while (next < waiting.length) {
        const claim = waiting[next++];
        if (claim) await lifecycle.attendanceRecorded(claim);
      }
    }),
  );
  return waiting.length;
}
