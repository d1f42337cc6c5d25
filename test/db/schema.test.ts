import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getTableName, is } from 'drizzle-orm';
import { bigint, PgTable, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { MIGRATIONS_FOLDER } from '../../db/client';
import * as schema from '../../db/schema';
import {
  createPgliteDatabase,
  createTestDatabase,
  type TestDatabase,
  violatedUniqueConstraint,
} from '../support/database';
import { seedAccount, seedClaim, seedOrganization, seedSeries, seedSession } from '../support/seed';

/** Where drizzle's migrator records what it applied, one row per migration. */
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial().primaryKey(),
  hash: text().notNull(),
  createdAt: bigint('created_at', { mode: 'number' }),
});

/** Resolves to the unique constraint the write broke; undefined when the write succeeded. */
async function uniqueConstraintBrokenBy(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
  } catch (error) {
    const constraint = violatedUniqueConstraint(error);
    if (constraint === undefined) throw error;
    return constraint;
  }
  return undefined;
}

const drivers = [
  { driver: 'PostgreSQL', open: createTestDatabase },
  { driver: 'PGlite', open: createPgliteDatabase },
];

describe.each(drivers)('the schema on $driver', ({ open }) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await open();
  });
  afterEach(async () => {
    await database.drop();
  });

  test('the migrations create every table and column the schema declares', async () => {
    const tables = Object.values(schema).filter((value) => is(value, PgTable));
    expect(tables.map((table) => getTableName(table))).toContain('sessions');
    for (const table of tables) {
      // Selecting every declared column fails if a migration left one out.
      await expect(database.db.select().from(table).limit(1)).resolves.toEqual([]);
    }
  });

  test('every committed migration is recorded once, and applying them again changes nothing', async () => {
    const journal = z
      .object({ entries: z.array(z.object({ tag: z.string() })) })
      .parse(JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')));

    await database.handle.migrate();
    const applied = await database.db.select().from(appliedMigrations);

    expect(applied).toHaveLength(journal.entries.length);
    expect((await seedOrganization(database.db)).lockoutThreshold).toBe(5);
  });

  test('an email is refused a second time in one organization, whatever its case or spacing', async () => {
    const organization = await seedOrganization(database.db);
    await seedAccount(database.db, organization, { email: 'ann.lee@riverside.org' });

    const broken = await uniqueConstraintBrokenBy(
      seedAccount(database.db, organization, { email: '  Ann.Lee@Riverside.ORG ' }),
    );

    expect(broken).toBe('accounts_org_email_key');
  });

  test('two organizations may each have an account with the same email', async () => {
    const riverside = await seedOrganization(database.db);
    const lakeview = await seedOrganization(database.db);

    const first = await seedAccount(database.db, riverside, { email: 'ann.lee@example.org' });
    const second = await seedAccount(database.db, lakeview, { email: 'Ann.Lee@example.org' });

    expect(second.emailKey).toBe(first.emailKey);
    expect(second.organizationId).not.toBe(first.organizationId);
  });

  test('attendance is recorded once per learner per session', async () => {
    const organization = await seedOrganization(database.db);
    const grandRounds = await seedSeries(database.db, organization);
    const session = await seedSession(database.db, grandRounds);
    const ann = await seedAccount(database.db, organization);
    const ben = await seedAccount(database.db, organization, { firstName: 'Ben' });
    await seedClaim(database.db, session, ann, { channel: 'sms' });

    const broken = await uniqueConstraintBrokenBy(seedClaim(database.db, session, ann, { channel: 'web' }));
    const bensClaim = await seedClaim(database.db, session, ben);

    expect(broken).toBe('claims_session_account_key');
    expect(bensClaim.sessionId).toBe(session.id);
  });

  test('a learner can claim attendance at two different sessions', async () => {
    const organization = await seedOrganization(database.db);
    const grandRounds = await seedSeries(database.db, organization);
    const march = await seedSession(database.db, grandRounds);
    const april = await seedSession(database.db, grandRounds, { startsAt: new Date('2026-04-01T12:00:00Z') });
    const ann = await seedAccount(database.db, organization);

    await seedClaim(database.db, march, ann);
    await seedClaim(database.db, april, ann);

    const recorded = await database.db.select().from(schema.claims);
    expect(recorded.map((claim) => claim.sessionId).sort()).toEqual([march.id, april.id].sort());
  });

  test('a series can be renewed only once', async () => {
    const organization = await seedOrganization(database.db);
    const year2026 = await seedSeries(database.db, organization, { year: 2026, status: 'approved' });
    await seedSeries(database.db, organization, { year: 2027, renewedFromId: year2026.id });

    const broken = await uniqueConstraintBrokenBy(
      seedSeries(database.db, organization, { year: 2027, renewedFromId: year2026.id }),
    );

    expect(broken).toBe('series_renewed_from_key');
  });

  test('sessions get numeric child IDs that start at 10001 and increase', async () => {
    const organization = await seedOrganization(database.db);
    const grandRounds = await seedSeries(database.db, organization);
    const tumorBoard = await seedSeries(database.db, organization, { name: 'Tumor Board' });

    const childIds: number[] = [];
    for (const parent of [grandRounds, tumorBoard, grandRounds]) {
      childIds.push((await seedSession(database.db, parent)).childId);
    }

    expect(childIds).toEqual([10001, 10002, 10003]);
  });

  test('an attendance code is used once within an organization but may repeat in another', async () => {
    const riverside = await seedOrganization(database.db);
    const lakeview = await seedOrganization(database.db);
    const riversideRounds = await seedSeries(database.db, riverside);
    const riversideTumorBoard = await seedSeries(database.db, riverside, { name: 'Tumor Board' });
    const lakeviewRounds = await seedSeries(database.db, lakeview);
    await seedSession(database.db, riversideRounds, { attendanceCode: 'HEART' });

    const broken = await uniqueConstraintBrokenBy(
      seedSession(database.db, riversideTumorBoard, { attendanceCode: 'HEART' }),
    );
    const elsewhere = await seedSession(database.db, lakeviewRounds, { attendanceCode: 'HEART' });

    expect(broken).toBe('sessions_org_code_key');
    expect(elsewhere.organizationId).toBe(lakeview.id);
  });
});
