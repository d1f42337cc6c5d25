import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Session } from '../../db/schema';
import {
  type ClaimWindowInput,
  type ClaimWindowState,
  claimWindowChangedSignal,
  claimWindowWorkflowId,
  getStateQuery,
} from '../../workflows/claim-window';

/**
 * The only way the rest of Rounds starts, tells or reads a session's claim window. The workflow
 * reads the window from the database itself, so telling it means "read again".
 */
export interface ClaimWindowLifecycle {
  /** Starts the claim windows of new sessions; one already running counts as success. */
  start(organizationId: string, sessions: Session[]): Promise<void>;
  /** The session's date, window or activation changed; a missing lifecycle is started with it. */
  changed(organizationId: string, session: Session): Promise<void>;
  /** Where the window stands, read from the workflow; null when there is none. */
  describe(sessionId: string): Promise<ClaimWindowState | null>;
}

export function createClaimWindowLifecycle(client: Client, taskQueue: string): ClaimWindowLifecycle {
  const options = (organizationId: string, session: Session) => ({
    taskQueue,
    workflowId: claimWindowWorkflowId(session.id),
    memo: { organizationId, childId: session.childId, name: session.name },
  });
  const input = (organizationId: string, session: Session): ClaimWindowInput => ({
    sessionId: session.id,
    organizationId,
  });
  return {
    async start(organizationId, sessions) {
      for (const session of sessions) {
        await client.workflow.start('claimWindow', {
          ...options(organizationId, session),
          args: [input(organizationId, session)],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      }
    },

    async changed(organizationId, session) {
      if (session.deactivatedAt) {
        // A deactivated session has no window to start, only one to close.
        try {
          await client.workflow.getHandle(claimWindowWorkflowId(session.id)).signal(claimWindowChangedSignal);
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
        return;
      }
      await client.workflow.signalWithStart('claimWindow', {
        ...options(organizationId, session),
        args: [input(organizationId, session)],
        signal: claimWindowChangedSignal,
        signalArgs: [],
      });
    },

    async describe(sessionId) {
      try {
        return await client.workflow.getHandle(claimWindowWorkflowId(sessionId)).query(getStateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
  };
}
