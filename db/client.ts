import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
/** Both drivers produce this; code never needs to know which one it has. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball, loadable through `pgliteDump`. */
  dump?(): Promise<Blob>;
}

export const MIGRATIONS_FOLDER = new URL('./migrations', import.meta.url).pathname;

/**
 * Opens PostgreSQL at `url`, or an embedded PGlite database in `dataDir` when no URL is given.
 * PGlite is single-process, so the web server and worker share one handle when embedded.
 */
/**
 * PGlite's own bytea codec goes byte by byte through arrays of strings: for a 50 MB presentation
 * that is gigabytes of garbage and seconds of a blocked event loop. Buffer's hex codec is native.
 */
const BYTEA = 17;
const BYTEA_CODECS = {
  serializers: {
    [BYTEA]: (value: Uint8Array) =>
      `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`,
  },
  parsers: { [BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex') },
};

/**
 * drizzle asks postgres.js not to keep the statements it sends (only those given a name are kept),
 * and postgres.js then learns each statement's parameter types before sending the values: two
 * round trips for every query with parameters. Kept per connection (postgres.js prepares it once,
 * and prepares it again if a migration changed what it reads), every query after the first costs
 * one. postgres.js replaces each connection after 30 to 60 minutes (its max_lifetime), so the
 * statements one keeps stay few. Transactions and savepoints get their connection's sql, kept too.
 */
function keepingStatements(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, parameters as never, { ...options, prepare: true });
      }
      if (property === 'begin' || property === 'savepoint') {
        const open = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const body = args.pop() as (sql: postgres.Sql) => unknown;
          return open.call(target, ...args, (inner: postgres.Sql) => body(keepingStatements(inner)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export async function openDatabase(options: {
  url?: string | undefined;
  dataDir?: string;
  /** In-memory PGlite starting from a dump (tests copy one migrated database this way). */
  pgliteDump?: Blob;
  maxConnections?: number;
}): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: { TimeZone: 'UTC' },
      // A database that is down fails a request in seconds (a webhook then answers 503 and is
      // retried) rather than holding it for postgres' default of 30.
      connect_timeout: 5,
    });
    const db = drizzlePostgres({ client: keepingStatements(client), schema, casing: 'snake_case' });
    return {
      db: db as unknown as Database,
      kind: 'postgres',
      migrate: () => migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      ping: async () => {
        await client`select 1`;
        return true;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client: PGlite;
  if (options.dataDir) {
    const dir = join(options.dataDir, 'pg');
    await mkdir(dir, { recursive: true });
    client = await PGlite.create(dir, BYTEA_CODECS);
  } else {
    client = await PGlite.create({
      ...BYTEA_CODECS,
      ...(options.pgliteDump ? { loadDataDir: options.pgliteDump } : {}),
    });
  }
  await client.exec(`set time zone 'UTC'`);
  const db = drizzlePglite({ client, schema, casing: 'snake_case' });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await client.query('select 1');
      return true;
    },
    close: () => client.close(),
    dump: async () => client.dumpDataDir('none'),
  };
}
