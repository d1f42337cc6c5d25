import { readdir, readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/temporal';

const HISTORIES = new URL('../histories/', import.meta.url);
const History = proto.temporal.api.history.v1.History;

async function load(name: string) {
  return History.fromObject(JSON.parse(await readFile(new URL(name, HISTORIES), 'utf8')));
}

describe('recorded histories', async () => {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json'));
  let workflowBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    workflowBundle = await bundleWorkflows();
  });

  it('there is at least one recorded history to protect running workflows', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('today’s workflow code replays %s without non-determinism', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle }, await load(file))).resolves.toBeUndefined();
  });

  it('a change to the order of commands would be caught by replay', async () => {
    const history = await load('series-year-renewed.json');
    // Drop the timers: the recorded run would no longer match what the code does.
    const tampered = History.create({
      events: history.events.filter(
        (e) => e.eventType !== proto.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED,
      ),
    });
    await expect(Worker.runReplayHistory({ workflowBundle }, tampered)).rejects.toThrow();
  });
});
