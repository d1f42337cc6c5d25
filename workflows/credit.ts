import {
  condition,
  defineQuery,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { DAY_MS } from './calendar';

/**
 * A learner's credit for one session, from the attendance onward: one workflow per learner per
 * session, started (with signal-with-start) by every recorded attendance, whatever its channel.
 * The attendance opens what the activity requires (an evaluation, a post-test), due by a date;
 * the learner is reminded until it is done or due; past due the credit lapses until a coordinator
 * reopens it. Once everything is done the credit goes on the learner's record and, unless the
 * activity gives credit on the transcript only, a certificate is issued and mailed.
 */
export interface CreditInput {
  organizationId: string;
  sessionId: string;
  accountId: string;
}

export type CreditPhase =
  | 'waiting_for_attendance'
  /** An evaluation or post-test is owed, due by dueAt. */
  | 'requirements_due'
  /** Past due with something missing: waits for a coordinator to reopen it. */
  | 'lapsed'
  /** Every attempt at the post-test used without a pass: waits for a coordinator to reopen it. */
  | 'test_failed'
  /** On the learner's record (transcript only, or from before certificates existed). */
  | 'credited'
  /** On record, with a certificate issued. */
  | 'certified'
  /** The claim is gone (its session's records removed): nothing to credit. */
  | 'withdrawn';

export interface CreditState {
  phase: CreditPhase;
  claimId: string | null;
  creditedAt: string | null;
  dueAt?: string | null;
  remindersSent?: number;
  certificateSerial?: string | null;
}

/** Where the claim's requirements stand, as the database says (the learner's pages write it). */
export interface CreditProgress {
  dueAt: string;
  evaluation: boolean;
  evaluationDone: boolean;
  test: boolean;
  testPassed: boolean;
  /** Attempts the learner has left at the post-test; 0 without one. */
  testAttemptsLeft: number;
  lapsed: boolean;
  certificate: boolean;
}

export interface CreditActivities {
  /** Marks the claim's credit as on the learner's record; idempotent. Returns when it was recorded. */
  recordCredit(input: { claimId: string }): Promise<{ creditedAt: string | null }>;
  /**
   * Fixes what the claim's credit requires, as the activity names it now, and tells the learner
   * what is due by when; idempotent (a second call reads what the first fixed). Null: claim gone.
   */
  openCreditRequirements(input: { claimId: string }): Promise<CreditProgress | null>;
  /** Reads where the requirements stand. Null: claim gone. */
  creditProgress(input: { claimId: string }): Promise<CreditProgress | null>;
  /** Reminds the learner of what is still owed (email, and a text to a paired phone); keyed. */
  remindLearner(input: { claimId: string; reminder: string }): Promise<CreditProgress | null>;
  /**
   * At the due date: lapses the credit if something is still missing (and tells the learner), or
   * finds it done after all, or due later (reopened meanwhile). `at` is the workflow's time, so a
   * worker whose clock runs behind cannot leave it unlapsed and the workflow asking again at once.
   * Null: claim gone.
   */
  closeRequirements(input: { claimId: string; at: string }): Promise<CreditProgress | null>;
  /** Issues the claim's certificate (PDF stored, mailed); idempotent. Null: claim gone. */
  issueCertificate(input: { claimId: string }): Promise<{ serial: string } | null>;
}

export const getStateQuery = defineQuery<CreditState>('getState');
/** An attendance was recorded for this learner and session (a second one changes nothing). */
export const attendanceRecordedSignal = defineSignal<[{ claimId: string }]>('attendanceRecorded');
/** How long a lapsed or failed credit's lifecycle waits for a reopening before it ends (a reopening starts it again). */
export const LAPSED_WAIT = '30 days';
/**
 * The learner completed the evaluation or tried the test, or a coordinator reopened the credit:
 * the lifecycle reads the facts again (the database holds them, so a lost signal only delays).
 */
export const requirementsChangedSignal = defineSignal('requirementsChanged');

/** Reminders go this many days before the due date, each only if that day is still ahead. */
export const REMINDER_DAYS_BEFORE_DUE = [7, 1] as const;

export function creditWorkflowId(sessionId: string, accountId: string): string {
  return `credit-${sessionId}-${accountId}`;
}

const activities = proxyActivities<CreditActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

function complete(progress: CreditProgress): boolean {
  return (!progress.evaluation || progress.evaluationDone) && (!progress.test || progress.testPassed);
}

export async function credit(_input: CreditInput): Promise<CreditState> {
  const state: CreditState = { phase: 'waiting_for_attendance', claimId: null, creditedAt: null };
  let changed = false;
  setHandler(getStateQuery, () => state);
  setHandler(attendanceRecordedSignal, ({ claimId }) => {
    // Told again (a coordinator's reopening, the relay restarting it): look at the facts again.
    if (state.claimId !== null) changed = true;
    state.claimId ??= claimId;
  });
  setHandler(requirementsChangedSignal, () => {
    changed = true;
  });
  await condition(() => state.claimId !== null);
  const claimId = state.claimId ?? '';

  // Lifecycles started before evaluations existed credit at once, as they always did.
  if (!patched('evaluation-certificate')) {
    const { creditedAt } = await activities.recordCredit({ claimId });
    state.creditedAt = creditedAt;
    state.phase = 'credited';
    return state;
  }

  let progress = await activities.openCreditRequirements({ claimId });
  state.remindersSent = 0;
  /** Reminders sent or passed by, keyed by the due date they were for: a reopening plans anew. */
  const remindersDone = new Set<string>();
  while (progress && !complete(progress)) {
    state.dueAt = progress.dueAt;
    if (progress.lapsed || (progress.test && !progress.testPassed && progress.testAttemptsLeft === 0)) {
      state.phase = progress.lapsed ? 'lapsed' : 'test_failed';
      // A reopening commits first and then tells this lifecycle, or starts a new one if it has ended.
      if (!(await condition(() => changed, LAPSED_WAIT))) return state;
      changed = false;
      progress = await activities.creditProgress({ claimId });
      continue;
    }
    state.phase = 'requirements_due';
    const dueAt = Date.parse(progress.dueAt);
    if (Date.now() >= dueAt) {
      progress = await activities.closeRequirements({ claimId, at: new Date().toISOString() });
      continue;
    }
    const reminders = REMINDER_DAYS_BEFORE_DUE.map((days) => ({
      key: `${progress?.dueAt}:${days}`,
      at: dueAt - days * DAY_MS,
    })).filter((r) => !remindersDone.has(r.key));
    // A reminder whose day has already come when it is planned (a late attendance) is not sent.
    for (const r of reminders) if (r.at <= Date.now()) remindersDone.add(r.key);
    const next = reminders.find((r) => r.at > Date.now()) ?? null;
    const wakeAt = next ? next.at : dueAt;
    if (await condition(() => changed, wakeAt - Date.now())) {
      changed = false;
      progress = await activities.creditProgress({ claimId });
      continue;
    }
    if (next) {
      remindersDone.add(next.key);
      progress = await activities.remindLearner({ claimId, reminder: next.key });
      state.remindersSent += 1;
    }
  }
  if (!progress) {
    state.phase = 'withdrawn';
    return state;
  }
  state.dueAt = progress.dueAt;
  const { creditedAt } = await activities.recordCredit({ claimId });
  state.creditedAt = creditedAt;
  state.phase = 'credited';
  if (progress.certificate) {
    const issued = await activities.issueCertificate({ claimId });
    if (issued) {
      state.certificateSerial = issued.serial;
      state.phase = 'certified';
    }
  }
  return state;
}
