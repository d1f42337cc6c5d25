import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { type Claim, claims } from '../../db/schema';
import {
  attendanceRecordedSignal,
  type CreditInput,
  creditWorkflowId,
  getStateQuery,
  type CreditState,
  requirementsChangedSignal,
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
  /**
   * The learner answered the evaluation or tried the post-test, or a coordinator reopened the
   * credit: the lifecycle reads the facts again. The facts are committed first, so a signal that
   * does not arrive only delays the credit to the lifecycle's next look (a reminder, the due date).
   */
  requirementsChanged(sessionId: string, accountId: string): Promise<void>;
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
    async requirementsChanged(sessionId, accountId) {
      await client.workflow
        .getHandle(creditWorkflowId(sessionId, accountId))
        .signal(requirementsChangedSignal);
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

/**
 * A room texting its code: this many claims in the last few seconds, still waiting for their
 * lifecycles. Credits are paperwork and the learners in the room are waiting on Twilio's 15
 * seconds, so while the room texts the relay holds back (on one machine, every lifecycle started
 * is CPU the webhook does not get), but never longer than CREDIT_HOLD_MAX_MS for any one claim.
 */
export const ROOM_TEXTING_CLAIMS = 10;
export const ROOM_TEXTING_WINDOW_MS = 2_000;
export const CREDIT_HOLD_MAX_MS = 60_000;

export async function roomIsTexting(db: Database, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - ROOM_TEXTING_WINDOW_MS);
  const [waiting] = await db
    .select({
      recent:
        sql<number>`count(*) filter (where ${claims.claimedAt} > ${since.toISOString()}::timestamptz)`.mapWith(
          Number,
        ),
      oldest: sql<string | null>`min(${claims.claimedAt})`,
    })
    .from(claims)
    .where(isNull(claims.lifecycleStartedAt));
  if (!waiting || waiting.recent < ROOM_TEXTING_CLAIMS || waiting.oldest === null) return false;
  return now.getTime() - new Date(waiting.oldest).getTime() < CREDIT_HOLD_MAX_MS;
}
