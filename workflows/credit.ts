import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

/**
 * A learner's credit for one session, from the attendance onward: one workflow per learner per
 * session, started (with signal-with-start) by every recorded attendance, whatever its channel.
 * Today it puts the credit on the learner's record (My CE); the evaluation, test and certificate
 * steps join it here, in order, as they are built.
 */
export interface CreditInput {
  organizationId: string;
  sessionId: string;
  accountId: string;
}

export interface CreditState {
  phase: 'waiting_for_attendance' | 'credited';
  claimId: string | null;
  creditedAt: string | null;
}

export interface CreditActivities {
  /** Marks the claim's credit as on the learner's record; idempotent. Returns when it was recorded. */
  recordCredit(input: { claimId: string }): Promise<{ creditedAt: string | null }>;
}

export const getStateQuery = defineQuery<CreditState>('getState');
/** An attendance was recorded for this learner and session (a second one changes nothing). */
export const attendanceRecordedSignal = defineSignal<[{ claimId: string }]>('attendanceRecorded');

export function creditWorkflowId(sessionId: string, accountId: string): string {
  return `credit-${sessionId}-${accountId}`;
}

const { recordCredit } = proxyActivities<CreditActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function credit(_input: CreditInput): Promise<CreditState> {
  const state: CreditState = { phase: 'waiting_for_attendance', claimId: null, creditedAt: null };
  setHandler(getStateQuery, () => state);
  setHandler(attendanceRecordedSignal, ({ claimId }) => {
    state.claimId ??= claimId;
  });
  await condition(() => state.claimId !== null);
  const { creditedAt } = await recordCredit({ claimId: state.claimId ?? '' });
  state.creditedAt = creditedAt;
  state.phase = 'credited';
  return state;
}
