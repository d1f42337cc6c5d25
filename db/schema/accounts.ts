import { sql } from 'drizzle-orm';
import { integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

export const ROLES = ['learner', 'faculty', 'coordinator', 'owner', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person's login in one organization. Email is the login, unique per organization. */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** As typed (trimmed), for display and mail. */
    email: text().notNull(),
    /** Trimmed and lower-cased: the uniqueness key, so "Ann@X.org " and "ann@x.org" are one person. */
    emailKey: text().notNull(),
    firstName: text().notNull(),
    lastName: text().notNull(),
    degree: text().notNull(),
    profession: text().notNull(),
    /** E.164; pairing by SMS sets smsPairedAt. */
    mobile: text(),
    smsPairedAt: timestamp({ withTimezone: true }),
    specialties: text().array().notNull().default(sql`'{}'::text[]`),
    npi: text(),
    boardId: text(),
    passwordHash: text().notNull(),
    failedSignIns: integer().notNull().default(0),
    lockedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_org_email_key').on(t.organizationId, t.emailKey)],
);

/** Organization-wide roles; series-level owner/coordinator live in series_roles. */
export const accountRoles = pgTable(
  'account_roles',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.role] })],
);

/** Server-side sign-in sessions. The id is the SHA-256 of the cookie token, never the token itself. */
export const authSessions = pgTable('auth_sessions', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  csrfToken: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

/** Single-use password reset links, stored as the SHA-256 of the token. */
export const passwordResets = pgTable('password_resets', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

export type Account = typeof accounts.$inferSelect;
