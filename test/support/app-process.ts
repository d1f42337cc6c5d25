import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * A port nobody holds right now, chosen below the kernel's ephemeral range (32768 and up on
 * Linux). A port from listen(0) comes from that range, and between choosing it and the app
 * listening, any outbound connection (the Temporal server's own, its UI's) may take it as its
 * source port: CI once failed with EADDRINUSE that way.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!handedOut.has(port) && (await portIsFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000');
}

/** Ports this process handed out, so two apps started back to back never get the same one. */
const handedOut = new Set<number>();

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface RoundsProcess {
  url: string;
  port: number;
  temporalPort: number;
  uiPort: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** Sends the signal to `npm start` the way a terminal's Ctrl-C does, and waits for the tree to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** Reuse ports (a restart on the same data). */
  ports?: { port: number; temporalPort: number; uiPort: number };
}

/** Data directories this module made; removeDataDirectories() deletes them once their apps stopped. */
const madeDataDirs = new Set<string>();

/** Deletes every data directory startRounds made (an embedded database is about 40 MB). */
export async function removeDataDirectories(): Promise<void> {
  for (const dir of madeDataDirs) {
    await rm(dir, { recursive: true, force: true });
    madeDataDirs.delete(dir);
  }
}

/** Runs `npm start` exactly as a newcomer would, on its own data directory and ports, until /healthz is 200. */
export async function startRounds(options: StartOptions = {}): Promise<RoundsProcess> {
  let dataDir = options.dataDir;
  if (!dataDir) {
    dataDir = await mkdtemp(join(tmpdir(), 'rounds-'));
    madeDataDirs.add(dataDir);
  }
  const port = options.ports?.port ?? (await freePort());
  const temporalPort = options.ports?.temporalPort ?? (await freePort());
  const uiPort = options.ports?.uiPort ?? (await freePort());
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    ROUNDS_DATA_DIR: dataDir,
    NODE_ENV: 'development',
    ...options.env,
  };
  // The embedded defaults are what is under test: no inherited database or cluster.
  if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
  if (!options.env?.TEMPORAL_ADDRESS) delete env.TEMPORAL_ADDRESS;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;

  let output = '';
  // Its own process group, so a test can signal the whole tree like a terminal does.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      signalGroup(child.pid!, 'SIGKILL');
      throw new Error(`npm start was not healthy within 120s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }

  return {
    url,
    port,
    temporalPort,
    uiPort,
    dataDir,
    child,
    output: () => output,
    async stop(signal = 'SIGINT') {
      signalGroup(child.pid!, signal);
      // npm exits first; what it started may still be draining. Wait for the whole group.
      const deadline = Date.now() + 30_000;
      while (groupAlive(child.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(child.pid!)) signalGroup(child.pid!, 'SIGKILL');
      return exited;
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** True while any process of the group still exists. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
