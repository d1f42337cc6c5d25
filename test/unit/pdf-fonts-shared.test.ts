import { expect, test } from 'vitest';
import { renderCertificatePdf } from '../../views/certificate-pdf';
import { pdfText } from '../support/pdf';

// Its own file, so the fonts are parsed fresh: the first certificate is the first to use them.
test('a letter one certificate drew only as part of another still reads as itself on the next', async () => {
  const content = {
    organizationName: 'Riverside Health',
    activityName: 'Sepsis update',
    seriesName: 'Medicine Grand Rounds',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:00:00Z'),
    timeZone: 'America/New_York',
    credits: '1.00',
    creditType: 'AMA PRA Category 1 Credit™',
    creditDesignationStatement: 'Riverside Health designates this live activity for 1.0 credit.',
    accreditationStatement: 'Riverside Health is accredited by the ACCME.',
    signer: 'Jane Roe, MD',
    serial: '7KQ2-M9XD-4HTA',
    issuedAt: new Date('2026-03-04T14:00:00Z'),
    verificationUrl: 'https://cme.example.org/verify/7KQ2-M9XD-4HTA',
  };
  // In DejaVu Sans, í, ǐ and ĩ are drawn from the dotless ı and an accent, ễ from e and two accents.
  const first = await renderCertificatePdf({ ...content, learnerName: 'Đinh Ǐĩ Díaz, MD' });
  expect(await pdfText(first)).toContain('Đinh Ǐĩ Díaz, MD');
  const second = await renderCertificatePdf({ ...content, learnerName: 'Ayşe Yılmaz, MD' });
  expect(await pdfText(second)).toContain('Ayşe Yılmaz, MD');
});
