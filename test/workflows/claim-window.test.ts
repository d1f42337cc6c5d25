import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClaimWindowActivities,
  type ClaimWindowInput,
  claimWindowChangedSignal,
  claimWindowWorkflowId,
  getStateQuery,
} from '../../workflows/claim-window';
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

const MINUTE = 60_000;

/** When an activity ran, to the minute, on the workflow's clock. */
const scheduledAt = () => {
  const ms = Context.current().info.currentAttemptScheduledTimestampMs;
  return ms - (ms % MINUTE);
};

/** A session's window as the database would have it, and what the activities did to the world. */
interface World {
  startsAt: number;
  endsAt: number;
  before: number;
  after: number;
  active: boolean;
  rotateMinutes: number;
  rotations: number[];
  closes: { at: number; notify: boolean }[];
}

function activities(w: World): ClaimWindowActivities {
  return {
    async claimWindowPlan() {
      return {
        opensAt: new Date(w.startsAt - w.before * MINUTE).toISOString(),
        endsAt: new Date(w.endsAt).toISOString(),
        closesAt: new Date(w.endsAt + w.after * MINUTE).toISOString(),
        active: w.active,
      };
    },
    async rotateClaimCode() {
      if (w.rotateMinutes > 0) w.rotations.push(scheduledAt());
      return { rotateMinutes: w.rotateMinutes };
    },
    async closeClaimWindow({ notify }) {
      w.closes.push({ at: scheduledAt(), notify });
      return { claims: 42 };
    },
  };
}

async function withWorker<T>(w: World, body: (taskQueue: string) => Promise<T>) {
  const taskQueue = `claim-window-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: activities(w),
  });
  return worker.runUntil(body(taskQueue));
}

/** A session starting `inMinutes` from now on the test server's clock, an hour long. */
async function world(inMinutes: number, overrides: Partial<World> = {}): Promise<World> {
  const now = await env.currentTimeMs();
  const startsAt = now - (now % MINUTE) + inMinutes * MINUTE;
  return {
    startsAt,
    endsAt: startsAt + 60 * MINUTE,
    before: 60,
    after: 2880,
    active: true,
    rotateMinutes: 0,
    rotations: [],
    closes: [],
    ...overrides,
  };
}

const start = (taskQueue: string) => {
  const input: ClaimWindowInput = { sessionId: randomUUID(), organizationId: randomUUID() };
  return env.client.workflow.start('claimWindow', {
    taskQueue,
    workflowId: claimWindowWorkflowId(input.sessionId),
    args: [input],
  });
};

describe('claim window', () => {
  it('with rotating codes: a new code every 5 minutes from the opening to the end, then the last one holds until the close', async () => {
    const w = await world(3 * 24 * 60, { rotateMinutes: 5 });
    await withWorker(w, async (taskQueue) => {
      const handle = await start(taskQueue);
      const finished = await handle.result();
      const opensAt = w.startsAt - 60 * MINUTE;
      // 60 minutes before and the 60-minute session: 24 codes, five minutes apart.
      expect(w.rotations).toHaveLength(24);
      expect(w.rotations[0]).toBe(opensAt);
      expect(w.rotations.at(-1)).toBe(w.endsAt - 5 * MINUTE);
      expect(new Set(w.rotations.slice(1).map((at, i) => at - (w.rotations[i] ?? 0)))).toEqual(
        new Set([5 * MINUTE]),
      );
      // The coordinators hear at the close, 2,880 minutes after the end.
      expect(w.closes).toEqual([{ at: w.endsAt + 2880 * MINUTE, notify: true }]);
      expect(finished).toMatchObject({ phase: 'closed', rotations: 24, claims: 42 });
    });
  });

  it('without rotation: nothing between the opening and the close', async () => {
    const w = await world(24 * 60);
    await withWorker(w, async (taskQueue) => {
      const handle = await start(taskQueue);
      await env.sleep(24 * 60 * MINUTE);
      expect(await handle.query(getStateQuery)).toMatchObject({ phase: 'open', rotations: 0 });
      expect(await handle.result()).toMatchObject({ phase: 'closed', rotations: 0 });
      expect(w.rotations).toEqual([]);
      expect(w.closes).toEqual([{ at: w.endsAt + 2880 * MINUTE, notify: true }]);
    });
  });

  it('a session moved a week later opens a week later, and its override of the window is followed', async () => {
    const w = await world(2 * 24 * 60, { rotateMinutes: 10 });
    await withWorker(w, async (taskQueue) => {
      const handle = await start(taskQueue);
      await env.sleep(24 * 60 * MINUTE);
      w.startsAt += 7 * 24 * 60 * MINUTE;
      w.endsAt += 7 * 24 * 60 * MINUTE;
      w.before = 15;
      w.after = 90;
      await handle.signal(claimWindowChangedSignal);
      // The workflow reads the plan again once it has the signal.
      await expect
        .poll(() => handle.query(getStateQuery))
        .toMatchObject({
          phase: 'waiting',
          opensAt: new Date(w.startsAt - 15 * MINUTE).toISOString(),
        });
      await handle.result();
      expect(w.rotations[0]).toBe(w.startsAt - 15 * MINUTE);
      expect(w.rotations).toHaveLength(8);
      expect(w.closes).toEqual([{ at: w.endsAt + 90 * MINUTE, notify: true }]);
    });
  });

  it('a deactivated session closes at once, quietly', async () => {
    const w = await world(24 * 60, { rotateMinutes: 5 });
    await withWorker(w, async (taskQueue) => {
      const handle = await start(taskQueue);
      await env.sleep(60 * MINUTE);
      w.active = false;
      await handle.signal(claimWindowChangedSignal);
      expect(await handle.result()).toMatchObject({ phase: 'cancelled', rotations: 0 });
      expect(w.closes.map((close) => close.notify)).toEqual([false]);
      expect(w.rotations).toEqual([]);
    });
  });
});
