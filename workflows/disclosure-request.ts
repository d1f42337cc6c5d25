import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { DAY_MS } from './calendar';

/** "Request disclosure?" ticked for one person on one session. */
export interface DisclosureRequestInput {
  sessionId: string;
  accountId: string;
  organizationId: string;
  /** ISO instant the session starts: reminders stop when it passes. */
  startsAt: string;
  /** Days between reminders (organization setting); 0 sends the request and no reminders. */
  reminderDays: number;
}

export interface DisclosureRequestState {
  phase: 'asking' | 'not_needed' | 'submitted' | 'withdrawn' | 'session_passed';
  startsAt: string;
  reminderDays: number;
  remindersSent: number;
  nextReminderAt: string | null;
}

/** 'requested' when a request or reminder went out; otherwise why the chase is over. */
export type DisclosureRequestOutcome = 'requested' | 'not_needed' | 'not_faculty';

/** What the chase asks of the world (activities/disclosures.ts does it). */
export interface DisclosureRequestActivities {
  sendDisclosureRequest(input: {
    sessionId: string;
    accountId: string;
    reminder: number;
  }): Promise<DisclosureRequestOutcome>;
}

export const getStateQuery = defineQuery<DisclosureRequestState>('getState');
/** The person disclosed, or is no longer asked (removed from the session, or it was deactivated). */
export const requestEndedSignal = defineSignal<[{ because: 'submitted' | 'withdrawn' }]>('requestEnded');
/** The session moved, or the organization changed its reminder interval. */
export const requestPlanChangedSignal =
  defineSignal<[{ startsAt?: string; reminderDays?: number }]>('requestPlanChanged');

export function disclosureRequestWorkflowId(sessionId: string, accountId: string): string {
  return `disclosure-request-${sessionId}-${accountId}`;
}

const { sendDisclosureRequest } = proxyActivities<DisclosureRequestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/**
 * The disclosure chase: the person is asked (or told nothing is needed when theirs is active
 * through the session), then reminded every few days, as the organization sets, until they submit,
 * are no longer asked, or the session starts.
 */
export async function disclosureRequest(input: DisclosureRequestInput): Promise<DisclosureRequestState> {
  const state: DisclosureRequestState = {
    phase: 'asking',
    startsAt: input.startsAt,
    reminderDays: input.reminderDays,
    remindersSent: 0,
    nextReminderAt: null,
  };
  let woken = false;
  setHandler(getStateQuery, () => state);
  setHandler(requestEndedSignal, ({ because }) => {
    if (state.phase === 'asking') state.phase = because;
    woken = true;
  });
  setHandler(requestPlanChangedSignal, (change) => {
    if (change.startsAt && !Number.isNaN(new Date(change.startsAt).getTime()))
      state.startsAt = change.startsAt;
    if (
      change.reminderDays !== undefined &&
      Number.isInteger(change.reminderDays) &&
      change.reminderDays >= 0
    )
      state.reminderDays = change.reminderDays;
    woken = true;
  });

  const first = await sendDisclosureRequest({
    sessionId: input.sessionId,
    accountId: input.accountId,
    reminder: 0,
  });
  if (first !== 'requested' && state.phase === 'asking')
    state.phase = first === 'not_needed' ? 'not_needed' : 'withdrawn';
  let lastSentAt = Date.now();

  while (state.phase === 'asking') {
    const startsAt = new Date(state.startsAt).getTime();
    if (Date.now() >= startsAt) {
      state.phase = 'session_passed';
      break;
    }
    const nextAt = state.reminderDays > 0 ? lastSentAt + state.reminderDays * DAY_MS : null;
    const remindNow = nextAt !== null && nextAt < startsAt && nextAt <= Date.now();
    if (remindNow) {
      const outcome = await sendDisclosureRequest({
        sessionId: input.sessionId,
        accountId: input.accountId,
        reminder: state.remindersSent + 1,
      });
      if (outcome !== 'requested') {
        if (state.phase === 'asking') state.phase = outcome === 'not_needed' ? 'submitted' : 'withdrawn';
        break;
      }
      state.remindersSent += 1;
      lastSentAt = Date.now();
      continue;
    }
    const wakeAt = nextAt !== null && nextAt < startsAt ? nextAt : startsAt;
    state.nextReminderAt = wakeAt < startsAt ? new Date(wakeAt).toISOString() : null;
    woken = false;
    await condition(() => woken, wakeAt - Date.now());
  }
  state.nextReminderAt = null;
  return state;
}
