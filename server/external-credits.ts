import { and, asc, count, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { CREDIT_TYPES, type ExternalCredit, type ExternalFileKind, externalCredits } from '../db/schema';
import { isLocalDate } from '../workflows/calendar';
import { fileNameWithin } from './presentation-types';

/**
 * Credit earned elsewhere: a learner uploads the certificate or transcript that proves it and says
 * what it was for, or a coordinator adds it by hand. Listed at the end of the transcript as
 * external, the file kept with it.
 */

/** A scan or PDF of a certificate: ample for a phone photo, small beside a presentation. */
export const EXTERNAL_CREDIT_MAX_BYTES = 10 * 1024 * 1024;

/** Uploads one learner may keep: a career's worth of certificates, not a file store. */
export const EXTERNAL_CREDITS_PER_LEARNER = 300;

/** How many external credits the learner has now. */
export async function externalCreditCount(db: Database, organizationId: string, accountId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(externalCredits)
    .where(and(eq(externalCredits.organizationId, organizationId), eq(externalCredits.accountId, accountId)));
  return row?.n ?? 0;
}

/** The learner's upload, the one My CE route that takes more than a form's 64 KB (app.ts). */
export const EXTERNAL_CREDIT_UPLOAD_PATH = /^\/[A-Za-z0-9-]+\/my-ce\/transcript\/external$/;

export const EXTERNAL_FILE_TYPES: Record<ExternalFileKind, { mime: string; extension: string }> = {
  pdf: { mime: 'application/pdf', extension: 'pdf' },
  png: { mime: 'image/png', extension: 'png' },
  jpeg: { mime: 'image/jpeg', extension: 'jpg' },
};

/** What the file is, from its first bytes (never its name or the browser's word); null: none of these. */
export function externalFileKind(bytes: Uint8Array): ExternalFileKind | null {
  const starts = (prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  return null;
}

/** The facts typed beside the file, judged field by field so every problem is named at once. */
export const externalCreditSchema = (today: string) =>
  z.object({
    title: z
      .string()
      .trim()
      .min(1, 'Enter what the activity was.')
      .max(200, 'Keep the title under 200 characters.'),
    provider: z
      .string()
      .trim()
      .min(1, 'Enter who provided it.')
      .max(200, 'Keep the provider under 200 characters.'),
    completedOn: z
      .string()
      .trim()
      .refine(isLocalDate, 'Enter the date you completed it.')
      .refine((date) => date <= today, 'That date has not come yet.')
      .refine((date) => date >= '1950-01-01', 'Enter the date you completed it.'),
    creditType: z.enum(CREDIT_TYPES, { error: 'Choose a credit type from the list.' }),
    credits: z
      .string()
      .trim()
      .refine(
        (credits) => /^\d{1,3}(\.\d{1,2})?$/.test(credits) && Number(credits) > 0 && Number(credits) <= 999,
        'Enter the credits, like 1 or 2.5 (at most 999).',
      ),
  });

export type ExternalCreditInput = z.output<ReturnType<typeof externalCreditSchema>>;

export type ExternalCreditSummary = Omit<ExternalCredit, 'file'>;

const summary = {
  id: externalCredits.id,
  organizationId: externalCredits.organizationId,
  accountId: externalCredits.accountId,
  title: externalCredits.title,
  provider: externalCredits.provider,
  completedOn: externalCredits.completedOn,
  creditType: externalCredits.creditType,
  credits: externalCredits.credits,
  fileName: externalCredits.fileName,
  fileKind: externalCredits.fileKind,
  fileSize: externalCredits.fileSize,
  addedById: externalCredits.addedById,
  addedAt: externalCredits.addedAt,
};

export async function addExternalCredit(
  db: Database,
  input: ExternalCreditInput & {
    organizationId: string;
    accountId: string;
    file: { name: string; kind: ExternalFileKind; bytes: Uint8Array } | null;
    addedById: string | null;
    now: Date;
  },
): Promise<ExternalCreditSummary> {
  const [added] = await db
    .insert(externalCredits)
    .values({
      organizationId: input.organizationId,
      accountId: input.accountId,
      title: input.title,
      provider: input.provider,
      completedOn: input.completedOn,
      creditType: input.creditType,
      credits: input.credits,
      fileName: input.file
        ? fileNameWithin(input.file.name.replace(/^.*[\\/]/, ''), 120) || 'certificate'
        : null,
      fileKind: input.file?.kind ?? null,
      fileSize: input.file?.bytes.byteLength ?? null,
      file: input.file ? Buffer.from(input.file.bytes) : null,
      addedById: input.addedById,
      addedAt: input.now,
    })
    .returning(summary);
  if (!added) throw new Error('the external credit was not stored');
  return added;
}

/** A learner's external credits completed within the dates (inclusive), oldest first. */
export function externalCreditsOf(
  db: Database,
  organizationId: string,
  accountId: string,
  range?: { from: string; to: string },
): Promise<ExternalCreditSummary[]> {
  return db
    .select(summary)
    .from(externalCredits)
    .where(
      and(
        eq(externalCredits.organizationId, organizationId),
        eq(externalCredits.accountId, accountId),
        range ? gte(externalCredits.completedOn, range.from) : undefined,
        range ? lte(externalCredits.completedOn, range.to) : undefined,
      ),
    )
    .orderBy(asc(externalCredits.completedOn), asc(externalCredits.addedAt));
}

/** One of the learner's external credits, with its file; null when it is not theirs. */
export async function ownExternalCredit(
  db: Database,
  organizationId: string,
  accountId: string,
  id: string,
): Promise<ExternalCredit | null> {
  const [row] = await db
    .select()
    .from(externalCredits)
    .where(
      and(
        eq(externalCredits.id, id),
        eq(externalCredits.organizationId, organizationId),
        eq(externalCredits.accountId, accountId),
      ),
    );
  return row ?? null;
}

/** Removes a learner's own upload; what a coordinator added stays until a coordinator removes it. */
export async function removeExternalCredit(
  db: Database,
  organizationId: string,
  accountId: string,
  id: string,
  byCoordinator: boolean,
): Promise<ExternalCreditSummary | null> {
  const found = await ownExternalCredit(db, organizationId, accountId, id);
  if (!found || (found.addedById !== null && !byCoordinator)) return null;
  const [removed] = await db.delete(externalCredits).where(eq(externalCredits.id, id)).returning(summary);
  return removed ?? null;
}
