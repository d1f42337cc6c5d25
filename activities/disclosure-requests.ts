import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accounts, organizations, sessionFaculty, sessions } from '../db/schema';
import type { Mailer } from '../server/mail';
import { activeDisclosuresAt } from '../server/disclosures';
import { disclosureLapsesAt } from '../server/session-status';
import { renderDisclosureRequest } from '../views/mail/disclosure-request';
import { formatInstant, formatSessionTime } from '../views/time';

export interface DisclosureRequestDeps {
  db: Database;
  mailer: Mailer;
  publicUrl: string;
}

export type DisclosureRequestOutcome = 'requested' | 'not_needed' | 'not_faculty';

/**
 * "Request disclosure?": the person is asked to disclose, or told nothing is needed when their
 * disclosure is active through the session. Idempotent per session, person and reminder number.
 */
export function createDisclosureRequestActivities({ db, mailer, publicUrl }: DisclosureRequestDeps) {
  return {
    async sendDisclosureRequest(input: {
      sessionId: string;
      accountId: string;
      reminder: number;
    }): Promise<DisclosureRequestOutcome> {
      const [row] = await db
        .select({ session: sessions, account: accounts, organization: organizations })
        .from(sessionFaculty)
        .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
        .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
        .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
        .where(
          and(eq(sessionFaculty.sessionId, input.sessionId), eq(sessionFaculty.accountId, input.accountId)),
        );
      if (!row || row.session.deactivatedAt) return 'not_faculty';
      const { session, account, organization } = row;
      const active = (await activeDisclosuresAt(db, [account.id], session.startsAt)).get(account.id);
      const mail = await renderDisclosureRequest({
        organizationName: organization.name,
        recipientFirstName: account.firstName,
        sessionName: session.name,
        sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
        formUrl: `${publicUrl}/${organization.code}/disclosure`,
        reminder: input.reminder,
        activeThrough: active
          ? formatInstant(disclosureLapsesAt(active.submittedAt), session.timeZone)
          : undefined,
      });
      await mailer.send({
        idempotencyKey: active
          ? `disclosure-not-needed:${session.id}:${account.id}`
          : `disclosure-request:${session.id}:${account.id}:${input.reminder}`,
        organizationId: organization.id,
        kind: active ? 'disclosure-not-needed' : 'disclosure-request',
        to: account.email,
        ...mail,
      });
      return active ? 'not_needed' : 'requested';
    },
  };
}

export type DisclosureRequestActivities = ReturnType<typeof createDisclosureRequestActivities>;
