import { expect, test } from 'vitest';
import { renderCertificatePdf } from '../../views/certificate-pdf';
import { renderFlyerPdf } from '../../views/flyer-pdf';
import { renderTranscriptPdf } from '../../views/transcript-pdf';
import { certificateContent } from '../support/certificate';
import { pdfText } from '../support/pdf';

const embedsAFont = (pdf: Uint8Array) => Buffer.from(pdf).includes('/FontFile2');

test('a certificate prints Vietnamese, Polish, Turkish and Cyrillic names as written', async () => {
  const pdf = await renderCertificatePdf(
    certificateContent({
      learnerName: 'Nguyễn Thị Minh Khai, MD',
      activityName: 'Zespół Łukasza and the Yılmaz criteria',
      seriesName: 'Кардиология',
      signer: 'Şükrü Çelik, MD',
    }),
  );
  const text = await pdfText(pdf);
  expect(text).toContain('Nguyễn Thị Minh Khai, MD');
  expect(text).toContain('Zespół Łukasza and the Yılmaz criteria');
  expect(text).toContain('Кардиология');
  expect(text).toContain('Şükrü Çelik, MD');
  expect(text).toContain('AMA PRA Category 1 Credit™');
  expect(embedsAFont(pdf)).toBe(true);
});

test('a certificate whose words Helvetica prints embeds no font, and keeps its accents', async () => {
  const pdf = await renderCertificatePdf(certificateContent({ learnerName: 'José Núñez-Müller, DO' }));
  expect(await pdfText(pdf)).toContain('José Núñez-Müller, DO');
  expect(embedsAFont(pdf)).toBe(false);
});

test('a name in a right-to-left script is not drawn backwards: it is marked, and the rest is intact', async () => {
  const pdf = await renderCertificatePdf(certificateContent({ learnerName: 'Ann Lee (אנה), MD' }));
  const text = await pdfText(pdf);
  expect(text).toContain('Ann Lee (???), MD');
  expect(text).toContain('Sepsis update');
});

test('a transcript and a flyer print the same names as written', async () => {
  const transcript = await renderTranscriptPdf(
    {
      organizationName: 'Riverside Health',
      learnerName: 'Ольга Иванова, MD',
      from: '2026-01-01',
      to: '2026-12-31',
      entries: [
        {
          date: '2026-03-03',
          startsAt: new Date('2026-03-03T17:00:00Z'),
          endsAt: new Date('2026-03-03T18:00:00Z'),
          timeZone: 'America/New_York',
          activity: 'Đái tháo đường: an update',
          seriesName: 'Medicine Grand Rounds',
          creditType: 'AMA PRA Category 1 Credit™',
          credits: '1.00',
          certificateSerial: null,
        },
      ],
      external: [],
      totals: [{ creditType: 'AMA PRA Category 1 Credit™', credits: '1.00', external: '0.00' }],
      generatedAt: new Date('2026-12-03T12:00:00Z'),
    },
    'America/New_York',
  );
  const transcriptText = await pdfText(transcript);
  expect(transcriptText).toContain('Ольга Иванова, MD');
  expect(transcriptText).toContain('Đái tháo đường: an update');

  const flyer = await renderFlyerPdf(
    {
      organizationName: 'Riverside Health',
      title: 'Heart failure in 2026',
      seriesName: 'Medicine Grand Rounds',
      startsAt: new Date('2026-03-03T17:00:00Z'),
      endsAt: new Date('2026-03-03T18:00:00Z'),
      timeZone: 'America/New_York',
      location: 'Auditorium B',
      credits: '1.00',
      faculty: [{ name: 'Małgorzata Wiśniewska, MD', relationships: [] }],
      mitigationStatement: 'All relevant financial relationships have been mitigated.',
      accreditationStatement: 'Riverside Health is accredited by the ACCME.',
      creditDesignationStatement: 'Riverside Health designates this live activity for 1.0 credit.',
      claim: {
        code: 'HEART',
        eventId: 12345,
        smsNumber: null,
        claimUrl: 'https://cme.example.org/claim',
        qrUrl: 'https://cme.example.org/claim?code=HEART',
        rotating: false,
      },
    },
    null,
  );
  expect(await pdfText(flyer)).toContain('Małgorzata Wiśniewska, MD');
});
