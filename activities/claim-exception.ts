import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accounts, claimExceptions, organizations, sessions } from '../db/schema';
import type { Mailer } from '../server/mail';
import { sessionContacts } from '../server/series';
import { renderExceptionRequest } from '../views/mail/claim-exception';
import { formatSessionTime } from '../views/time';
import type { ClaimExceptionActivities } from '../workflows/claim-exception';

export interface ClaimExceptionActivityDeps {
  db: Database;
  mailer: Mailer;
  publicUrl: string;
}

/** Side effects of an exception's lifecycle: asking and reminding the coordinators, each mail once. */
export function createClaimExceptionActivities({
  db,
  mailer,
  publicUrl,
}: ClaimExceptionActivityDeps): ClaimExceptionActivities {
  return {
    async askCoordinators({ exceptionId, reminder }) {
      const [row] = await db
        .select({
          exception: claimExceptions,
          session: sessions,
          organization: organizations,
          learner: accounts,
        })
        .from(claimExceptions)
        .innerJoin(sessions, eq(sessions.id, claimExceptions.sessionId))
        .innerJoin(organizations, eq(organizations.id, claimExceptions.organizationId))
        .innerJoin(accounts, eq(accounts.id, claimExceptions.accountId))
        .where(eq(claimExceptions.id, exceptionId))
        .limit(1);
      if (!row) return 'denied';
      if (row.exception.status !== 'requested') return row.exception.status;
      if (row.session.deactivatedAt) {
        // Nothing can be recorded for a deactivated session: the request ends, and nobody is asked again.
        await db
          .update(claimExceptions)
          .set({
            status: 'denied',
            decidedAt: row.session.deactivatedAt,
            decisionNote: 'The session was deactivated.',
          })
          .where(eq(claimExceptions.id, exceptionId));
        return 'denied';
      }
      const contacts = (await sessionContacts(db, [row.session.seriesId])).get(row.session.seriesId) ?? [];
      for (const person of contacts) {
        const mail = await renderExceptionRequest({
          organizationName: row.organization.name,
          recipientFirstName: person.firstName,
          learnerName: `${row.learner.firstName} ${row.learner.lastName}`,
          sessionName: row.session.name,
          sessionWhen: formatSessionTime(row.session.startsAt, row.session.endsAt, row.session.timeZone),
          reason: row.exception.reason,
          credits: row.exception.credits,
          reminder,
          url: `${publicUrl}/${row.organization.code}/sessions/${row.session.id}/attendance`,
        });
        await mailer.send({
          idempotencyKey: `claim-exception-${exceptionId}-${reminder}-${person.id}`,
          organizationId: row.organization.id,
          kind: reminder === 0 ? 'claim-exception' : 'claim-exception-reminder',
          to: person.email,
          ...mail,
        });
      }
      return 'sent';
    },
  };
}
