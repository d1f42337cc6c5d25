import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';

/**
 * The audit trail: who did what, to whom, from where. Security events (sign-in, lockout, unlock,
 * role change, reset, refused access) are written here and to the log, never with a password or
 * token. Rows are only ever inserted.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid().references(() => organizations.id),
    /** Who acted; null for someone signed out. */
    actorId: uuid().references(() => accounts.id, { onDelete: 'set null' }),
    /** The account acted on (the one signing in, unlocked, given roles…), when there is one. */
    accountId: uuid().references(() => accounts.id, { onDelete: 'set null' }),
    action: text().notNull(),
    clientAddress: text(),
    /** Facts that explain the event: the roles granted, the path refused. Never secrets. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('audit_events_org_created').on(t.organizationId, t.createdAt)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
