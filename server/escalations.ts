import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type EscalationTicket, escalationTickets, series, sessions } from '../db/schema';
import { recordChange } from './history';

/**
 * Escalation tickets: opened by a session's approval lifecycle when it is not APPROVED three days
 * before (activities/session-approval.ts), closed here by what resolves them.
 */

/** Closes the session's open ticket, if it has one, inside the caller's transaction. */
export async function closeTicket(
  tx: Pick<Database, 'update' | 'insert'>,
  at: Date,
  close: {
    organizationId: string;
    seriesId: string;
    sessionId: string;
    byId: string | null;
    because: string;
    clientAddress?: string | null;
  },
): Promise<boolean> {
  const closed = await tx
    .update(escalationTickets)
    .set({ closedAt: at, closedById: close.byId, closedBecause: close.because })
    .where(and(eq(escalationTickets.sessionId, close.sessionId), isNull(escalationTickets.closedAt)))
    .returning({ id: escalationTickets.id });
  if (closed.length === 0) return false;
  await recordChange(tx, at, {
    organizationId: close.organizationId,
    actorId: close.byId,
    action: 'escalation_closed',
    seriesId: close.seriesId,
    sessionId: close.sessionId,
    clientAddress: close.clientAddress ?? null,
    note: { because: close.because },
  });
  return true;
}

/** The session's ticket, open or closed; there is at most one. */
export async function ticketOf(db: Database, sessionId: string): Promise<EscalationTicket | null> {
  const [ticket] = await db
    .select()
    .from(escalationTickets)
    .where(eq(escalationTickets.sessionId, sessionId));
  return ticket ?? null;
}

/** Open tickets of the organization, soonest session first: the reviewers' third queue. */
export async function openTickets(db: Database, organizationId: string, limit = 50) {
  return db
    .select({ ticket: escalationTickets, session: sessions, series })
    .from(escalationTickets)
    .innerJoin(sessions, eq(sessions.id, escalationTickets.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(and(eq(escalationTickets.organizationId, organizationId), isNull(escalationTickets.closedAt)))
    .orderBy(asc(sessions.startsAt))
    .limit(limit);
}
