import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type EscalationTicket, escalationTickets, series, sessions } from '../db/schema';
import { DomainError } from '../workflows/errors';
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

export const TICKET_NOTE_MAX = 500;

export class InvalidTicketNote extends DomainError {
  constructor(readonly problem: string) {
    super('invalid_input', problem);
    this.name = 'InvalidTicketNote';
  }
}

/**
 * A reviewer closes a session's open ticket with a note for the record: the coordinator has
 * answered, the session is being cancelled outside Rounds, credit will not be offered. The
 * session's status is untouched; only the ticket ends.
 */
export async function closeTicketWithNote(
  deps: { db: Database; now: () => Date },
  organizationId: string,
  sessionId: string,
  typed: string,
  by: { account: { id: string } },
  clientAddress: string | null = null,
): Promise<'closed' | 'already'> {
  const note = typed.trim();
  if (note === '') throw new InvalidTicketNote('Write why the ticket is closed; the note is kept with it.');
  if (note.length > TICKET_NOTE_MAX) {
    throw new InvalidTicketNote(
      `Keep the note under ${TICKET_NOTE_MAX} characters; it has ${note.length.toLocaleString('en-US')}.`,
    );
  }
  const [row] = await deps.db
    .select({ seriesId: sessions.seriesId })
    .from(escalationTickets)
    .innerJoin(sessions, eq(sessions.id, escalationTickets.sessionId))
    .where(
      and(eq(escalationTickets.sessionId, sessionId), eq(escalationTickets.organizationId, organizationId)),
    );
  if (!row) throw new DomainError('not_found');
  return deps.db.transaction(async (tx) => {
    const closed = await closeTicket(tx, deps.now(), {
      organizationId,
      seriesId: row.seriesId,
      sessionId,
      byId: by.account.id,
      because: note,
      clientAddress,
    });
    return closed ? 'closed' : 'already';
  });
}
