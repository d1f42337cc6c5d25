import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * Every text an organization's number received, with the reply Rounds gave. Twilio's MessageSid
 * is unique: a retried webhook gets the stored reply and changes nothing.
 */
export const textsReceived = pgTable(
  'texts_received',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    messageSid: text().notNull().unique(),
    from: text().notNull(),
    to: text().notNull(),
    /** As received, cut to 1,600 characters (Twilio's longest message). */
    body: text().notNull(),
    /** What the text asked for and how it ended: 'claim_recorded', 'paired', 'stop'… */
    outcome: text().notNull(),
    /** The reply sent back in the webhook's answer; empty when nothing may be sent (a stopped number). */
    reply: text().notNull(),
    accountId: uuid().references(() => accounts.id),
    sessionId: uuid().references(() => sessions.id),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('texts_received_org_from').on(t.organizationId, t.from, t.receivedAt)],
);

/**
 * Every text Rounds sends on its own (a pairing code, later reminders). The idempotency key makes
 * a retry a no-op. In development, with no Twilio account, this table is the outbox.
 */
export const textsSent = pgTable(
  'texts_sent',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    idempotencyKey: text().notNull().unique(),
    kind: text().notNull(),
    to: text().notNull(),
    from: text().notNull(),
    body: text().notNull(),
    transport: text({ enum: ['outbox', 'twilio'] }).notNull(),
    /** Twilio's message SID. */
    providerId: text(),
    status: text({ enum: ['sending', 'sent', 'failed', 'stopped'] }).notNull(),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('texts_sent_org_to').on(t.organizationId, t.to, t.createdAt)],
);

/** Numbers that texted STOP (or a synonym) to an organization's number: nothing goes to them until START. */
export const smsOptOuts = pgTable(
  'sms_opt_outs',
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    phone: text().notNull(),
    /** The word they sent: STOP, UNSUBSCRIBE, QUIT… */
    keyword: text().notNull(),
    optedOutAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.phone] })],
);

export const PAIRING_METHODS = ['email', 'profile'] as const;

/**
 * A phone waiting to be paired with an account. Texting an email asks the account (by mail) to
 * confirm; typing a mobile on the profile asks the phone (by text). The id is the SHA-256 of the
 * mailed link's token; the code is stored as a SHA-256 too.
 */
export const phonePairings = pgTable(
  'phone_pairings',
  {
    id: text().primaryKey(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    phone: text().notNull(),
    method: text({ enum: PAIRING_METHODS }).notNull(),
    codeHash: text().notNull(),
    /** Wrong codes typed or texted; a few and the pairing is void. */
    attempts: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    confirmedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('phone_pairings_phone').on(t.organizationId, t.phone, t.createdAt),
    index('phone_pairings_account').on(t.accountId, t.createdAt),
  ],
);

export type PhonePairing = typeof phonePairings.$inferSelect;
