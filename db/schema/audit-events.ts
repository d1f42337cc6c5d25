import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';

/**
 * The audit trail: who did what, to whom, from where. Security events (sign-in, lockout, unlock,
 * role change, reset, refused access) are written here and to the log, never with a password or
 * token. Changes to series, sessions, faculty, disclosures and reviews carry `before` and `after` in
 * their detail. Rows are only ever inserted: a trigger refuses UPDATE and DELETE.
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
    /** The series and session a change was made to, so each shows its own history. */
    seriesId: uuid(),
    sessionId: uuid(),
    /** Facts that explain the event: the roles granted, the path refused. Never secrets. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('audit_events_org_created').on(t.organizationId, t.createdAt),
    index('audit_events_series_created').on(t.seriesId, t.createdAt),
    index('audit_events_session_created').on(t.sessionId, t.createdAt),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
