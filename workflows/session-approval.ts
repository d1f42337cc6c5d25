import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { addDays, businessDaysBefore, instantAt, isValidTimeZone, localDate } from './calendar';

/** When and where a session happens, as the lifecycle plans around it. */
export interface SessionPlan {
  /** ISO instant the session starts. */
  startsAt: string;
  /** The session's IANA zone: its days, checks and deadline are reckoned there. */
  timeZone: string;
  /** The organization's holidays ('YYYY-MM-DD'), which are not business days. */
  holidays: string[];
  /** False once the session is deactivated: the lifecycle ends. */
  active: boolean;
  /** When the session row last changed (ISO): a plan older than the one held is ignored, so signals sent out of order cannot undo a move. */
  asOf?: string;
}

export interface SessionApprovalInput {
  sessionId: string;
  organizationId: string;
  plan: SessionPlan;
}

/** The status checks the manual asks coordinators to make, 5 and 3 calendar days before the start. */
export type StatusCheck = 'five-day' | 'three-day';
export const STATUS_CHECK_DAYS: Record<StatusCheck, number> = { 'five-day': 5, 'three-day': 3 };
/** Checks go out at 09:00 in the session's zone, when an office reads its mail. */
export const STATUS_CHECK_TIME = '09:00';
/** "3 by 5": the three requirements are due 5 business days before the session. */
export const DEADLINE_BUSINESS_DAYS = 5;

export type ChangeReason =
  | 'details'
  | 'date'
  | 'faculty'
  | 'disclosure'
  | 'deactivated'
  | 'holidays'
  | 'approval';

export interface SessionApprovalState {
  sessionId: string;
  phase: 'planned' | 'started' | 'deactivated';
  startsAt: string;
  timeZone: string;
  /** The 3-by-5 deadline: the local date the requirements are due by (end of that day). */
  deadline: string;
  /** The next status check, or null when none remains before the start. */
  nextCheck: { check: StatusCheck; at: string } | null;
  /** Checks made, each for the start date it was planned against; a moved session is checked again. */
  checks: { check: StatusCheck; startDate: string; status: string | null; skipped: boolean }[];
  /** Set once the escalation ticket is open; there is never a second. */
  ticketId: string | null;
  changes: number;
}

/** What the lifecycle asks of the world (activities/session-approval.ts does it). */
export interface SessionApprovalActivities {
  /** Emails the coordinators the status; returns it ('approved'…), or null if the session moved or is gone. */
  checkSessionStatus(input: { sessionId: string; check: StatusCheck; startsAt: string }): Promise<{
    status: string | null;
  }>;
  /** Opens the session's one escalation ticket unless it is approved; returns the ticket. */
  escalateSession(input: { sessionId: string; startsAt: string }): Promise<{ ticketId: string | null }>;
}

export const getStateQuery = defineQuery<SessionApprovalState>('getState');
/**
 * Something the plan or the status rests on changed. A new plan (date, zone, holidays,
 * deactivation) re-plans the checks; any change after the three-day check re-asks whether the
 * session must be escalated.
 */
export const sessionChangedSignal =
  defineSignal<[{ reason: ChangeReason; plan?: SessionPlan }]>('sessionChanged');

export function sessionApprovalWorkflowId(sessionId: string): string {
  return `session-approval-${sessionId}`;
}

const { checkSessionStatus, escalateSession } = proxyActivities<SessionApprovalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/** The 3-by-5 deadline date of a plan: 5 business days before the start's local date. */
export function deadlineOf(plan: SessionPlan): string {
  return businessDaysBefore(
    localDate(new Date(plan.startsAt), plan.timeZone),
    DEADLINE_BUSINESS_DAYS,
    plan.holidays,
  );
}

/** When each status check of a plan falls. */
export function checkInstants(plan: SessionPlan): { check: StatusCheck; at: Date; startDate: string }[] {
  const startDate = localDate(new Date(plan.startsAt), plan.timeZone);
  return (['five-day', 'three-day'] as const).map((check) => ({
    check,
    startDate,
    at: instantAt(addDays(startDate, -STATUS_CHECK_DAYS[check]), STATUS_CHECK_TIME, plan.timeZone),
  }));
}

/**
 * A session from creation to its start: the 3-by-5 deadline, status checks emailed to the
 * coordinators 5 and 3 days out, and, if it is not APPROVED at the three-day check, one escalation
 * ticket to the reviewers. A moved date re-plans; deactivation ends it.
 */
export async function sessionApproval(input: SessionApprovalInput): Promise<SessionApprovalState> {
  const valid = (plan: SessionPlan) =>
    isValidTimeZone(plan.timeZone) && !Number.isNaN(new Date(plan.startsAt).getTime());
  if (!valid(input.plan)) {
    throw ApplicationFailure.nonRetryable(`invalid plan for session ${input.sessionId}`, 'invalid_input');
  }
  let plan = input.plan;
  let woken = false;
  let pendingChange: ChangeReason | null = null;

  const state: SessionApprovalState = {
    sessionId: input.sessionId,
    phase: 'planned',
    startsAt: plan.startsAt,
    timeZone: plan.timeZone,
    deadline: deadlineOf(plan),
    nextCheck: null,
    checks: [],
    ticketId: null,
    changes: 0,
  };
  setHandler(getStateQuery, () => state);
  setHandler(sessionChangedSignal, (change) => {
    state.changes += 1;
    // A plan a page could not have meant (an unknown zone) is ignored rather than trusted.
    const stale = change.plan?.asOf !== undefined && plan.asOf !== undefined && change.plan.asOf < plan.asOf;
    if (change.plan && valid(change.plan) && !stale) {
      plan = change.plan;
      state.startsAt = plan.startsAt;
      state.timeZone = plan.timeZone;
      state.deadline = deadlineOf(plan);
    }
    pendingChange = change.reason;
    woken = true;
  });

  const done = (check: StatusCheck, startDate: string) =>
    state.checks.some((made) => made.check === check && made.startDate === startDate);
  const threeDayCheckMade = () =>
    checkInstants(plan).some(
      (planned) => planned.check === 'three-day' && done('three-day', planned.startDate),
    );

  for (;;) {
    if (!plan.active) {
      state.phase = 'deactivated';
      break;
    }
    const startsAt = new Date(plan.startsAt).getTime();
    if (Date.now() >= startsAt) {
      state.phase = 'started';
      break;
    }

    // After the three-day check, any change may leave the session short of APPROVED: ask again.
    const change = pendingChange;
    pendingChange = null;
    if (change && state.ticketId === null && threeDayCheckMade()) {
      state.ticketId = (
        await escalateSession({ sessionId: input.sessionId, startsAt: plan.startsAt })
      ).ticketId;
      continue;
    }

    const planned = checkInstants(plan).filter((c) => !done(c.check, c.startDate));
    const due = planned.filter((c) => c.at.getTime() <= Date.now());
    const latestDue = due.at(-1);
    if (latestDue) {
      // A session created or moved late gets only the latest check that fell due, not a burst.
      for (const missed of due.slice(0, -1)) {
        state.checks.push({ check: missed.check, startDate: missed.startDate, status: null, skipped: true });
      }
      const { status } = await checkSessionStatus({
        sessionId: input.sessionId,
        check: latestDue.check,
        startsAt: plan.startsAt,
      });
      state.checks.push({ check: latestDue.check, startDate: latestDue.startDate, status, skipped: false });
      if (
        latestDue.check === 'three-day' &&
        status !== null &&
        status !== 'approved' &&
        state.ticketId === null
      ) {
        state.ticketId = (
          await escalateSession({ sessionId: input.sessionId, startsAt: plan.startsAt })
        ).ticketId;
      }
      continue;
    }

    const next = planned[0];
    state.nextCheck = next ? { check: next.check, at: next.at.toISOString() } : null;
    woken = false;
    await condition(() => woken, (next ? next.at.getTime() : startsAt) - Date.now());
    state.nextCheck = null;
  }
  state.nextCheck = null;
  return state;
}
