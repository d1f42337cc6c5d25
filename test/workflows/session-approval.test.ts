import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, localDate, localParts } from '../../workflows/calendar';
import {
  checkInstants,
  deadlineOf,
  getStateQuery,
  type SessionApprovalActivities,
  type SessionApprovalInput,
  type SessionApprovalState,
  type SessionPlan,
  sessionApprovalWorkflowId,
  sessionChangedSignal,
} from '../../workflows/session-approval';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
  bundle = await bundleWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

const ZONE = 'America/New_York';

/** What the lifecycle asked for, at what (skipped) server time, to the minute. */
interface Effects {
  checks: { check: string; startsAt: string; at: string }[];
  escalations: { at: string }[];
}

/**
 * Activities over a scripted world: each status check answers the next status in `statuses`
 * (the last one repeats), and an escalation opens a ticket unless `approved()` says otherwise.
 */
function scriptedActivities(
  effects: Effects,
  statuses: string[],
  approved: () => boolean = () => false,
): SessionApprovalActivities {
  const scheduledAt = () => {
    const ms = Context.current().info.currentAttemptScheduledTimestampMs;
    return new Date(ms - (ms % 60_000)).toISOString();
  };
  return {
    async checkSessionStatus({ check, startsAt }) {
      effects.checks.push({ check, startsAt, at: scheduledAt() });
      return { status: statuses[Math.min(effects.checks.length - 1, statuses.length - 1)] ?? null };
    },
    async escalateSession() {
      if (approved()) return { ticketId: null };
      effects.escalations.push({ at: scheduledAt() });
      return { ticketId: `ticket-${effects.escalations.length}` };
    },
  };
}

async function withWorker<T>(activities: SessionApprovalActivities, body: (taskQueue: string) => Promise<T>) {
  const taskQueue = `session-approval-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(body(taskQueue));
}

/** A session `days` local days after the test server's today, at 12:00 in New York. */
async function sessionIn(days: number): Promise<SessionPlan> {
  const today = localDate(new Date(await env.currentTimeMs()), ZONE);
  return {
    startsAt: instantAt(addDays(today, days), '12:00', ZONE).toISOString(),
    timeZone: ZONE,
    holidays: [],
    active: true,
  };
}

async function start(taskQueue: string, plan: SessionPlan) {
  const sessionId = randomUUID();
  const input: SessionApprovalInput = { sessionId, organizationId: randomUUID(), plan };
  return env.client.workflow.start('sessionApproval', {
    taskQueue,
    workflowId: sessionApprovalWorkflowId(sessionId),
    args: [input],
  });
}

async function advanceTo(instant: Date) {
  const now = await env.currentTimeMs();
  if (instant.getTime() <= now) throw new Error(`test clock is already past ${instant.toISOString()}`);
  await env.sleep(instant.getTime() - now);
}

const minute = (at: Date) => at.toISOString();

describe('session approval lifecycle', () => {
  it('plans the 3-by-5 deadline, checks 5 and 3 days out at 09:00 local, and escalates once if not APPROVED', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    await withWorker(scriptedActivities(effects, ['incomplete', 'pending']), async (taskQueue) => {
      const plan = await sessionIn(30);
      const handle = await start(taskQueue, plan);
      const [five, three] = checkInstants(plan);
      if (!five || !three) throw new Error('two checks are planned');
      // The page reads the plan from the workflow: deadline, and the next check.
      const planned = await handle.query(getStateQuery);
      expect(planned).toMatchObject({
        phase: 'planned',
        deadline: deadlineOf(plan),
        nextCheck: { check: 'five-day', at: five.at.toISOString() },
      });
      expect(localParts(five.at, ZONE).hour).toBe(9);

      const finished = await handle.result();
      expect(effects.checks).toEqual([
        { check: 'five-day', startsAt: plan.startsAt, at: minute(five.at) },
        { check: 'three-day', startsAt: plan.startsAt, at: minute(three.at) },
      ]);
      // PENDING three days out is not APPROVED: one ticket, at the three-day check.
      expect(effects.escalations).toEqual([{ at: minute(three.at) }]);
      expect(finished).toMatchObject({ phase: 'started', ticketId: 'ticket-1', nextCheck: null });
    });
  });

  it('an approved session gets its checks and no ticket', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    await withWorker(scriptedActivities(effects, ['approved']), async (taskQueue) => {
      const handle = await start(taskQueue, await sessionIn(12));
      const finished = await handle.result();
      expect(effects.checks.map((check) => check.check)).toEqual(['five-day', 'three-day']);
      expect(effects.escalations).toEqual([]);
      expect(finished.ticketId).toBeNull();
    });
  });

  it('a moved date re-plans: the new date is checked again, the old one is forgotten', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    await withWorker(scriptedActivities(effects, ['approved']), async (taskQueue) => {
      const plan = await sessionIn(20);
      const handle = await start(taskQueue, plan);
      const [five] = checkInstants(plan);
      if (!five) throw new Error('a five-day check is planned');
      await advanceTo(new Date(five.at.getTime() + 3_600_000));
      const moved: SessionPlan = {
        ...plan,
        startsAt: new Date(new Date(plan.startsAt).getTime() + 14 * 86_400_000).toISOString(),
      };
      await handle.signal(sessionChangedSignal, { reason: 'date', plan: moved });
      const replanned = await handle.query(getStateQuery);
      expect(replanned).toMatchObject({ startsAt: moved.startsAt, deadline: deadlineOf(moved) });
      expect(replanned.nextCheck?.at).toBe(checkInstants(moved)[0]?.at.toISOString());

      await handle.result();
      const [newFive, newThree] = checkInstants(moved);
      expect(effects.checks).toEqual([
        { check: 'five-day', startsAt: plan.startsAt, at: minute(five.at) },
        { check: 'five-day', startsAt: moved.startsAt, at: minute(newFive?.at ?? new Date(0)) },
        { check: 'three-day', startsAt: moved.startsAt, at: minute(newThree?.at ?? new Date(0)) },
      ]);
    });
  });

  it('deactivation ends the lifecycle: no check, no ticket', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    await withWorker(scriptedActivities(effects, ['incomplete']), async (taskQueue) => {
      const plan = await sessionIn(15);
      const handle = await start(taskQueue, plan);
      await env.sleep(86_400_000);
      await handle.signal(sessionChangedSignal, { reason: 'deactivated', plan: { ...plan, active: false } });
      expect(await handle.result()).toMatchObject({ phase: 'deactivated', checks: [] });
      expect(effects).toEqual({ checks: [], escalations: [] });
    });
  });

  it('after the three-day check, a change that leaves it short of APPROVED opens the ticket, never a second', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    let approved = true;
    await withWorker(
      scriptedActivities(effects, ['approved'], () => approved),
      async (taskQueue) => {
        const plan = await sessionIn(10);
        const handle = await start(taskQueue, plan);
        const [, three] = checkInstants(plan);
        if (!three) throw new Error('a three-day check is planned');
        await advanceTo(new Date(three.at.getTime() + 3_600_000));
        expect(effects.escalations).toEqual([]);
        // A new faculty member two days out: the approval no longer holds.
        approved = false;
        await handle.signal(sessionChangedSignal, { reason: 'faculty' });
        await env.sleep(60_000);
        await handle.signal(sessionChangedSignal, { reason: 'disclosure' });
        await env.sleep(60_000);
        const finished = await handle.result();
        expect(effects.escalations).toHaveLength(1);
        expect(finished).toMatchObject({ ticketId: 'ticket-1', changes: 2 });
      },
    );
  });

  it('a session created two days out gets the three-day check at once, not a burst of both', async () => {
    const effects: Effects = { checks: [], escalations: [] };
    await withWorker(scriptedActivities(effects, ['incomplete']), async (taskQueue) => {
      const handle = await start(taskQueue, await sessionIn(2));
      const finished = await handle.result();
      expect(effects.checks.map((check) => check.check)).toEqual(['three-day']);
      expect(effects.escalations).toHaveLength(1);
      expect((finished as SessionApprovalState).checks.map((check) => [check.check, check.skipped])).toEqual([
        ['five-day', true],
        ['three-day', false],
      ]);
    });
  });
});
