import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, localDate, oneYearAfter } from '../../workflows/calendar';
import {
  type DisclosureRequestActivities,
  type DisclosureRequestInput,
  type DisclosureRequestOutcome,
  disclosureRequestWorkflowId,
  requestEndedSignal,
} from '../../workflows/disclosure-request';
import {
  type DisclosureTermActivities,
  type DisclosureTermInput,
  disclosureTermWorkflowId,
  getStateQuery as termStateQuery,
  supersededSignal,
} from '../../workflows/disclosure-term';
import {
  checkInstants,
  type SessionApprovalActivities,
  type SessionApprovalInput,
  sessionApprovalWorkflowId,
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

const DAY = 86_400_000;
const ZONE = 'America/New_York';

const scheduledAt = () => {
  const ms = Context.current().info.currentAttemptScheduledTimestampMs;
  return ms - (ms % 60_000);
};

/** A tiny world the activities act on: who has disclosed, what lapsed, what was sent when. */
interface World {
  disclosed: boolean;
  lapsed: boolean;
  requests: { reminder: number; at: number }[];
  lapseReminders: { daysBefore: number; at: number }[];
  lapses: { at: number }[];
  checks: { check: string; status: string; at: number }[];
  escalations: number;
  /** Sessions a lapse touches. */
  teaches: string[];
}

function world(overrides: Partial<World> = {}): World {
  return {
    disclosed: false,
    lapsed: false,
    requests: [],
    lapseReminders: [],
    lapses: [],
    checks: [],
    escalations: 0,
    teaches: [],
    ...overrides,
  };
}

function activities(
  w: World,
): DisclosureRequestActivities & DisclosureTermActivities & SessionApprovalActivities {
  return {
    async sendDisclosureRequest({ reminder }): Promise<DisclosureRequestOutcome> {
      if (w.disclosed) return 'not_needed';
      w.requests.push({ reminder, at: scheduledAt() });
      return 'requested';
    },
    async remindDisclosureLapse({ daysBefore }) {
      w.lapseReminders.push({ daysBefore, at: scheduledAt() });
      return 'sent';
    },
    async disclosureLapsed() {
      w.lapsed = true;
      w.lapses.push({ at: scheduledAt() });
      return { superseded: false, sessionIds: w.teaches };
    },
    // The session's status follows the disclosure: INCOMPLETE once it lapsed, APPROVED before.
    async checkSessionStatus({ check }) {
      const status = w.lapsed ? 'incomplete' : 'approved';
      w.checks.push({ check, status, at: scheduledAt() });
      return { status };
    },
    async escalateSession() {
      if (!w.lapsed) return { ticketId: null };
      w.escalations += 1;
      return { ticketId: 'ticket-1' };
    },
  };
}

async function withWorker<T>(w: World, body: (taskQueue: string) => Promise<T>) {
  const taskQueue = `disclosures-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: activities(w),
  });
  return worker.runUntil(body(taskQueue));
}

async function now(): Promise<number> {
  const ms = await env.currentTimeMs();
  return ms;
}

function requestInput(startsAt: number, reminderDays = 7): DisclosureRequestInput {
  return {
    sessionId: randomUUID(),
    accountId: randomUUID(),
    organizationId: randomUUID(),
    startsAt: new Date(startsAt).toISOString(),
    reminderDays,
  };
}

const startRequest = (taskQueue: string, input: DisclosureRequestInput) =>
  env.client.workflow.start('disclosureRequest', {
    taskQueue,
    workflowId: disclosureRequestWorkflowId(input.sessionId, input.accountId),
    args: [input],
  });

describe('disclosure request: the chase', () => {
  it('asks, then reminds every 7 days until the session starts', async () => {
    const w = world();
    await withWorker(w, async (taskQueue) => {
      const t0 = await now();
      const handle = await startRequest(taskQueue, requestInput(t0 + 20 * DAY));
      const finished = await handle.result();
      expect(w.requests.map((r) => r.reminder)).toEqual([0, 1, 2]);
      // Reminders a week apart, in days after the request.
      const first = w.requests[0]?.at ?? 0;
      expect(w.requests.map((r) => Math.round((r.at - first) / DAY))).toEqual([0, 7, 14]);
      expect(finished).toMatchObject({ phase: 'session_passed', remindersSent: 2 });
    });
  });

  it('stops when the person submits', async () => {
    const w = world();
    await withWorker(w, async (taskQueue) => {
      const handle = await startRequest(taskQueue, requestInput((await now()) + 30 * DAY));
      await env.sleep(8 * DAY);
      await handle.signal(requestEndedSignal, { because: 'submitted' });
      expect(await handle.result()).toMatchObject({ phase: 'submitted', remindersSent: 1 });
      expect(w.requests.map((r) => r.reminder)).toEqual([0, 1]);
    });
  });

  it('someone whose disclosure is active is told nothing is needed, and never reminded', async () => {
    const w = world({ disclosed: true });
    await withWorker(w, async (taskQueue) => {
      const handle = await startRequest(taskQueue, requestInput((await now()) + 30 * DAY));
      expect(await handle.result()).toMatchObject({ phase: 'not_needed', remindersSent: 0 });
    });
  });
});

describe('disclosure term: a year, reminders, the lapse', () => {
  it('reminds 30 and 7 days before it lapses, then lapses: a session a week later turns INCOMPLETE and gets exactly one ticket', async () => {
    const w = world();
    await withWorker(w, async (taskQueue) => {
      const submittedAt = await now();
      const lapsesAt = oneYearAfter(new Date(submittedAt)).getTime();
      // The session is a week after the lapse, at noon in New York.
      const sessionDay = addDays(localDate(new Date(lapsesAt), ZONE), 7);
      const sessionId = randomUUID();
      w.teaches = [sessionId];
      const approvalInput: SessionApprovalInput = {
        sessionId,
        organizationId: randomUUID(),
        plan: {
          startsAt: instantAt(sessionDay, '12:00', ZONE).toISOString(),
          timeZone: ZONE,
          holidays: [],
          active: true,
        },
      };
      const session = await env.client.workflow.start('sessionApproval', {
        taskQueue,
        workflowId: sessionApprovalWorkflowId(sessionId),
        args: [approvalInput],
      });
      const disclosureId = randomUUID();
      const input: DisclosureTermInput = {
        disclosureId,
        accountId: randomUUID(),
        organizationId: randomUUID(),
        submittedAt: new Date(submittedAt).toISOString(),
        lapseReminderDays: [7, 30],
      };
      const term = await env.client.workflow.start('disclosureTerm', {
        taskQueue,
        workflowId: disclosureTermWorkflowId(disclosureId),
        args: [input],
      });
      expect((await term.query(termStateQuery)).nextReminderAt).toBe(
        new Date(lapsesAt - 30 * DAY).toISOString(),
      );

      expect(await term.result()).toMatchObject({ phase: 'lapsed', sessionsTouched: [sessionId] });
      expect(w.lapseReminders.map((r) => [r.daysBefore, Math.round((lapsesAt - r.at) / DAY)])).toEqual([
        [30, 30],
        [7, 7],
      ]);
      const sessionState = await session.result();
      // The lapse reached the session's lifecycle; its checks saw INCOMPLETE; one ticket at three days.
      expect(sessionState.changes).toBe(1);
      expect(w.checks.map((c) => [c.check, c.status])).toEqual([
        ['five-day', 'incomplete'],
        ['three-day', 'incomplete'],
      ]);
      expect(w.checks[1]?.at).toBe(checkInstants(approvalInput.plan)[1]?.at.getTime());
      expect(w.escalations).toBe(1);
    });
  });

  it('a newer disclosure silences the older one: no reminder, no lapse', async () => {
    const w = world();
    await withWorker(w, async (taskQueue) => {
      const disclosureId = randomUUID();
      const term = await env.client.workflow.start('disclosureTerm', {
        taskQueue,
        workflowId: disclosureTermWorkflowId(disclosureId),
        args: [
          {
            disclosureId,
            accountId: randomUUID(),
            organizationId: randomUUID(),
            submittedAt: new Date(await now()).toISOString(),
            lapseReminderDays: [30, 7],
          } satisfies DisclosureTermInput,
        ],
      });
      await env.sleep(100 * DAY);
      await term.signal(supersededSignal);
      expect(await term.result()).toMatchObject({ phase: 'superseded' });
      expect(w.lapseReminders).toEqual([]);
      expect(w.lapses).toEqual([]);
    });
  });
});
