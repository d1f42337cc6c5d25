import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { csvText } from './csv';
import { type Account, certificates, claims, type Organization, series, sessions } from '../db/schema';
import { isLocalDate, localDate } from '../workflows/calendar';
import { formatSerial } from './certificates';
import { type ExternalCreditSummary, externalCreditsOf } from './external-credits';

/**
 * A learner's transcript: every credit on their record whose session falls within the dates, with
 * totals per credit type, and then the external credit they uploaded (or a coordinator added)
 * for the same dates. Dates are calendar days: a session's own day in its zone, an external
 * credit's completion date.
 */
export interface TranscriptEntry {
  /** The session's day in its zone, 'YYYY-MM-DD'. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  activity: string;
  seriesName: string;
  creditType: string;
  credits: string;
  certificateSerial: string | null;
}

export interface Transcript {
  organizationName: string;
  learnerName: string;
  from: string;
  to: string;
  entries: TranscriptEntry[];
  external: ExternalCreditSummary[];
  /** Per credit type, Rounds' and external credit together, in the order first met. */
  totals: { creditType: string; credits: string; external: string }[];
  generatedAt: Date;
}

/** The range a transcript opens on: the calendar year so far, in the organization's zone. */
export function defaultRange(organization: Pick<Organization, 'timeZone'>, now: Date) {
  const today = localDate(now, organization.timeZone);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** The dates as typed in the page's query; a missing one is the default's, a wrong one a message. */
export const rangeQuery = z.object({
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
});

export function judgeRange(
  typed: { from?: string | undefined; to?: string | undefined },
  fallback: { from: string; to: string },
): { range: { from: string; to: string } } | { errors: { from?: string; to?: string } } {
  const from = typed.from?.trim() || fallback.from;
  const to = typed.to?.trim() || fallback.to;
  const errors: { from?: string; to?: string } = {};
  if (!isLocalDate(from)) errors.from = 'Enter the start date.';
  if (!isLocalDate(to)) errors.to = 'Enter the end date.';
  if (!errors.from && !errors.to && from > to) errors.to = 'The end date comes before the start date.';
  return Object.keys(errors).length > 0 ? { errors } : { range: { from, to } };
}

export function learnerName(account: Pick<Account, 'firstName' | 'lastName' | 'degree'>): string {
  const degree = account.degree && account.degree !== 'Other' ? `, ${account.degree}` : '';
  return `${account.firstName} ${account.lastName}${degree}`;
}

export async function transcriptOf(
  db: Database,
  organization: Pick<Organization, 'id' | 'name'>,
  account: Pick<Account, 'id' | 'firstName' | 'lastName' | 'degree'>,
  range: { from: string; to: string },
  now: Date,
): Promise<Transcript> {
  const credited = await db
    .select({
      startsAt: sessions.startsAt,
      endsAt: sessions.endsAt,
      timeZone: sessions.timeZone,
      activity: sessions.name,
      seriesName: series.name,
      creditType: series.creditType,
      credits: claims.credits,
      certificateSerial: certificates.serial,
    })
    .from(claims)
    .innerJoin(sessions, eq(sessions.id, claims.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .leftJoin(certificates, eq(certificates.claimId, claims.id))
    .where(
      and(
        eq(claims.organizationId, organization.id),
        eq(claims.accountId, account.id),
        isNotNull(claims.creditRecordedAt),
      ),
    )
    .orderBy(asc(sessions.startsAt));
  const entries = credited
    .map((row) => ({ ...row, date: localDate(row.startsAt, row.timeZone) }))
    .filter((row) => row.date >= range.from && row.date <= range.to);
  const external = await externalCreditsOf(db, organization.id, account.id, range);
  const totals = new Map<string, { credits: number; external: number }>();
  for (const entry of entries) {
    const total = totals.get(entry.creditType) ?? { credits: 0, external: 0 };
    total.credits += Number(entry.credits);
    totals.set(entry.creditType, total);
  }
  for (const credit of external) {
    const total = totals.get(credit.creditType) ?? { credits: 0, external: 0 };
    total.external += Number(credit.credits);
    totals.set(credit.creditType, total);
  }
  return {
    organizationName: organization.name,
    learnerName: learnerName(account),
    from: range.from,
    to: range.to,
    entries,
    external,
    totals: [...totals].map(([creditType, total]) => ({
      creditType,
      credits: total.credits.toFixed(2),
      external: total.external.toFixed(2),
    })),
    generatedAt: now,
  };
}

/** The transcript as CSV: one row per credit, Rounds' first and then external, as the PDF lists them. */
export function transcriptCsv(transcript: Transcript): string {
  const rows = [
    ['Date', 'Activity', 'Series or provider', 'Credit type', 'Credits', 'Source', 'Certificate'],
    ...transcript.entries.map((entry) => [
      entry.date,
      entry.activity,
      entry.seriesName,
      entry.creditType,
      entry.credits,
      transcript.organizationName,
      entry.certificateSerial ? formatSerial(entry.certificateSerial) : '',
    ]),
    ...transcript.external.map((credit) => [
      credit.completedOn,
      credit.title,
      credit.provider,
      credit.creditType,
      credit.credits,
      'External',
      '',
    ]),
  ];
  return csvText(rows);
}
