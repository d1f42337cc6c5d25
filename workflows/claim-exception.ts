import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { DAY_MS } from './calendar';

/**
 * A learner's request to record an attendance after the claim window closed: the coordinators are
 * asked, then reminded every few days until one of them approves or denies it.
 */
export interface ClaimExceptionInput {
  exceptionId: string;
  organizationId: string;
  /** Days between reminders to the coordinators. */
  reminderDays: number;
}

export interface ClaimExceptionState {
  phase: 'waiting' | 'approved' | 'denied';
  reminders: number;
  nextReminderAt: string | null;
}

export interface ClaimExceptionActivities {
  /** Mails the session's coordinators (reminder 0 is the request itself), or says it was already decided. */
  askCoordinators(input: { exceptionId: string; reminder: number }): Promise<'sent' | 'approved' | 'denied'>;
}

export const getStateQuery = defineQuery<ClaimExceptionState>('getState');
export const exceptionDecidedSignal = defineSignal<[{ approved: boolean }]>('exceptionDecided');

export function claimExceptionWorkflowId(exceptionId: string): string {
  return `claim-exception-${exceptionId}`;
}

const { askCoordinators } = proxyActivities<ClaimExceptionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

export async function claimException(input: ClaimExceptionInput): Promise<ClaimExceptionState> {
  const state: ClaimExceptionState = { phase: 'waiting', reminders: 0, nextReminderAt: null };
  setHandler(getStateQuery, () => state);
  setHandler(exceptionDecidedSignal, ({ approved }) => {
    state.phase = approved ? 'approved' : 'denied';
  });
  const every = Math.max(1, input.reminderDays) * DAY_MS;
  for (let reminder = 0; state.phase === 'waiting'; reminder += 1) {
    const outcome = await askCoordinators({ exceptionId: input.exceptionId, reminder });
    // Decided in the database while the signal was on its way: nothing more to ask.
    if (outcome !== 'sent') {
      state.phase = outcome;
      break;
    }
    if (reminder > 0) state.reminders = reminder;
    state.nextReminderAt = new Date(Date.now() + every).toISOString();
    await condition(() => state.phase !== 'waiting', every);
  }
  state.nextReminderAt = null;
  return state;
}
