import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

/**
 * Every email Rounds sends. The idempotency key makes a retried activity or request a no-op, and
 * doubles as Resend's Idempotency-Key. In development this table is the outbox.
 */
export const messages = pgTable('messages', {
  id: uuid().primaryKey().defaultRandom(),
  organizationId: uuid().references(() => organizations.id),
  idempotencyKey: text().notNull().unique(),
  kind: text().notNull(),
  to: text().notNull(),
  subject: text().notNull(),
  html: text().notNull(),
  text: text().notNull(),
  /** Where replies go, when a person wrote the message. */
  replyTo: text(),
  transport: text({ enum: ['outbox', 'resend'] }).notNull(),
  providerId: text(),
  status: text({ enum: ['sending', 'sent', 'failed'] }).notNull(),
  error: text(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  sentAt: timestamp({ withTimezone: true }),
});

export type Message = typeof messages.$inferSelect;
