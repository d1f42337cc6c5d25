import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import {
  type SeriesYearInput,
  type SeriesYearState,
  getStateQuery,
  type OrganizationPolicy,
  organizationPolicyChangedSignal,
  renewalApprovedSignal,
  seriesYearWorkflowId,
} from '../../workflows/series-year';

/**
 * The only way the rest of Rounds starts, signals or reads a series-year workflow; routes never
 * spell out workflow IDs.
 */
export interface SeriesYearLifecycle {
  /** Starts the year; a workflow already running for this series and year counts as success. */
  start(input: SeriesYearInput): Promise<void>;
  /** Tells last year's workflow its renewal was approved, which stops its reminders. */
  renewalApproved(
    previous: { seriesId: string; year: number },
    renewal: { seriesId: string; year: number },
  ): Promise<void>;
  /** Where the year stands, read from the workflow; null when no workflow exists for it. */
  describe(seriesId: string, year: number): Promise<SeriesYearState | null>;
  /** The organization's zone or reminder dates changed: every running year of it re-plans. */
  organizationPolicyChanged(organizationId: string, policy: OrganizationPolicy): Promise<void>;
}

export function createSeriesYearLifecycle(client: Client, taskQueue: string): SeriesYearLifecycle {
  return {
    async start(input) {
      await client.workflow.start('seriesYear', {
        taskQueue,
        workflowId: seriesYearWorkflowId(input.seriesId, input.year),
        args: [input],
        // Approving twice must not start a second year; an existing run is the answer.
        workflowIdConflictPolicy: 'USE_EXISTING',
        memo: { organizationId: input.organizationId },
      });
    },

    async renewalApproved(previous, renewal) {
      try {
        await client.workflow
          .getHandle(seriesYearWorkflowId(previous.seriesId, previous.year))
          .signal(renewalApprovedSignal, renewal);
      } catch (error) {
        // A year that already ended (or never ran) has no reminders left to stop.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    async describe(seriesId, year) {
      try {
        return await client.workflow.getHandle(seriesYearWorkflowId(seriesId, year)).query(getStateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },

    async organizationPolicyChanged(organizationId, policy) {
      const running = client.workflow.list({
        query: `WorkflowType = 'seriesYear' AND ExecutionStatus = 'Running'`,
      });
      for await (const workflow of running) {
        if (workflow.memo?.organizationId !== organizationId) continue;
        try {
          await client.workflow
            .getHandle(workflow.workflowId)
            .signal(organizationPolicyChangedSignal, policy);
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
    },
  };
}
