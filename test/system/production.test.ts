import { Client, Connection } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalCli } from '../../scripts/temporal-binaries';
import { freePort, groupAlive } from '../support/app-process';
import { type PostgresTestDatabase, createTestDatabase } from '../support/database';
import { type Launched, launch, until } from '../support/deployment';

type Run = Launched;
const run = launch;

// Production runs three processes against an existing PostgreSQL and Temporal cluster.
let database: PostgresTestDatabase;
let temporal: Run;
let temporalAddress: string;
let env: Record<string, string>;
const running: Run[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // The migrations are what `npm run migrate` must apply: start from an empty database.
  await database.db.execute(
    sql`drop schema public cascade; create schema public; drop schema if exists drizzle cascade`,
  );
  const port = await freePort();
  temporalAddress = `127.0.0.1:${port}`;
  temporal = run(
    await temporalCli(),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--log-level',
      'error',
    ],
    {},
  );
  await until(async () => {
    const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1000 });
    await connection.close();
    return true;
  }, 'the Temporal server answering');
  const webPort = await freePort();
  env = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress,
    PORT: String(webPort),
    PUBLIC_URL: `http://localhost:${webPort}`,
  };
});

afterAll(async () => {
  for (const r of [...running, temporal]) {
    if (r && groupAlive(r.child.pid!)) process.kill(-r.child.pid!, 'SIGKILL');
  }
  await database?.drop();
});

describe('production processes', () => {
  it('npm run migrate applies the committed migrations to DATABASE_URL, and running it again changes nothing', async () => {
    const first = run('npm', ['run', 'migrate'], env);
    expect(await first.exited, first.output()).toBe(0);
    const tables = await database.db.execute(
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    expect(Number((tables as unknown as { n: number }[])[0]?.n)).toBeGreaterThan(10);
    const again = run('npm', ['run', 'migrate'], env);
    expect(await again.exited, again.output()).toBe(0);
  });

  it('npm run web and npm run worker serve as separate processes, healthy only while Temporal answers', async () => {
    const web = run('npm', ['run', 'web'], env);
    const worker = run('npm', ['run', 'worker'], env);
    running.push(web, worker);
    const base = `http://127.0.0.1:${env.PORT}`;
    await until(async () => (await fetch(`${base}/healthz`)).status === 200, 'web healthy');
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ db: true, temporal: true });

    // The worker polls the rounds task queue.
    const connection = await Connection.connect({ address: temporalAddress });
    const client = new Client({ connection });
    await until(async () => {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'rounds' },
        taskQueueType: 1, // workflow tasks
      });
      return (pollers?.length ?? 0) > 0;
    }, 'the worker polling the rounds task queue');
    await connection.close();

    // Production shows no development outbox, and seeds no demo organization.
    expect((await fetch(`${base}/`, { redirect: 'manual' })).status).toBe(200);
    expect(await (await fetch(`${base}/`)).text()).toContain('No organization is set up yet');

    // Temporal goes away: /healthz says so with 503.
    temporal.child.kill('SIGTERM');
    await temporal.exited;
    await until(async () => (await fetch(`${base}/healthz`)).status === 503, 'web reporting Temporal down');
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({
      ok: false,
      db: true,
      temporal: false,
    });

    // A process manager stops them by signalling npm, which does not pass the signal on:
    // both still shut down, and nothing they started is left running.
    web.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await until(
      async () => !groupAlive(web.child.pid!) && !groupAlive(worker.child.pid!),
      'web and worker exiting',
      30_000,
    );
    expect(groupAlive(web.child.pid!)).toBe(false);
    expect(groupAlive(worker.child.pid!)).toBe(false);
  });

  it('refuses to start in production without PUBLIC_URL, naming it', async () => {
    const { PUBLIC_URL: _omitted, ...withoutPublicUrl } = env;
    const web = run('npm', ['run', 'web'], withoutPublicUrl);
    expect(await web.exited).not.toBe(0);
    expect(web.output()).toMatch(/PUBLIC_URL: required in production/);
  });
});
