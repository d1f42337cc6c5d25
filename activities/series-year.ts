import { render } from '@react-email/components';
import { and, eq } from 'drizzle-orm';
import { createElement } from 'react';
import type { Database } from '../db/client';
import { accounts, organizations, series, seriesRoles } from '../db/schema';
import type { Clock } from '../server/clock';
import type { Mailer } from '../server/mail';
import { RenewalReminder, renewalReminderSubject } from '../views/mail/renewal-reminder';

export interface SeriesYearActivityDeps {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
}

/** Side effects of the series-year lifecycle. Each is idempotent: a retry sends and writes nothing twice. */
export function createSeriesYearActivities({ db, mailer, clock, publicUrl }: SeriesYearActivityDeps) {
  return {
    /** Emails every owner and coordinator once per reminder date; returns how many were newly sent. */
    async sendRenewalReminder(input: {
      seriesId: string;
      year: number;
      reminderOn: string;
    }): Promise<number> {
      const [row] = await db
        .select({ series, organization: organizations })
        .from(series)
        .innerJoin(organizations, eq(organizations.id, series.organizationId))
        .where(eq(series.id, input.seriesId));
      if (!row) return 0;
      // A renewal that is already approved makes the reminder moot even if the signal is still in flight.
      const [renewal] = await db
        .select({ status: series.status })
        .from(series)
        .where(and(eq(series.renewedFromId, input.seriesId), eq(series.status, 'approved')));
      if (renewal) return 0;
      const recipients = await db
        .selectDistinctOn([accounts.id], {
          id: accounts.id,
          email: accounts.email,
          firstName: accounts.firstName,
        })
        .from(seriesRoles)
        .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
        .where(eq(seriesRoles.seriesId, input.seriesId));
      const { series: s, organization } = row;
      let sent = 0;
      for (const recipient of recipients) {
        const props = {
          organizationName: organization.name,
          recipientFirstName: recipient.firstName,
          seriesName: s.name,
          year: s.year,
          seriesUrl: `${publicUrl}/${organization.code}/series/${s.id}`,
        };
        const element = createElement(RenewalReminder, props);
        const result = await mailer.send({
          idempotencyKey: `series-renewal-reminder:${s.id}:${input.reminderOn}:${recipient.id}`,
          organizationId: organization.id,
          kind: 'series-renewal-reminder',
          to: recipient.email,
          subject: renewalReminderSubject(props),
          html: await render(element),
          text: await render(element, { plainText: true }),
        });
        if (!result.duplicate) sent += 1;
      }
      return sent;
    },

    /** Marks the series expired once its year is over; sessions can no longer be added. */
    async expireSeries(input: { seriesId: string; year: number }): Promise<void> {
      await db
        .update(series)
        .set({ status: 'expired', expiredAt: clock.now() })
        .where(
          and(eq(series.id, input.seriesId), eq(series.year, input.year), eq(series.status, 'approved')),
        );
    },
  };
}

export type SeriesYearActivities = ReturnType<typeof createSeriesYearActivities>;
