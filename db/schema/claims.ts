import { sql } from 'drizzle-orm';
import { index, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * How an attendance came to be recorded: the learner's own channels, an exception a coordinator
 * approved, or a coordinator recording it by hand or from a sign-in sheet.
 */
export const CLAIM_CHANNELS = ['sms', 'web', 'qr', 'exception', 'manual', 'sign_in_sheet'] as const;
export type ClaimChannel = (typeof CLAIM_CHANNELS)[number];

/** Recorded attendance: once per learner per session. */
export const claims = pgTable(
  'claims',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The session's organization, so every lookup by id is also checked against the tenant. */
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    channel: text({ enum: CLAIM_CHANNELS }).notNull(),
    /** Credits claimed: the session's, or fewer when a learner attests to part of it (web). */
    credits: numeric({ precision: 4, scale: 2 }).notNull(),
    claimedAt: timestamp({ withTimezone: true }).notNull(),
    /** The coordinator who recorded it (by hand, a sign-in sheet, an exception), if not the learner. */
    recordedById: uuid().references(() => accounts.id),
    /**
     * Set once the learner's credit lifecycle for the session has been started. Until then a
     * sweeper starts it: a claim is recorded first, so a crash before the start loses nothing.
     */
    lifecycleStartedAt: timestamp({ withTimezone: true }),
    /** Set by that lifecycle when the credit is on the learner's record. */
    creditRecordedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('claims_session_account_key').on(t.sessionId, t.accountId),
    index('claims_account_claimed').on(t.accountId, t.claimedAt),
    // The sweep looks only at claims whose lifecycle has not started: a handful, never the table.
    index('claims_lifecycle_unstarted').on(t.claimedAt).where(sql`${t.lifecycleStartedAt} is null`),
  ],
);

export type Claim = typeof claims.$inferSelect;

export const EXCEPTION_STATUSES = ['requested', 'approved', 'denied'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/**
 * A learner who missed the claim window asks the coordinators to record the attendance anyway,
 * with a reason. One request per learner per session; an approved one records the attendance with
 * its own channel ('exception').
 */
export const claimExceptions = pgTable(
  'claim_exceptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    reason: text().notNull(),
    credits: numeric({ precision: 4, scale: 2 }).notNull(),
    status: text({ enum: EXCEPTION_STATUSES }).notNull().default('requested'),
    requestedAt: timestamp({ withTimezone: true }).notNull(),
    decidedAt: timestamp({ withTimezone: true }),
    decidedById: uuid().references(() => accounts.id),
    /** The coordinator's words to the learner, with a denial above all. */
    decisionNote: text().notNull().default(''),
  },
  (t) => [
    uniqueIndex('claim_exceptions_session_account').on(t.sessionId, t.accountId),
    index('claim_exceptions_account_requested').on(t.accountId, t.requestedAt),
  ],
);

export type ClaimException = typeof claimExceptions.$inferSelect;
