import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';

/**
 * A faculty member's statement of financial relationships with ineligible companies. Active for a
 * session when submitted less than one year before the session date.
 */
export const disclosures = pgTable('disclosures', {
  id: uuid().primaryKey().defaultRandom(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id),
  submittedAt: timestamp({ withTimezone: true }).notNull(),
  /** False: "nothing to disclose". */
  hasRelationships: boolean().notNull(),
  attestedAt: timestamp({ withTimezone: true }).notNull(),
});

export const MITIGATIONS = ['pending', 'mitigated', 'immitigable'] as const;

export const disclosureRelationships = pgTable('disclosure_relationships', {
  id: uuid().primaryKey().defaultRandom(),
  disclosureId: uuid()
    .notNull()
    .references(() => disclosures.id, { onDelete: 'cascade' }),
  company: text().notNull(),
  /** Consultant, speakers' bureau, research grant, stock… */
  nature: text().notNull(),
  mitigation: text({ enum: MITIGATIONS }).notNull().default('pending'),
  mitigationNote: text(),
  reviewedById: uuid().references(() => accounts.id),
  reviewedAt: timestamp({ withTimezone: true }),
});

export type Disclosure = typeof disclosures.$inferSelect;
