import { boolean, index, integer, jsonb, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { claims } from './claims';
import { organizations } from './organizations';

/** One try at a claim's post-test, scored when submitted; numbered from 1 per claim. */
export const testAttempts = pgTable(
  'test_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    claimId: uuid()
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    number: integer().notNull(),
    answers: jsonb().$type<Record<string, number>>().notNull(),
    /** Percent of questions answered right, rounded down. */
    score: integer().notNull(),
    passed: boolean().notNull(),
    submittedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('test_attempts_claim_number').on(t.claimId, t.number),
    index('test_attempts_organization').on(t.organizationId),
  ],
);

export type TestAttempt = typeof testAttempts.$inferSelect;
