/**
 * A PostgreSQL server of a test's own, so the test can stop it outright (pg_ctl stop -m immediate,
 * as a crash or a power cut would) without touching the server every other test shares. Made
 * with the installed server's initdb and pg_ctl; as root they run as the `postgres` user, since
 * PostgreSQL refuses to run as root.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process';

const run = promisify(execFile);

function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, versions[0], 'bin');
}

export interface PrivatePostgres {
  /** The `postgres` database of this server. */
  url: string;
  port: number;
  /** Stops it at once: no checkpoint, open connections cut, as a crash would. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binaries();
  const dir = await mkdtemp(join(tmpdir(), 'rounds-pg-'));
  const asRoot = userInfo().uid === 0;
  let ids: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    ids = { uid: Number(stdout.trim()), gid: Number(group.trim()) };
    await chown(dir, ids.uid, ids.gid);
  }
  const data = join(dir, 'data');
  const as = (command: string, args: string[]) => run(join(bin, command), args, { ...ids, cwd: dir });
  await as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const port = await freePort();
  const pgCtl = (...args: string[]) =>
    as('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      ...args,
    ]);
  const start = async () => {
    await pgCtl('-w', '-t', '60', 'start');
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async crash() {
      await pgCtl('-m', 'immediate', '-w', 'stop');
    },
    start,
    async remove() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
