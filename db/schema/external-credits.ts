import { date, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { bytea } from './bytea';
import { organizations } from './organizations';

export const EXTERNAL_FILE_KINDS = ['pdf', 'png', 'jpeg'] as const;
export type ExternalFileKind = (typeof EXTERNAL_FILE_KINDS)[number];

/**
 * Credit earned elsewhere, appended to the learner's transcript as external: uploaded by the
 * learner with the certificate or transcript that proves it, or added by a coordinator by hand.
 */
export const externalCredits = pgTable(
  'external_credits',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    title: text().notNull(),
    provider: text().notNull(),
    completedOn: date({ mode: 'string' }).notNull(),
    creditType: text().notNull(),
    credits: numeric({ precision: 5, scale: 2 }).notNull(),
    fileName: text(),
    fileKind: text({ enum: EXTERNAL_FILE_KINDS }),
    fileSize: integer(),
    file: bytea(),
    /** The coordinator who added it by hand; null when the learner uploaded it. */
    addedById: uuid().references(() => accounts.id),
    addedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('external_credits_account').on(t.accountId, t.completedOn)],
);

export type ExternalCredit = typeof externalCredits.$inferSelect;
