import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { ClaimException } from '../../db/schema';
import {
  type ClaimExceptionInput,
  claimExceptionWorkflowId,
  exceptionDecidedSignal,
} from '../../workflows/claim-exception';

/** Days between reminders to coordinators who have not decided an exception. */
export const EXCEPTION_REMINDER_DAYS = 3;

/** The only way the rest of Rounds starts or tells the lifecycle of an attendance exception. */
export interface ClaimExceptionLifecycle {
  requested(exception: Pick<ClaimException, 'id' | 'organizationId'>): Promise<void>;
  decided(exceptionId: string, approved: boolean): Promise<void>;
}

export function createClaimExceptionLifecycle(client: Client, taskQueue: string): ClaimExceptionLifecycle {
  return {
    async requested(exception) {
      const input: ClaimExceptionInput = {
        exceptionId: exception.id,
        organizationId: exception.organizationId,
        reminderDays: EXCEPTION_REMINDER_DAYS,
      };
      await client.workflow.start('claimException', {
        taskQueue,
        workflowId: claimExceptionWorkflowId(exception.id),
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        memo: { organizationId: exception.organizationId },
      });
    },
    async decided(exceptionId, approved) {
      try {
        await client.workflow
          .getHandle(claimExceptionWorkflowId(exceptionId))
          .signal(exceptionDecidedSignal, { approved });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
  };
}
