import { integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { sessions } from './sessions';

export const CLAIM_CHANNELS = ['sms', 'web', 'qr'] as const;

/** Recorded attendance: once per learner per session. */
export const claims = pgTable(
  'claims',
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    channel: text({ enum: CLAIM_CHANNELS }).notNull(),
    credits: numeric({ precision: 4, scale: 2 }).notNull(),
    claimedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('claims_session_account_key').on(t.sessionId, t.accountId)],
);

/** The evaluation a claim owes before its certificate; answers are validated by zod before storing. */
export const evaluations = pgTable('evaluations', {
  id: uuid().primaryKey().defaultRandom(),
  claimId: uuid()
    .notNull()
    .unique()
    .references(() => claims.id, { onDelete: 'cascade' }),
  dueAt: timestamp({ withTimezone: true }).notNull(),
  completedAt: timestamp({ withTimezone: true }),
  answers: jsonb().$type<Record<string, string | number>>(),
});

export const certificates = pgTable('certificates', {
  id: uuid().primaryKey().defaultRandom(),
  claimId: uuid()
    .notNull()
    .unique()
    .references(() => claims.id, { onDelete: 'cascade' }),
  /** Human-facing certificate number, sequential per installation. */
  serial: integer().generatedAlwaysAsIdentity({ startWith: 1000 }).notNull(),
  issuedAt: timestamp({ withTimezone: true }).notNull(),
});

export const smsLog = pgTable('sms_log', {
  id: uuid().primaryKey().defaultRandom(),
  /** Twilio's MessageSid: a retried webhook is answered without acting twice. */
  messageSid: text().notNull().unique(),
  from: text().notNull(),
  to: text().notNull(),
  body: text().notNull(),
  reply: text().notNull(),
  accountId: uuid().references(() => accounts.id),
  receivedAt: timestamp({ withTimezone: true }).notNull(),
});
