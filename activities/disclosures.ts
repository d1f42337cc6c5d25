import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accounts, disclosures, organizations, series, sessionFaculty, sessions } from '../db/schema';
import type { Clock } from '../server/clock';
import { activeDisclosuresAt } from '../server/disclosures';
import { recordChange, recordChangeOnce } from '../server/history';
import { sessionContacts } from '../server/series';
import type { Mailer } from '../server/mail';
import { disclosureLapsesAt } from '../server/session-status';
import { renderDisclosureLapsed, renderDisclosureLapsing } from '../views/mail/disclosure-lapse';
import { renderDisclosureRequest } from '../views/mail/disclosure-request';
import { formatInstant, formatSessionTime } from '../views/time';
import type { DisclosureRequestActivities, DisclosureRequestOutcome } from '../workflows/disclosure-request';
import type { DisclosureTermActivities } from '../workflows/disclosure-term';

export interface DisclosureActivityDeps {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
}

/**
 * Side effects of the disclosure lifecycles: asking and reminding a person to disclose, reminding
 * before a disclosure lapses, and telling coordinators when it has. Idempotent: mail is keyed, and
 * each reads the facts as they are now.
 */
export function createDisclosureActivities({
  db,
  mailer,
  clock,
  publicUrl,
}: DisclosureActivityDeps): DisclosureRequestActivities & DisclosureTermActivities {
  /** The future sessions a person teaches that start at or after `from`, soonest first. */
  async function sessionsTaughtFrom(accountId: string, from: Date) {
    return db
      .select({ session: sessions, seriesName: series.name })
      .from(sessionFaculty)
      .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .where(
        and(
          eq(sessionFaculty.accountId, accountId),
          gt(sessions.startsAt, from),
          isNull(sessions.deactivatedAt),
        ),
      )
      .orderBy(asc(sessions.startsAt));
  }

  const line = (session: typeof sessions.$inferSelect) =>
    `${session.name} — ${formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}`;

  /** The disclosure with its owner and organization, and whether a newer one replaced it. */
  async function disclosureOf(disclosureId: string) {
    const [row] = await db
      .select({ disclosure: disclosures, account: accounts, organization: organizations })
      .from(disclosures)
      .innerJoin(accounts, eq(accounts.id, disclosures.accountId))
      .innerJoin(organizations, eq(organizations.id, disclosures.organizationId))
      .where(eq(disclosures.id, disclosureId));
    if (!row) return null;
    const [newer] = await db
      .select({ id: disclosures.id })
      .from(disclosures)
      .where(
        and(
          eq(disclosures.accountId, row.account.id),
          gt(disclosures.submittedAt, row.disclosure.submittedAt),
        ),
      )
      .limit(1);
    return { ...row, superseded: newer !== undefined };
  }

  return {
    /**
     * "Request disclosure?": the request (reminder 0) or a reminder. The request tells a person whose
     * disclosure is active through the session that nothing is needed; a reminder to someone who has
     * disclosed meanwhile is simply not sent.
     */
    async sendDisclosureRequest(input: {
      sessionId: string;
      accountId: string;
      reminder: number;
    }): Promise<DisclosureRequestOutcome> {
      const [row] = await db
        .select({
          session: sessions,
          account: accounts,
          organization: organizations,
          faculty: sessionFaculty,
        })
        .from(sessionFaculty)
        .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
        .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
        .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
        .where(
          and(eq(sessionFaculty.sessionId, input.sessionId), eq(sessionFaculty.accountId, input.accountId)),
        );
      if (!row || row.session.deactivatedAt || !row.faculty.requestDisclosure) return 'not_faculty';
      const { session, account, organization } = row;
      const active = (await activeDisclosuresAt(db, [account.id], session.startsAt)).get(account.id);
      if (active && input.reminder > 0) return 'not_needed';
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
      const sent = await mailer.send({
        idempotencyKey: active
          ? `disclosure-not-needed:${session.id}:${account.id}`
          : `disclosure-request:${session.id}:${account.id}:${input.reminder}`,
        organizationId: organization.id,
        kind: active ? 'disclosure-not-needed' : 'disclosure-request',
        to: account.email,
        ...mail,
      });
      if (!active && !sent.duplicate) {
        await recordChange(db, clock.now(), {
          organizationId: organization.id,
          actorId: null,
          accountId: account.id,
          action: 'disclosure_requested',
          seriesId: session.seriesId,
          sessionId: session.id,
          note: { faculty: `${account.lastName}, ${account.firstName}`, reminder: input.reminder },
        });
      }
      return active ? 'not_needed' : 'requested';
    },

    /**
     * A reminder `daysBefore` the disclosure lapses, sent only if it is still the person's newest and
     * they teach a session after the lapse (which will need a new one).
     */
    async remindDisclosureLapse(input: {
      disclosureId: string;
      daysBefore: number;
    }): Promise<'sent' | 'not_needed' | 'superseded'> {
      const found = await disclosureOf(input.disclosureId);
      if (!found) return 'not_needed';
      if (found.superseded) return 'superseded';
      const { disclosure, account, organization } = found;
      const lapsesAt = disclosureLapsesAt(disclosure.submittedAt);
      const taught = await sessionsTaughtFrom(account.id, lapsesAt);
      if (taught.length === 0) return 'not_needed';
      const mail = await renderDisclosureLapsing({
        organizationName: organization.name,
        recipientFirstName: account.firstName,
        lapsesAt: formatInstant(lapsesAt, organization.timeZone),
        daysBefore: input.daysBefore,
        sessions: taught.slice(0, 20).map((row) => line(row.session)),
        formUrl: `${publicUrl}/${organization.code}/disclosure`,
      });
      await mailer.send({
        idempotencyKey: `disclosure-lapsing:${disclosure.id}:${input.daysBefore}`,
        organizationId: organization.id,
        kind: 'disclosure-lapsing',
        to: account.email,
        ...mail,
      });
      return 'sent';
    },

    /**
     * The disclosure lapsed: each future session where its owner teaches is now INCOMPLETE. Its
     * history says so and its coordinators are emailed, one message each listing their sessions.
     * Returns those sessions, whose lifecycles the workflow tells.
     */
    async disclosureLapsed(input: {
      disclosureId: string;
    }): Promise<{ superseded: boolean; sessionIds: string[] }> {
      const found = await disclosureOf(input.disclosureId);
      if (!found) return { superseded: false, sessionIds: [] };
      if (found.superseded) return { superseded: true, sessionIds: [] };
      const { disclosure, account, organization } = found;
      const lapsesAt = disclosureLapsesAt(disclosure.submittedAt);
      const taught = await sessionsTaughtFrom(account.id, lapsesAt);
      if (taught.length === 0) return { superseded: false, sessionIds: [] };
      const facultyName = `${account.firstName} ${account.lastName}`;

      for (const { session } of taught) {
        // Written once per session and disclosure, however often the activity is retried.
        await recordChangeOnce(
          db,
          clock.now(),
          {
            organizationId: organization.id,
            actorId: null,
            accountId: account.id,
            action: 'disclosure_lapsed',
            seriesId: session.seriesId,
            sessionId: session.id,
            note: { faculty: `${account.lastName}, ${account.firstName}`, disclosureId: disclosure.id },
          },
          { disclosureId: disclosure.id },
        );
      }

      // Each coordinator once, listing the sessions of their series it touches.
      const contacts = await sessionContacts(db, [...new Set(taught.map((row) => row.session.seriesId))]);
      const recipients = new Map<string, { email: string; firstName: string; sessions: string[] }>();
      for (const row of taught) {
        for (const person of contacts.get(row.session.seriesId) ?? []) {
          const entry = recipients.get(person.id) ?? {
            email: person.email,
            firstName: person.firstName,
            sessions: [],
          };
          entry.sessions.push(line(row.session));
          recipients.set(person.id, entry);
        }
      }
      for (const [recipientId, recipient] of recipients) {
        const mail = await renderDisclosureLapsed({
          organizationName: organization.name,
          recipientFirstName: recipient.firstName,
          facultyName,
          sessions: recipient.sessions.slice(0, 30),
          dashboardUrl: `${publicUrl}/${organization.code}/dashboard`,
        });
        await mailer.send({
          idempotencyKey: `disclosure-lapsed:${disclosure.id}:${recipientId}`,
          organizationId: organization.id,
          kind: 'disclosure-lapsed',
          to: recipient.email,
          ...mail,
        });
      }
      return { superseded: false, sessionIds: taught.map((row) => row.session.id) };
    },
  };
}
