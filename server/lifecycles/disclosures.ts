import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Disclosure, Organization, Session } from '../../db/schema';
import {
  type DisclosureRequestInput,
  disclosureRequestWorkflowId,
  requestEndedSignal,
  requestPlanChangedSignal,
} from '../../workflows/disclosure-request';
import {
  type DisclosureTermInput,
  disclosureTermWorkflowId,
  lapseRemindersChangedSignal,
  supersededSignal,
} from '../../workflows/disclosure-term';

/** The organization's settings the disclosure lifecycles follow. */
export interface DisclosurePolicy {
  reminderDays: number;
  lapseReminderDays: number[];
}

export function disclosurePolicy(organization: Organization): DisclosurePolicy {
  return {
    reminderDays: organization.disclosureReminderDays,
    lapseReminderDays: organization.disclosureLapseReminderDays,
  };
}

/**
 * The only way the rest of Rounds starts and tells the disclosure lifecycles: the chase of one
 * person asked to disclose for one session, and each disclosure's year until it lapses.
 */
export interface DisclosureLifecycle {
  /** "Request disclosure?" was ticked: the person is asked, then reminded. */
  requested(organization: Organization, session: Session, accountId: string): Promise<void>;
  /** The person is no longer asked (removed, or the session deactivated). */
  withdrawn(sessionId: string, accountIds: string[]): Promise<void>;
  /** The session moved: reminders stop at its new start. */
  sessionMoved(session: Session, accountIds: string[]): Promise<void>;
  /**
   * A disclosure was submitted: its year begins, the person's older one falls silent, and the
   * chases for sessions it covers end.
   */
  submitted(
    organization: Organization,
    disclosure: Disclosure,
    previousDisclosureIds: string[],
    coveredSessionIds: string[],
  ): Promise<void>;
  /** The organization changed its reminder settings: running lifecycles follow. */
  policyChanged(organizationId: string, policy: DisclosurePolicy): Promise<void>;
}

async function signalIfRunning(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    // Finished already (submitted, passed, lapsed) or never started: nothing is listening.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

export function createDisclosureLifecycle(client: Client, taskQueue: string): DisclosureLifecycle {
  const handle = (workflowId: string) => client.workflow.getHandle(workflowId);
  return {
    async requested(organization, session, accountId) {
      const input: DisclosureRequestInput = {
        sessionId: session.id,
        accountId,
        organizationId: organization.id,
        startsAt: session.startsAt.toISOString(),
        reminderDays: organization.disclosureReminderDays,
      };
      await client.workflow.start('disclosureRequest', {
        taskQueue,
        workflowId: disclosureRequestWorkflowId(session.id, accountId),
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        memo: { organizationId: organization.id },
      });
    },

    async withdrawn(sessionId, accountIds) {
      for (const accountId of accountIds) {
        await signalIfRunning(() =>
          handle(disclosureRequestWorkflowId(sessionId, accountId)).signal(requestEndedSignal, {
            because: 'withdrawn',
          }),
        );
      }
    },

    async sessionMoved(session, accountIds) {
      for (const accountId of accountIds) {
        await signalIfRunning(() =>
          handle(disclosureRequestWorkflowId(session.id, accountId)).signal(requestPlanChangedSignal, {
            startsAt: session.startsAt.toISOString(),
          }),
        );
      }
    },

    async submitted(organization, disclosure, previousDisclosureIds, coveredSessionIds) {
      const input: DisclosureTermInput = {
        disclosureId: disclosure.id,
        accountId: disclosure.accountId,
        organizationId: organization.id,
        submittedAt: disclosure.submittedAt.toISOString(),
        lapseReminderDays: organization.disclosureLapseReminderDays,
      };
      await client.workflow.start('disclosureTerm', {
        taskQueue,
        workflowId: disclosureTermWorkflowId(disclosure.id),
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        memo: { organizationId: organization.id },
      });
      for (const previous of previousDisclosureIds) {
        await signalIfRunning(() => handle(disclosureTermWorkflowId(previous)).signal(supersededSignal));
      }
      for (const sessionId of coveredSessionIds) {
        await signalIfRunning(() =>
          handle(disclosureRequestWorkflowId(sessionId, disclosure.accountId)).signal(requestEndedSignal, {
            because: 'submitted',
          }),
        );
      }
    },

    async policyChanged(organizationId, policy) {
      const running = client.workflow.list({
        query: `WorkflowType IN ('disclosureRequest', 'disclosureTerm') AND ExecutionStatus = 'Running'`,
      });
      for await (const workflow of running) {
        if (workflow.memo?.organizationId !== organizationId) continue;
        await signalIfRunning(() =>
          workflow.type === 'disclosureTerm'
            ? handle(workflow.workflowId).signal(lapseRemindersChangedSignal, {
                lapseReminderDays: policy.lapseReminderDays,
              })
            : handle(workflow.workflowId).signal(requestPlanChangedSignal, {
                reminderDays: policy.reminderDays,
              }),
        );
      }
    },
  };
}
