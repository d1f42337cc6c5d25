/**
 * Rounds as production runs it: a Temporal server, and the web server and the worker as separate
 * Node processes over one PostgreSQL database. The production test, the SMS-burst fault test and
 * `npm run bench` start it here, so each can kill one part (kill -9) and start it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { temporalCli } from '../../scripts/temporal-binaries';
import { freePort, groupAlive } from './app-process';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Signals the whole process group (kill -9 by default) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a command in its own process group, with only the environment given (and PATH, HOME). */
export function launch(command: string, args: string[], env: Record<string, string>): Launched {
  let output = '';
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async kill(signal = 'SIGKILL') {
      const pid = child.pid;
      if (!pid) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
      const deadline = Date.now() + 30_000;
      while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    },
  };
}

export async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
}

/** The Temporal CLI's dev server, in memory, on a free port. */
export async function startTemporalServer(): Promise<{ address: string; server: Launched }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = launch(
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
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.close();
    return true;
  }, 'the Temporal server answering');
  return { address, server };
}

/** The environment the web server and worker share: production, on this database and Temporal. */
export async function productionEnv(
  databaseUrl: string,
  temporalAddress: string,
): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    LOG_LEVEL: 'warn',
  };
}

/** `npm run web`'s process, without npm in between (so kill -9 reaches Node itself). */
export async function startWebProcess(env: Record<string, string>): Promise<Launched> {
  // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of the web server, written when it stops (SIGTERM).
  const profile = process.env.BENCH_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const web = launch(process.execPath, [...profile, '--import', 'tsx', 'server/web.ts'], env);
  await until(async () => {
    if (web.child.exitCode !== null) throw new Error(`web exited: ${web.output()}`);
    return (await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).status === 200;
  }, 'the web server healthy').catch((error) => {
    throw new Error(`${error instanceof Error ? error.message : error}\n${web.output()}`);
  });
  return web;
}

/** `npm run worker`'s process; it is polling once Temporal lists it (see waitForPoller). */
export function startWorkerProcess(env: Record<string, string>): Launched {
  return launch(process.execPath, ['--import', 'tsx', 'server/worker.ts'], env);
}
