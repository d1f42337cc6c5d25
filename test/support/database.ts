/**
 * Fresh, migrated databases for tests. Real PostgreSQL databases are cloned from a template that
 * the vitest global setup migrates once per run (prepareTemplateDatabase); each test gets its own
 * copy, so no test sees another's rows. createPgliteDatabase gives the same shape on embedded PGlite.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type Database, type DatabaseHandle, MIGRATIONS_FOLDER, openDatabase } from '../../db/client';

declare module 'vitest' {
  interface ProvidedContext {
    /** Set by the global setup: where test databases are created, and the template they copy. */
    testDatabase: { baseUrl: string; template: string };
  }
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;
}

export interface TestDatabase {
  db: Database;
  handle: DatabaseHandle;
  /** The connection URL of this database; null for in-memory PGlite, which has none. */
  url: string | null;
  /** Closes the connection and removes the database. Safe to call twice. */
  drop(): Promise<void>;
}

export interface PostgresTestDatabase extends TestDatabase {
  url: string;
}

const TEST_DATABASE_PREFIX = 'rounds_test_';
const TEMPLATE_PREFIX = 'rounds_tpl_';
/** No test or run lasts this long, so older leftovers (a killed run never calls drop) are removed. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * A hash of every file under the migrations folder (names and contents), so editing or adding a
 * migration yields a new template name and the template is rebuilt rather than reused.
 */
export async function migrationsHash(folder: string = MIGRATIONS_FOLDER): Promise<string> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(folder, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export async function templateDatabaseName(folder: string = MIGRATIONS_FOLDER): Promise<string> {
  return `${TEMPLATE_PREFIX}${await migrationsHash(folder)}`;
}

/** The same server and credentials as `baseUrl`, another database. */
export function databaseUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** For messages: the URL without its password. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Database names here are generated, never user input; quoting still guards the identifier. */
function quoteIdentifier(name: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`Unexpected database name: ${name}`);
  return `"${name}"`;
}

function maintenanceClient(baseUrl: string) {
  return postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

type MaintenanceClient = ReturnType<typeof maintenanceClient>;

/**
 * Makes sure the migrated template exists, building it when the migrations changed. Called once
 * per run from the global setup. An advisory lock serialises concurrent runs (several people
 * share one test server), and the template is built under a temporary name and renamed only once
 * migrated, so a run killed midway never leaves a half-migrated template behind.
 */
export async function prepareTemplateDatabase(baseUrl: string = testDatabaseUrl()): Promise<string> {
  const template = await templateDatabaseName();
  const sql = maintenanceClient(baseUrl);
  try {
    // One connection (max: 1), so the session-level lock is held until sql.end().
    await sql`select pg_advisory_lock(hashtext('rounds test template'))`;
    await dropAbandonedBuilds(sql);
    const existing = await sql`select 1 from pg_database where datname = ${template}`;
    if (existing.length === 0) await buildTemplate(sql, baseUrl, template);
    // Marks the template as in use, so a concurrent run's clean-up leaves it alone.
    await sql.unsafe(
      `comment on database ${quoteIdentifier(template)} is 'rounds test template, last used ${new Date().toISOString()}'`,
    );
    await dropStaleDatabases(sql, template);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return template;
}

async function buildTemplate(sql: MaintenanceClient, baseUrl: string, template: string): Promise<void> {
  const building = `${template}_build_${randomBytes(4).toString('hex')}`;
  await sql.unsafe(`create database ${quoteIdentifier(building)}`);
  try {
    const handle = await openDatabase({ url: databaseUrl(baseUrl, building), maxConnections: 1 });
    try {
      await handle.migrate();
    } finally {
      await handle.close();
    }
    await sql.unsafe(`alter database ${quoteIdentifier(building)} rename to ${quoteIdentifier(template)}`);
  } catch (error) {
    await sql.unsafe(`drop database if exists ${quoteIdentifier(building)} with (force)`);
    throw error;
  }
  // Nobody connects to the template: CREATE DATABASE … TEMPLATE refuses while anyone is connected.
  await sql.unsafe(
    `alter database ${quoteIdentifier(template)} with is_template true allow_connections false`,
  );
}

/** Builds are only in progress while their run holds the lock we now hold; any left were abandoned. */
async function dropAbandonedBuilds(sql: MaintenanceClient): Promise<void> {
  const rows = await sql<{ datname: string }[]>`
    select datname from pg_database where datname like ${`${TEMPLATE_PREFIX}%\\_build\\_%`}`;
  for (const { datname } of rows) {
    await sql.unsafe(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
  }
}

/**
 * Removes test databases a killed run never dropped, and templates of older migrations no run has
 * used lately. Both are judged by age, because other runs may be using the same server right now.
 */
async function dropStaleDatabases(sql: MaintenanceClient, currentTemplate: string): Promise<void> {
  const now = Date.now();
  const rows = await sql<{ datname: string; note: string | null }[]>`
    select datname, shobj_description(oid, 'pg_database') as note from pg_database
    where datname like ${`${TEST_DATABASE_PREFIX}%`} or datname like ${`${TEMPLATE_PREFIX}%`}`;
  for (const { datname, note } of rows) {
    if (datname.startsWith(TEST_DATABASE_PREFIX)) {
      const createdAt = testDatabaseCreatedAt(datname);
      if (createdAt !== null && now - createdAt > STALE_AFTER_MS) {
        await sql.unsafe(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
      }
    } else if (datname !== currentTemplate && !datname.includes('_build_')) {
      const lastUsed = Date.parse(note?.match(/last used (\S+)/)?.[1] ?? '');
      if (Number.isNaN(lastUsed) || now - lastUsed > STALE_AFTER_MS) {
        await sql.unsafe(`alter database ${quoteIdentifier(datname)} with is_template false`);
        await sql.unsafe(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
      }
    }
  }
}

function newTestDatabaseName(): string {
  const createdAt = Math.floor(Date.now() / 1000).toString(36);
  return `${TEST_DATABASE_PREFIX}${createdAt}_${randomBytes(5).toString('hex')}`;
}

function testDatabaseCreatedAt(name: string): number | null {
  const seconds = Number.parseInt(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0] ?? '', 36);
  return Number.isNaN(seconds) ? null : seconds * 1000;
}

/**
 * A new PostgreSQL database copied from the migrated template: the real migrations, no rows.
 * Call drop() when the test ends (afterEach).
 */
export async function createTestDatabase(): Promise<PostgresTestDatabase> {
  const { baseUrl, template } = providedTestDatabase();
  const name = newTestDatabaseName();
  const sql = maintenanceClient(baseUrl);
  try {
    await sql.unsafe(`create database ${quoteIdentifier(name)} template ${quoteIdentifier(template)}`);
  } catch (error) {
    throw new Error(
      `Could not create a test database from template ${template} at ${displayUrl(baseUrl)}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = databaseUrl(baseUrl, name);
  const handle = await openDatabase({ url, maxConnections: 4 });
  let dropped: Promise<void> | undefined;
  return {
    db: handle.db,
    handle,
    url,
    drop() {
      dropped ??= (async () => {
        await handle.close();
        const admin = maintenanceClient(baseUrl);
        try {
          await admin.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`);
        } finally {
          await admin.end({ timeout: 5 });
        }
      })();
      return dropped;
    },
  };
}

function providedTestDatabase(): { baseUrl: string; template: string } {
  const provided = inject('testDatabase');
  if (!provided) {
    throw new Error(
      'No test database template: run tests with vitest and vitest.config.ts, whose global setup ' +
        '(test/support/global-setup.ts) migrates the template once per run.',
    );
  }
  return provided;
}

/**
 * PGlite's initdb takes seconds, so each worker migrates one database and dumps its data directory;
 * every test then starts from a copy of that dump.
 */
let migratedPgliteDump: Promise<Blob> | undefined;

function migratedPglite(): Promise<Blob> {
  migratedPgliteDump ??= (async () => {
    const handle = await openDatabase({});
    try {
      await handle.migrate();
      return await handle.dump!();
    } finally {
      await handle.close();
    }
  })();
  return migratedPgliteDump;
}

/** A new in-memory PGlite database with the real migrations applied and no rows. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const handle = await openDatabase({ pgliteDump: await migratedPglite() });
  let dropped: Promise<void> | undefined;
  return {
    db: handle.db,
    handle,
    url: null,
    drop() {
      // In memory: closing it is dropping it.
      dropped ??= handle.close();
      return dropped;
    },
  };
}

/**
 * The unique constraint a failed write broke, or undefined when it failed for another reason.
 * Looks through drizzle's wrapper to the driver's error: postgres.js names the constraint
 * `constraint_name`, PGlite `constraint`.
 */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const fields = current as Error & { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (fields.code === '23505') {
      const name = fields.constraint_name ?? fields.constraint;
      return typeof name === 'string' ? name : '';
    }
  }
  return undefined;
}
