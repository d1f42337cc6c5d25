import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { escalationTickets, organizations, series, sessions, type SessionStatus } from '../db/schema';
import type { Clock } from '../server/clock';
import { recordChange, recordChangeOnce } from '../server/history';
import { reviewersOf, sessionContacts } from '../server/series';
import type { Mailer } from '../server/mail';
import { sessionState } from '../server/session-facts';
import { SESSION_STATUS_LABELS } from '../server/session-status';
import { renderSessionEscalation } from '../views/mail/session-escalation';
import { renderSessionStatusCheck } from '../views/mail/session-status-check';
import { formatDate, formatSessionTime } from '../views/time';
import {
  deadlineOf,
  STATUS_CHECK_DAYS,
  type SessionApprovalActivities,
  type StatusCheck,
} from '../workflows/session-approval';

export interface SessionApprovalActivityDeps {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
}

/**
 * Side effects of the session-approval lifecycle. Each reads the session as it is now, does nothing
 * for a session that moved or was deactivated since the workflow planned, and sends and writes
 * nothing twice when retried.
 */
export function createSessionApprovalActivities({
  db,
  mailer,
  clock,
  publicUrl,
}: SessionApprovalActivityDeps): SessionApprovalActivities {
  async function current(sessionId: string, startsAt: string) {
    const [row] = await db
      .select({ session: sessions, series, organization: organizations })
      .from(sessions)
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
      .where(eq(sessions.id, sessionId));
    // The workflow's plan is behind the database: the signal with the new plan is on its way.
    if (
      !row ||
      row.session.deactivatedAt ||
      row.session.startsAt.toISOString() !== new Date(startsAt).toISOString()
    )
      return null;
    return { ...row, state: await sessionState(db, row.session, row.series) };
  }

  async function contactsOf(seriesId: string) {
    return (await sessionContacts(db, [seriesId])).get(seriesId) ?? [];
  }

  return {
    /**
     * The status check 5 or 3 days before: the coordinators are emailed what is still missing, or
     * that all is well. Returns the status, or null when the session moved or was deactivated.
     */
    async checkSessionStatus(input: {
      sessionId: string;
      check: StatusCheck;
      startsAt: string;
    }): Promise<{ status: SessionStatus | null }> {
      const found = await current(input.sessionId, input.startsAt);
      if (!found) return { status: null };
      const { session, organization, state } = found;
      const status = state.status.status;
      const startDate = input.startsAt.slice(0, 10);
      for (const person of await contactsOf(found.series.id)) {
        const mail = await renderSessionStatusCheck({
          organizationName: organization.name,
          recipientFirstName: person.firstName,
          sessionName: session.name,
          seriesName: found.series.name,
          sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
          daysBefore: STATUS_CHECK_DAYS[input.check],
          escalationDays: STATUS_CHECK_DAYS['three-day'],
          statusLabel: SESSION_STATUS_LABELS[status],
          approved: status === 'approved',
          reasons: state.status.reasons,
          deadline: formatDate(
            deadlineOf({
              startsAt: input.startsAt,
              timeZone: session.timeZone,
              holidays: organization.holidays,
              active: true,
            }),
          ),
          sessionUrl: `${publicUrl}/${organization.code}/sessions/${session.id}`,
        });
        await mailer.send({
          idempotencyKey: `session-status-check:${session.id}:${input.check}:${startDate}:${person.id}`,
          organizationId: organization.id,
          kind: 'session-status-check',
          to: person.email,
          ...mail,
        });
      }
      // The session's history shows each check once, whatever the retries.
      const startsAt = session.startsAt.toISOString();
      await recordChangeOnce(
        db,
        clock.now(),
        {
          organizationId: organization.id,
          actorId: null,
          action: 'session_status_checked',
          seriesId: found.series.id,
          sessionId: session.id,
          note: { check: input.check, startsAt, status: SESSION_STATUS_LABELS[status] },
        },
        { check: input.check, startsAt },
      );
      return { status };
    },

    /**
     * Not APPROVED three days before: one escalation ticket to the reviewers (a queue entry and an
     * email), never two. Returns the ticket, or null when the session is approved, moved or gone.
     */
    async escalateSession(input: {
      sessionId: string;
      startsAt: string;
    }): Promise<{ ticketId: string | null }> {
      const found = await current(input.sessionId, input.startsAt);
      if (!found || found.state.status.status === 'approved') return { ticketId: null };
      if (found.session.startsAt <= clock.now()) return { ticketId: null };
      const { session, organization, state } = found;
      const now = clock.now();
      const ticketId = await db.transaction(async (tx) => {
        const [opened] = await tx
          .insert(escalationTickets)
          .values({
            organizationId: organization.id,
            sessionId: session.id,
            statusAtOpening: state.status.status,
            reasons: state.status.reasons,
            openedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: escalationTickets.id });
        if (opened) {
          await recordChange(tx, now, {
            organizationId: organization.id,
            actorId: null,
            action: 'escalation_opened',
            seriesId: found.series.id,
            sessionId: session.id,
            note: { status: SESSION_STATUS_LABELS[state.status.status], reasons: state.status.reasons },
          });
          return opened.id;
        }
        const [existing] = await tx
          .select({ id: escalationTickets.id })
          .from(escalationTickets)
          .where(eq(escalationTickets.sessionId, session.id));
        return existing?.id ?? null;
      });
      if (!ticketId) return { ticketId: null };
      const reviewers = await reviewersOf(db, organization.id);
      const coordinators = (await contactsOf(found.series.id))
        .map((person) => `${person.firstName} ${person.lastName} <${person.email}>`)
        .join(', ');
      for (const reviewer of reviewers) {
        const mail = await renderSessionEscalation({
          organizationName: organization.name,
          recipientFirstName: reviewer.firstName,
          sessionName: session.name,
          seriesName: found.series.name,
          sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
          statusLabel: SESSION_STATUS_LABELS[state.status.status],
          reasons: state.status.reasons,
          escalationDays: STATUS_CHECK_DAYS['three-day'],
          coordinators,
          reviewUrl: `${publicUrl}/${organization.code}/sessions/${session.id}/review`,
        });
        // Keyed by ticket: a retry after a crash mails whoever was not yet mailed, and nobody twice.
        await mailer.send({
          idempotencyKey: `session-escalation:${ticketId}:${reviewer.id}`,
          organizationId: organization.id,
          kind: 'session-escalation',
          to: reviewer.email,
          ...mail,
        });
      }
      return { ticketId };
    },
  };
}
