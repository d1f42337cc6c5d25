import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
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
 * committed first and its lifecycle started after; `lifecycleStartedAt` marks the start, so a
 * crash in between leaves a claim the sweep (below) starts later. Starting twice is harmless: the
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

/** A claim this long without its lifecycle is taken to have lost it (a crash after the commit). */
export const SWEEP_AFTER_MS = 30_000;

/**
 * Starts the lifecycle of every claim that has none yet and is older than SWEEP_AFTER_MS, oldest
 * first, a batch at a time. The worker runs it every few seconds; it returns how many it started.
 */
export async function sweepUnstartedCredits(
  db: Database,
  lifecycle: CreditLifecycle,
  now: Date,
  batch = 200,
): Promise<number> {
  const waiting = await db
    .select({
      id: claims.id,
      organizationId: claims.organizationId,
      sessionId: claims.sessionId,
      accountId: claims.accountId,
    })
    .from(claims)
    .where(
      and(isNull(claims.lifecycleStartedAt), lt(claims.claimedAt, new Date(now.getTime() - SWEEP_AFTER_MS))),
    )
    .orderBy(asc(claims.claimedAt))
    .limit(batch);
  for (const claim of waiting) await lifecycle.attendanceRecorded(claim);
  return waiting.length;
}
