import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * "If the child activity's status has not changed to APPROVED 3 days before the activity, submit a
 * ticket": the session-approval lifecycle opens it for the coordinator. One per session, ever (the
 * unique index makes a retried or repeated escalation a no-op); it closes when the session is
 * approved or deactivated, or when a reviewer closes it with a note.
 */
export const escalationTickets = pgTable(
  'escalation_tickets',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** The session's status and what kept it from APPROVED when the ticket was opened. */
    statusAtOpening: text().notNull(),
    reasons: text().array().notNull(),
    openedAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    closedById: uuid().references(() => accounts.id),
    /** Why it closed: 'approved', 'deactivated', or a reviewer's note. */
    closedBecause: text(),
  },
  (t) => [
    uniqueIndex('escalation_tickets_session').on(t.sessionId),
    index('escalation_tickets_open').on(t.organizationId, t.closedAt),
  ],
);

export type EscalationTicket = typeof escalationTickets.$inferSelect;
