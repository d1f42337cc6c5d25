import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Certificate, certificates, organizations } from '../db/schema';
import { fileNameSlug } from './presentation-types';

/**
 * Certificate numbers: twelve characters of Crockford's base 32 (no I, L, O or U), random, so one
 * cannot be guessed from another and the public verification page can answer for any number
 * typed without saying anything about the certificates around it. 60 bits: guessing one that
 * exists among a million takes about 10^12 tries, against a rate limit.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SERIAL_LENGTH = 12;

export function newSerial(): string {
  const bytes = randomBytes(SERIAL_LENGTH);
  let serial = '';
  for (const byte of bytes) serial += ALPHABET[byte & 31];
  return serial;
}

/** As printed and shown: "7KQ2-M9XD-4HTA". */
export function formatSerial(serial: string): string {
  return serial.match(/.{1,4}/g)?.join('-') ?? serial;
}

/**
 * What a person typed or a QR code carried, as a stored serial: case, spaces and dashes ignored,
 * and the letters Crockford reads as digits (I and L as 1, O as 0) read that way. Null: it cannot
 * be a certificate number.
 */
export function parseSerial(typed: string): string | null {
  const serial = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return serial.length === SERIAL_LENGTH && [...serial].every((c) => ALPHABET.includes(c)) ? serial : null;
}

/** Where anyone checks a certificate: printed on it, as a link and a QR code. */
export function verificationUrl(publicUrl: string, serial: string): string {
  return `${publicUrl}/verify/${formatSerial(serial)}`;
}

export type CertificateSummary = Omit<Certificate, 'pdf'>;

const summaryColumns = {
  id: certificates.id,
  organizationId: certificates.organizationId,
  claimId: certificates.claimId,
  accountId: certificates.accountId,
  sessionId: certificates.sessionId,
  serial: certificates.serial,
  learnerName: certificates.learnerName,
  activityName: certificates.activityName,
  seriesName: certificates.seriesName,
  activityStartsAt: certificates.activityStartsAt,
  activityEndsAt: certificates.activityEndsAt,
  timeZone: certificates.timeZone,
  credits: certificates.credits,
  creditType: certificates.creditType,
  issuedAt: certificates.issuedAt,
};

/** A learner's certificates in one organization, newest first, without their PDFs. */
export function certificatesOf(
  db: Database,
  organizationId: string,
  accountId: string,
): Promise<CertificateSummary[]> {
  return db
    .select(summaryColumns)
    .from(certificates)
    .where(and(eq(certificates.organizationId, organizationId), eq(certificates.accountId, accountId)))
    .orderBy(desc(certificates.issuedAt));
}

/** One of the learner's own certificates with its PDF; null when it is not theirs. */
export async function ownCertificate(
  db: Database,
  organizationId: string,
  accountId: string,
  certificateId: string,
): Promise<Certificate | null> {
  const [row] = await db
    .select()
    .from(certificates)
    .where(
      and(
        eq(certificates.id, certificateId),
        eq(certificates.organizationId, organizationId),
        eq(certificates.accountId, accountId),
      ),
    );
  return row ?? null;
}

/** What the public verification page shows: the certificate's own facts and its issuer, nothing more. */
export interface VerifiedCertificate {
  serial: string;
  organizationName: string;
  learnerName: string;
  activityName: string;
  seriesName: string;
  activityStartsAt: Date;
  activityEndsAt: Date;
  timeZone: string;
  credits: string;
  creditType: string;
  issuedAt: Date;
}

export async function verifyCertificate(db: Database, serial: string): Promise<VerifiedCertificate | null> {
  const [row] = await db
    .select({
      serial: certificates.serial,
      organizationName: organizations.name,
      learnerName: certificates.learnerName,
      activityName: certificates.activityName,
      seriesName: certificates.seriesName,
      activityStartsAt: certificates.activityStartsAt,
      activityEndsAt: certificates.activityEndsAt,
      timeZone: certificates.timeZone,
      credits: certificates.credits,
      creditType: certificates.creditType,
      issuedAt: certificates.issuedAt,
    })
    .from(certificates)
    .innerJoin(organizations, eq(organizations.id, certificates.organizationId))
    .where(eq(certificates.serial, serial));
  return row ?? null;
}

/** The download's name: "certificate-sepsis-update-7KQ2-M9XD-4HTA.pdf". */
export function certificateFileName(certificate: Pick<Certificate, 'activityName' | 'serial'>): string {
  return `certificate-${fileNameSlug(certificate.activityName) || 'activity'}-${formatSerial(certificate.serial)}.pdf`;
}
