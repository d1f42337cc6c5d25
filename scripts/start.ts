/**
 * `npm start`: the whole of Rounds in one supervised process tree, on embedded defaults.
 *   - a Temporal dev server (unless TEMPORAL_ADDRESS is set), state in .data/temporal.db
 *   - the database: DATABASE_URL, or embedded PGlite in .data/pg; migrations applied
 *   - the worker and the web server, in this process (PGlite admits one process)
 * Ctrl-C (SIGINT) or SIGTERM stops all of it; the next start finds the same data and workflows.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { organizations } from '../db/schema';
import { DEMO_ORGANIZATION_CODE, DEMO_PASSWORD, demoEmail, seedDemo } from '../db/seed/demo';
import { ConfigError, loadConfig } from '../server/config';
import { type Log, createLog } from '../server/log';
import {
  createWorker,
  installTemporalRuntime,
  openRuntime,
  startCreditRelay,
  startWeb,
} from '../server/runtime';
import { onShutdown } from '../server/shutdown';
import { seedDemoSeries } from './demo-series';
import { temporalCli } from './temporal-binaries';

const run = promisify(execFile);

/** Replaced by one at LOG_LEVEL once the configuration is read. */
let log: Log = createLog('info');

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
}

/**
 * A start killed with SIGKILL cannot stop its Temporal dev server. The next start does, but only
 * a process that is that server for this data directory: a reused pid is never touched.
 * Returns the pid it stopped, or null.
 */
async function stopLeftoverTemporal(pidFile: string, temporalDb: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return null;
  }
  let command = '';
  try {
    command = (await run('ps', ['-p', String(pid), '-o', 'command='])).stdout;
  } catch {
    // ps exits non-zero when no such process exists.
  }
  if (!Number.isInteger(pid) || pid <= 1 || !command.includes('start-dev') || !command.includes(temporalDb)) {
    await rm(pidFile, { force: true });
    return null;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(pidFile, { force: true });
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let stopping = false;
const cleanups: (() => Promise<void>)[] = [];

/** Stops what started, last first, then exits; also the path taken when start-up fails half-way. */
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  log.info('stopping …');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log.error('a clean-up step failed', error);
    }
  }
  process.exit(code);
}

async function main() {
  onShutdown(() => stop(0));
  const startedAt = Date.now();
  const config = loadConfig();
  const dataDir = resolve(config.ROUNDS_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  log = createLog(config.LOG_LEVEL);
  // The SDK's bundler and worker chatter (dozens of lines per start) only at LOG_LEVEL=debug.
  installTemporalRuntime(config, config.LOG_LEVEL === 'debug' ? 'debug' : 'warn');

  let temporal: ChildProcess | null = null;

  if (!config.TEMPORAL_ADDRESS) {
    const port = config.TEMPORAL_DEV_PORT;
    const temporalDb = join(dataDir, 'temporal.db');
    const pidFile = join(dataDir, 'temporal.pid');
    const leftover = await stopLeftoverTemporal(pidFile, temporalDb);
    if (leftover) log.info(`stopped the Temporal dev server (pid ${leftover}) an earlier start left running`);
    if (await portAnswers(port)) {
      throw new Error(
        `Port ${port} is already in use, so the Temporal dev server cannot start. Stop whatever holds it, set TEMPORAL_DEV_PORT to a free port, or set TEMPORAL_ADDRESS to use that server.`,
      );
    }
    const cli = await temporalCli();
    log.info(
      `starting Temporal dev server (${cli}) on 127.0.0.1:${port}, UI on http://localhost:${config.TEMPORAL_UI_PORT}`,
    );
    const child = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--db-filename',
        temporalDb,
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--ui-port',
        String(config.TEMPORAL_UI_PORT),
        '--namespace',
        config.TEMPORAL_NAMESPACE,
        // Its own warnings (a poller losing its connection at Ctrl-C) look like failures to a newcomer.
        '--log-level',
        'error',
      ],
      // Its banner repeats what the line above says; errors still reach the terminal.
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    temporal = child;
    // If this process is killed outright, the next start finds and stops this server by its pid.
    if (child.pid) await writeFile(pidFile, String(child.pid));
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log.error(`Temporal dev server exited unexpectedly (${signal ?? code}); stopping.`);
        void stop(1);
      }
    });
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(pidFile, { force: true });
    });
    await waitFor('Temporal dev server', () => portAnswers(port), 60_000, child);
  }

  const runtime = await openRuntime(config, { migrate: true });
  cleanups.push(() => runtime.close());
  log.info(
    `database ready (${runtime.database.kind === 'pglite' ? `embedded PGlite in ${join(dataDir, 'pg')}` : 'DATABASE_URL'})`,
  );

  // Seeded after the worker runs: approving the demo series starts their workflows.
  const demo = config.seedDemo ? await seedDemo({ db: runtime.database.db, clock: runtime.clock }) : null;

  const { worker, connection } = await createWorker(runtime);
  const running = worker.run();
  const stopRelay = startCreditRelay(runtime);
  cleanups.push(async () => {
    await stopRelay();
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => {});
    await connection.close();
  });
  running.catch((error) => {
    if (!stopping) {
      log.error('worker failed', error);
      void stop(1);
    }
  });

  if (demo) {
    await seedDemoSeries(runtime, demo);
    log.info('seeded the demo organization (see README: demo accounts)');
  }

  const web = await startWeb(runtime);
  cleanups.push(() => web.close());
  const demoThere = config.seedDemo && (await hasDemoOrganization(runtime.database.db));
  const address = `http://localhost:${web.port}${demoThere ? `/${DEMO_ORGANIZATION_CODE}` : ''}`;
  log.info(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s: ${address}`);
  if (demoThere) {
    log.info(`sign in as ${demoEmail('admin')} with ${DEMO_PASSWORD} (every demo account: README)`);
  }
  if (temporal) log.info(`Temporal UI: http://localhost:${config.TEMPORAL_UI_PORT}`);
}

async function hasDemoOrganization(db: Database): Promise<boolean> {
  const [demo] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.code, DEMO_ORGANIZATION_CODE))
    .limit(1);
  return Boolean(demo);
}

main().catch((error) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `[rounds] ${error instanceof Error ? error.message : error}`,
  );
  void stop(1);
});
