import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

/**
 * A session's claim window (SPEC lifecycle 4), from the session's creation until the window
 * closes: it opens the window, drives the rotating attendance code while the session is under way
 * (where the organization rotates codes), and at the close tells the coordinators who claimed.
 * Whether a claim counts is decided from the clock and the session's facts, not by this workflow:
 * a worker that is down delays a new code or the summary, never a learner's claim.
 */
export interface ClaimWindowInput {
  sessionId: string;
  organizationId: string;
}

/** The window as the database has it now (activities/claim-window.ts reads it). */
export interface ClaimWindowPlan {
  opensAt: string;
  /** The session's end: codes stop rotating then, and the last one holds until the close. */
  endsAt: string;
  closesAt: string;
  /** False once the session is deactivated (or gone). */
  active: boolean;
}

export interface ClaimWindowState {
  phase: 'waiting' | 'open' | 'closed' | 'cancelled';
  opensAt: string | null;
  closesAt: string | null;
  /** Codes shown so far (0 where the organization does not rotate codes). */
  rotations: number;
  /** Claims recorded by the close, for the coordinators' summary. */
  claims: number | null;
}

export interface ClaimWindowActivities {
  claimWindowPlan(input: { sessionId: string }): Promise<ClaimWindowPlan>;
  /**
   * Shows a new code if the organization rotates codes and the session gives credit; otherwise
   * clears any. Returns the organization's rotation period in minutes (0: none).
   */
  rotateClaimCode(input: { sessionId: string }): Promise<{ rotateMinutes: number }>;
  /** Clears the codes and mails the coordinators who claimed, by channel; returns the count. */
  closeClaimWindow(input: { sessionId: string; notify: boolean }): Promise<{ claims: number }>;
}

export const getStateQuery = defineQuery<ClaimWindowState>('getState');
/** The session's date, window or activation changed: the plan is read again. */
export const claimWindowChangedSignal = defineSignal('claimWindowChanged');

export function claimWindowWorkflowId(sessionId: string): string {
  return `claim-window-${sessionId}`;
}

const { claimWindowPlan, rotateClaimCode, closeClaimWindow } = proxyActivities<ClaimWindowActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Past this many events a run hands over to a fresh one (Temporal's limit is 51,200). */
const HISTORY_HANDOVER = 10_000;

export async function claimWindow(
  input: ClaimWindowInput,
  carried?: ClaimWindowState,
): Promise<ClaimWindowState> {
  const state: ClaimWindowState = carried ?? {
    phase: 'waiting',
    opensAt: null,
    closesAt: null,
    rotations: 0,
    claims: null,
  };
  let changed = false;
  setHandler(getStateQuery, () => state);
  setHandler(claimWindowChangedSignal, () => {
    changed = true;
  });

  for (;;) {
    changed = false;
    const plan = await claimWindowPlan({ sessionId: input.sessionId });
    state.opensAt = plan.opensAt;
    state.closesAt = plan.closesAt;
    if (!plan.active) {
      // A deactivated session shows no code; its coordinators need no summary.
      await closeClaimWindow({ sessionId: input.sessionId, notify: false });
      state.phase = 'cancelled';
      return state;
    }
    const now = Date.now();
    const opensAt = Date.parse(plan.opensAt);
    const endsAt = Date.parse(plan.endsAt);
    const closesAt = Date.parse(plan.closesAt);
    if (now < opensAt) {
      state.phase = 'waiting';
      await condition(() => changed, opensAt - now);
      continue;
    }
    if (now > closesAt) break;
    state.phase = 'open';
    let wait = closesAt - now + 1;
    if (now < endsAt) {
      const { rotateMinutes } = await rotateClaimCode({ sessionId: input.sessionId });
      if (rotateMinutes > 0) {
        state.rotations += 1;
        wait = Math.min(rotateMinutes * 60_000, endsAt - now);
      }
    }
    await condition(() => changed, wait);
    if (workflowInfo().historyLength > HISTORY_HANDOVER) {
      return continueAsNew<typeof claimWindow>(input, state);
    }
  }
  const { claims } = await closeClaimWindow({ sessionId: input.sessionId, notify: true });
  state.claims = claims;
  state.phase = 'closed';
  return state;
}
