import type { CertificateContent } from '../../views/certificate-pdf';

/** A certificate as the lifecycle would print it for Ann Lee at Riverside Health, with changes. */
export function certificateContent(changes: Partial<CertificateContent> = {}): CertificateContent {
  return {
    organizationName: 'Riverside Health',
    learnerName: 'Ann Lee, MD',
    activityName: 'Sepsis update',
    seriesName: 'Medicine Grand Rounds',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:00:00Z'),
    timeZone: 'America/New_York',
    credits: '1.00',
    creditType: 'AMA PRA Category 1 Credit™',
    creditDesignationStatement:
      'Riverside Health designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™.',
    accreditationStatement: 'Riverside Health is accredited by the ACCME.',
    signer: 'Jane Roe, MD',
    serial: '7KQ2-M9XD-4HTA',
    issuedAt: new Date('2026-03-04T14:00:00Z'),
    verificationUrl: 'https://cme.example.org/verify/7KQ2-M9XD-4HTA',
    ...changes,
  };
}
