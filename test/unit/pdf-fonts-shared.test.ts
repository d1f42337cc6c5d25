import { expect, test } from 'vitest';
import { renderCertificatePdf } from '../../views/certificate-pdf';
import { certificateContent } from '../support/certificate';
import { pdfText } from '../support/pdf';

// Its own file, so the fonts are parsed fresh: the first certificate is the first to use them.
test('a letter one certificate drew only as part of another still reads as itself on the next', async () => {
  // In DejaVu Sans, í, ǐ and ĩ are drawn from the dotless ı and an accent, ễ from e and two accents.
  const first = await renderCertificatePdf(certificateContent({ learnerName: 'Đinh Ǐĩ Díaz, MD' }));
  expect(await pdfText(first)).toContain('Đinh Ǐĩ Díaz, MD');
  const second = await renderCertificatePdf(certificateContent({ learnerName: 'Ayşe Yılmaz, MD' }));
  expect(await pdfText(second)).toContain('Ayşe Yılmaz, MD');
});
