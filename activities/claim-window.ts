import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { CLAIM_CHANNELS, type ClaimChannel, claims, organizations, series, sessions } from '../db/schema';
import { freshAttendanceCodes } from '../server/attendance-codes';
import { approvedForCredit, forgetKeptSessions } from '../server/claims';
import { claimWindow } from '../server/claim-window';
import type { Clock } from '../server/clock';
import type { Mailer } from '../server/mail';
import { sessionContacts } from '../server/series';
import { renderClaimWindowClosed } from '../views/mail/claim-window-closed';
import { CHANNEL_WORDS } from '../views/my-ce-page';
import { formatSessionTime } from '../views/time';
import type { ClaimWindowActivities, ClaimWindowPlan } from '../workflows/claim-window';

export interface ClaimWindowActivityDeps {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
}

/**
 * Side effects of the claim-window lifecycle: reading the window, showing a new code, and the
 * coordinators' summary at the close. Idempotent: a retried rotation draws another fresh code
 * (harmless: the screen shows whichever is current), and the summary is keyed per session.
 */
export function createClaimWindowActivities({
  db,
  mailer,
  clock,
  publicUrl,
}: ClaimWindowActivityDeps): ClaimWindowActivities {
  async function load(sessionId: string) {
    const [row] = await db
      .select({ session: sessions, series, organization: organizations })
      .from(sessions)
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
      .where(eq(sessions.id, sessionId))
      .limit(1);
    return row ?? null;
  }

  return {
    async claimWindowPlan({ sessionId }): Promise<ClaimWindowPlan> {
      const row = await load(sessionId);
      if (!row) {
        const now = clock.now().toISOString();
        return { opensAt: now, endsAt: now, closesAt: now, active: false };
      }
      const window = claimWindow(row.session, row.organization);
      return {
        opensAt: window.opensAt.toISOString(),
        endsAt: row.session.endsAt.toISOString(),
        closesAt: window.closesAt.toISOString(),
        active: row.session.deactivatedAt === null,
      };
    },

    async rotateClaimCode({ sessionId }) {
      const row = await load(sessionId);
      if (!row) return { rotateMinutes: 0 };
      const rotateMinutes = row.organization.rotatingCodeMinutes;
      if (rotateMinutes <= 0 || !(await approvedForCredit(db, row))) {
        await db
          .update(sessions)
          .set({ rotatingCode: null, rotatingCodePrevious: null })
          .where(eq(sessions.id, sessionId));
        forgetKeptSessions(db);
        return { rotateMinutes: 0 };
      }
      const [code] = await freshAttendanceCodes(db, row.organization.id, 1);
      await db
        .update(sessions)
        .set({ rotatingCodePrevious: sql`${sessions.rotatingCode}`, rotatingCode: code ?? null })
        .where(eq(sessions.id, sessionId));
      forgetKeptSessions(db);
      return { rotateMinutes };
    },

    async closeClaimWindow({ sessionId, notify }) {
      await db
        .update(sessions)
        .set({ rotatingCode: null, rotatingCodePrevious: null })
        .where(eq(sessions.id, sessionId));
      forgetKeptSessions(db);
      const row = await load(sessionId);
      if (!row) return { claims: 0 };
      const counts = await db
        .select({ channel: claims.channel, count: sql<number>`count(*)::int` })
        .from(claims)
        .where(and(eq(claims.sessionId, sessionId)))
        .groupBy(claims.channel);
      const total = counts.reduce((sum, row) => sum + row.count, 0);
      // A session that gave no credit and drew no claims has nothing to report.
      if (!notify || (total === 0 && !(await approvedForCredit(db, row)))) return { claims: total };
      const byChannel = counts
        // Most used first; ties in the order channels are listed (text, web, QR…).
        .sort(
          (a, b) =>
            b.count - a.count ||
            CLAIM_CHANNELS.indexOf(a.channel as ClaimChannel) -
              CLAIM_CHANNELS.indexOf(b.channel as ClaimChannel),
        )
        .map((row) => `${row.count} ${CHANNEL_WORDS[row.channel as ClaimChannel]}`)
        .join(', ');
      const contacts = (await sessionContacts(db, [row.series.id])).get(row.series.id) ?? [];
      for (const person of contacts) {
        const mail = await renderClaimWindowClosed({
          organizationName: row.organization.name,
          recipientFirstName: person.firstName,
          sessionName: row.session.name,
          sessionWhen: formatSessionTime(row.session.startsAt, row.session.endsAt, row.session.timeZone),
          byChannel,
          claims: total,
          sessionUrl: `${publicUrl}/${row.organization.code}/sessions/${row.session.id}`,
        });
        await mailer.send({
          idempotencyKey: `claim-window-closed-${sessionId}-${person.id}`,
          organizationId: row.organization.id,
          kind: 'claim-window-closed',
          to: person.email,
          ...mail,
        });
      }
      return { claims: total };
    },
  };
}
