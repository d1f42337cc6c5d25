import {
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { DAY_MS, oneYearAfter } from './calendar';
import { sessionApprovalWorkflowId, sessionChangedSignal } from './session-approval';

/** A submitted disclosure, from submission until it lapses a year later. */
export interface DisclosureTermInput {
  disclosureId: string;
  accountId: string;
  organizationId: string;
  /** ISO instant it was submitted. */
  submittedAt: string;
  /** Days before the lapse its owner is reminded (organization setting, default 30 and 7). */
  lapseReminderDays: number[];
}

export interface DisclosureTermState {
  phase: 'active' | 'superseded' | 'lapsed';
  lapsesAt: string;
  lapseReminderDays: number[];
  /** Days-before of the reminders already handled (sent, or not needed). */
  remindersDone: number[];
  nextReminderAt: string | null;
  /** Sessions whose status the lapse changed, told to their lifecycles. */
  sessionsTouched: string[];
}

/** What a disclosure's year asks of the world (activities/disclosures.ts does it). */
export interface DisclosureTermActivities {
  remindDisclosureLapse(input: {
    disclosureId: string;
    daysBefore: number;
  }): Promise<'sent' | 'not_needed' | 'superseded'>;
  disclosureLapsed(input: { disclosureId: string }): Promise<{ superseded: boolean; sessionIds: string[] }>;
}

export const getStateQuery = defineQuery<DisclosureTermState>('getState');
/** A newer disclosure from the same person: this one has nothing left to remind about. */
export const supersededSignal = defineSignal('superseded');
export const lapseRemindersChangedSignal =
  defineSignal<[{ lapseReminderDays: number[] }]>('lapseRemindersChanged');

export function disclosureTermWorkflowId(disclosureId: string): string {
  return `disclosure-${disclosureId}`;
}

const { remindDisclosureLapse, disclosureLapsed } = proxyActivities<DisclosureTermActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

function validDays(days: number[]): number[] {
  return [...new Set(days.filter((d) => Number.isInteger(d) && d > 0 && d <= 365))].sort((a, b) => b - a);
}

/**
 * Active for a year from submission. Before it lapses its owner is reminded (if they teach a
 * session after the lapse); when it lapses, every future session where they teach is told, its
 * coordinators are emailed, and each session's lifecycle hears of it. A newer disclosure ends it.
 */
export async function disclosureTerm(input: DisclosureTermInput): Promise<DisclosureTermState> {
  const lapsesAt = oneYearAfter(new Date(input.submittedAt));
  const state: DisclosureTermState = {
    phase: 'active',
    lapsesAt: lapsesAt.toISOString(),
    lapseReminderDays: validDays(input.lapseReminderDays),
    remindersDone: [],
    nextReminderAt: null,
    sessionsTouched: [],
  };
  let woken = false;
  setHandler(getStateQuery, () => state);
  setHandler(supersededSignal, () => {
    state.phase = 'superseded';
    woken = true;
  });
  setHandler(lapseRemindersChangedSignal, ({ lapseReminderDays }) => {
    state.lapseReminderDays = validDays(lapseReminderDays);
    woken = true;
  });

  while (state.phase === 'active') {
    const pending = state.lapseReminderDays
      .filter((days) => !state.remindersDone.includes(days))
      .map((days) => ({ days, at: lapsesAt.getTime() - days * DAY_MS }));
    const due = pending.filter((reminder) => reminder.at <= Date.now());
    if (Date.now() >= lapsesAt.getTime()) break;
    const latestDue = due.at(-1);
    if (latestDue) {
      // Only the nearest reminder that fell due goes out; earlier ones would say less.
      for (const reminder of due) state.remindersDone.push(reminder.days);
      const outcome = await remindDisclosureLapse({
        disclosureId: input.disclosureId,
        daysBefore: latestDue.days,
      });
      if (outcome === 'superseded') state.phase = 'superseded';
      continue;
    }
    const next = pending[0];
    state.nextReminderAt = next ? new Date(next.at).toISOString() : null;
    woken = false;
    await condition(() => woken, (next ? next.at : lapsesAt.getTime()) - Date.now());
  }
  state.nextReminderAt = null;
  if (state.phase !== 'active') return state;

  const { superseded, sessionIds } = await disclosureLapsed({ disclosureId: input.disclosureId });
  state.phase = superseded ? 'superseded' : 'lapsed';
  for (const sessionId of sessionIds) {
    try {
      await getExternalWorkflowHandle(sessionApprovalWorkflowId(sessionId)).signal(sessionChangedSignal, {
        reason: 'disclosure',
      });
    } catch {
      // A session whose lifecycle already ended (or never ran) has nothing to re-plan.
    }
    state.sessionsTouched.push(sessionId);
  }
  return state;
}
