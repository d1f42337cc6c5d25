import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Session } from '../../db/schema';
import {
  type ChangeReason,
  type SessionApprovalInput,
  type SessionApprovalState,
  type SessionPlan,
  getStateQuery,
  sessionApprovalWorkflowId,
  sessionChangedSignal,
} from '../../workflows/session-approval';

/**
 * The only way the rest of Rounds starts, tells or reads a session's approval lifecycle. Pages
 * call it after their change has committed; the workflow reads the rest from the database.
 */
export interface SessionApprovalLifecycle {
  /** Starts the lifecycle of new sessions; one already running counts as success. */
  start(organizationId: string, sessions: Session[], holidays: string[]): Promise<void>;
  /**
   * Something the session's plan or status rests on changed. A lifecycle that is missing (a session
   * from before Rounds ran lifecycles, a start that failed) is started with the change.
   */
  changed(organizationId: string, session: Session, holidays: string[], reason: ChangeReason): Promise<void>;
  /** Where the lifecycle stands, read from the workflow; null when there is none. */
  describe(sessionId: string): Promise<SessionApprovalState | null>;
}

export function sessionPlan(session: Session, holidays: string[]): SessionPlan {
  return {
    startsAt: session.startsAt.toISOString(),
    timeZone: session.timeZone,
    holidays,
    active: session.deactivatedAt === null,
    asOf: session.updatedAt.toISOString(),
  };
}

export function createSessionApprovalLifecycle(
  client: Client,
  taskQueue: string,
  now: () => Date,
): SessionApprovalLifecycle {
  const options = (organizationId: string, session: Session) => ({
    taskQueue,
    workflowId: sessionApprovalWorkflowId(session.id),
    // Findable in the Temporal UI by the session's id, and its memo names it.
    memo: { organizationId, childId: session.childId, name: session.name },
  });
  return {
    async start(organizationId, sessions, holidays) {
      for (const session of sessions) {
        const input: SessionApprovalInput = {
          sessionId: session.id,
          organizationId,
          plan: sessionPlan(session, holidays),
        };
        await client.workflow.start('sessionApproval', {
          ...options(organizationId, session),
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      }
    },

    async changed(organizationId, session, holidays, reason) {
      const plan = sessionPlan(session, holidays);
      // A session that has started or was deactivated has no lifecycle to start, only one to tell.
      if (!plan.active || session.startsAt <= now()) {
        try {
          await client.workflow
            .getHandle(sessionApprovalWorkflowId(session.id))
            .signal(sessionChangedSignal, { reason, plan });
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
        return;
      }
      const input: SessionApprovalInput = { sessionId: session.id, organizationId, plan };
      await client.workflow.signalWithStart('sessionApproval', {
        ...options(organizationId, session),
        args: [input],
        signal: sessionChangedSignal,
        signalArgs: [{ reason, plan }],
      });
    },

    async describe(sessionId) {
      try {
        return await client.workflow.getHandle(sessionApprovalWorkflowId(sessionId)).query(getStateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
  };
}
