import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { organizations } from '../../db/schema';
import { getStateQuery } from '../../workflows/series-year';
import {
  type RoundsProcess,
  groupAlive,
  portIsFree,
  removeDataDirectories,
  startRounds,
} from '../support/app-process';
import { createTestDatabase } from '../support/database';

const run = promisify(execFile);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const started: RoundsProcess[] = [];
afterEach(async () => {
  for (const rounds of started.splice(0)) await rounds.stop('SIGKILL');
  await removeDataDirectories();
});

async function start(options?: Parameters<typeof startRounds>[0]) {
  const rounds = await startRounds(options);
  started.push(rounds);
  return rounds;
}

async function runningSeriesYears(temporalPort: number) {
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    const client = new Client({ connection });
    const ids: string[] = [];
    for await (const w of client.workflow.list({
      query: `WorkflowType = 'seriesYear' AND ExecutionStatus = 'Running'`,
    })) {
      ids.push(w.workflowId);
    }
    const states = await Promise.all(
      ids.sort().map((id) => client.workflow.getHandle(id).query(getStateQuery)),
    );
    return { ids, states };
  } finally {
    await connection.close();
  }
}

async function waitUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Each test boots the whole system (embedded PostgreSQL, Temporal, worker, web), some twice: one
// boot measured up to 41 s on a busy two-core host, so two did not fit the default 60 s.
describe('npm start', { timeout: 180_000 }, () => {
  it('brings up the database, Temporal, the worker and the web server, and Ctrl-C stops every process and frees every port', async () => {
    const rounds = await start();
    const health = await (await fetch(`${rounds.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, db: true, temporal: true });
    const home = await fetch(`${rounds.url}/`, { redirect: 'manual' });
    expect(home.headers.get('location')).toBe('/demo');

    await rounds.stop('SIGINT');
    expect(groupAlive(rounds.child.pid!)).toBe(false);
    for (const port of [rounds.port, rounds.temporalPort, rounds.uiPort])
      expect(await portIsFree(port)).toBe(true);
    const output = rounds.output();
    expect(output).toContain('stopping');
    // A newcomer reads where to go and how to sign in, not the bundler or shutdown warnings.
    expect(output).toMatch(/ready in [\d.]+s: http:\/\/localhost:\d+\/demo\n/);
    expect(output).toContain('sign in as admin@demo.rounds.test with Rounds-demo-2026!');
    expect(output).not.toMatch(/webpack|asset workflow-bundle|level=WARN|Worker state changed/);
  });

  it('a second start finds the same data and the same running series-year workflows', async () => {
    const first = await start();
    const before = await waitUntil(
      () => runningSeriesYears(first.temporalPort),
      (r) => r.ids.length >= 2,
    );
    expect(before.ids.length).toBeGreaterThanOrEqual(2);
    expect(first.output()).toContain('seeded the demo organization');
    await first.stop('SIGINT');

    const second = await start({
      dataDir: first.dataDir,
      ports: { port: first.port, temporalPort: first.temporalPort, uiPort: first.uiPort },
    });
    // Same data: nothing seeded again, and the demo accounts still sign in (their page exists).
    expect(second.output()).not.toContain('seeded the demo organization');
    const after = await runningSeriesYears(second.temporalPort);
    expect(after.ids).toEqual(before.ids);
    expect(after.states.map((s) => s.endsAt)).toEqual(before.states.map((s) => s.endsAt));
    await second.stop('SIGINT');
    expect(groupAlive(second.child.pid!)).toBe(false);
  });

  it('SIGTERM sent to npm alone, as a process manager does, also stops the whole tree', async () => {
    const rounds = await start();
    process.kill(rounds.child.pid!, 'SIGTERM');
    await waitUntil(
      async () => groupAlive(rounds.child.pid!),
      (alive) => !alive,
      30_000,
    );
    expect(groupAlive(rounds.child.pid!)).toBe(false);
    for (const port of [rounds.port, rounds.temporalPort]) expect(await portIsFree(port)).toBe(true);
  });

  it('after npm start is killed outright, the next start stops the Temporal server it left behind and comes up on the same data', async () => {
    const first = await start();
    const leftover = Number(await readFile(join(first.dataDir, 'temporal.pid'), 'utf8'));
    // SIGKILL everything but the Temporal server, as an out-of-memory kill of the supervisor would.
    const { stdout } = await run('ps', ['-o', 'pid=', '-g', String(first.child.pid)]);
    for (const pid of stdout
      .split('\n')
      .map(Number)
      .filter((pid) => pid > 0 && pid !== leftover)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(processAlive(leftover)).toBe(true);

    const second = await start({
      dataDir: first.dataDir,
      ports: { port: first.port, temporalPort: first.temporalPort, uiPort: first.uiPort },
    });
    expect(second.output()).toContain(`stopped the Temporal dev server (pid ${leftover})`);
    expect(processAlive(leftover)).toBe(false);
    expect((await runningSeriesYears(second.temporalPort)).ids.length).toBeGreaterThanOrEqual(2);
    await second.stop('SIGINT');
  });

  it('with DATABASE_URL set, npm start keeps its data in that PostgreSQL and makes no embedded database', async () => {
    const database = await createTestDatabase();
    try {
      const rounds = await start({ env: { DATABASE_URL: database.url } });
      expect(rounds.output()).toContain('database ready (DATABASE_URL)');
      const [demo] = await database.db.select().from(organizations).where(eq(organizations.code, 'demo'));
      expect(demo?.name).toBe('Demo Medical Center');
      expect(existsSync(join(rounds.dataDir, 'pg'))).toBe(false);
      await rounds.stop('SIGINT');
    } finally {
      await database.drop();
    }
  });

  it('refuses to start with a malformed variable, naming it and what it expects', async () => {
    await expect(startRounds({ env: { PORT: 'eighty' } })).rejects.toThrow(/PORT: .*expected/i);
  });
});
