import { index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { bytea } from './bytea';
import { claims } from './claims';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * A certificate issued for one claim, with what it certifies copied as it was printed (a session
 * renamed later does not change a certificate), and the PDF itself, so a download is the same
 * document every time. The serial is random: the public verification page answers for it alone.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    claimId: uuid()
      .notNull()
      .unique()
      .references(() => claims.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    /** Twelve characters of Crockford's base 32 ("7KQ2M9XD4HTA"), shown in groups of four. */
    serial: text().notNull().unique(),
    learnerName: text().notNull(),
    activityName: text().notNull(),
    seriesName: text().notNull(),
    activityStartsAt: timestamp({ withTimezone: true }).notNull(),
    activityEndsAt: timestamp({ withTimezone: true }).notNull(),
    timeZone: text().notNull(),
    credits: numeric({ precision: 4, scale: 2 }).notNull(),
    creditType: text().notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull(),
    pdf: bytea().notNull(),
  },
  (t) => [index('certificates_account').on(t.accountId, t.issuedAt)],
);

export type Certificate = typeof certificates.$inferSelect;
