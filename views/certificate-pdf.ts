import {
  type PDFFont,
  PDFDocument,
  PDFOperator,
  type PDFOperatorNames,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
} from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { embedFonts } from './pdf-fonts';
import { printable, wrap } from './pdf-text';
import { formatInstant, formatSessionTime } from './time';

export interface CertificateContent {
  organizationName: string;
  /** "Ann Lee, MD". */
  learnerName: string;
  activityName: string;
  seriesName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** "1.00". */
  credits: string;
  creditType: string;
  creditDesignationStatement: string;
  accreditationStatement: string;
  /** Printed under the signature line; empty leaves the office's name. */
  signer: string;
  /** As printed: "7KQ2-M9XD-4HTA". */
  serial: string;
  issuedAt: Date;
  verificationUrl: string;
}

// US Letter, landscape.
const PAGE = { width: 792, height: 612 };
const INK = rgb(0.11, 0.14, 0.2);
const MUTED = rgb(0.36, 0.39, 0.46);
const ACCENT = rgb(0.1, 0.28, 0.55);

/**
 * The certificate as a one-page landscape PDF: who earned what credit for which activity, in the
 * organization's own statements, signed, numbered, and with the link and QR code that verify it.
 * The QR code is drawn as squares, so it stays sharp and costs no image.
 */
export async function renderCertificatePdf(content: CertificateContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Certificate: ${content.activityName}`);
  pdf.setAuthor(`${content.organizationName} CME`);
  pdf.setSubject(`Certificate ${content.serial}`);
  pdf.setCreationDate(content.issuedAt);
  pdf.setModificationDate(content.issuedAt);
  const { regular, bold, italic } = await embedFonts(pdf, content, { italic: true });
  const page = pdf.addPage([PAGE.width, PAGE.height]);

  page.drawRectangle({
    x: 24,
    y: 24,
    width: PAGE.width - 48,
    height: PAGE.height - 48,
    borderColor: ACCENT,
    borderWidth: 3,
  });
  page.drawRectangle({
    x: 32,
    y: 32,
    width: PAGE.width - 64,
    height: PAGE.height - 64,
    borderColor: ACCENT,
    borderWidth: 0.75,
  });

  let y = PAGE.height - 84;
  const centred = (text: string, size: number, font: PDFFont, color = INK, gap = 6) => {
    for (const line of wrap(font, size, text, PAGE.width - 160)) {
      const width = font.widthOfTextAtSize(line, size);
      page.drawText(line, { x: (PAGE.width - width) / 2, y, size, font, color });
      y -= size * 1.2;
    }
    y -= gap;
  };

  centred(content.organizationName, 14, bold, ACCENT, 2);
  centred('Continuing Medical Education', 11, regular, MUTED, 18);
  centred('Certificate of Credit', 30, bold, INK, 14);
  centred('This certifies that', 12, italic, MUTED, 6);
  centred(content.learnerName, 26, bold, INK, 10);
  centred('participated in the live activity', 12, italic, MUTED, 6);
  centred(content.activityName, 18, bold, INK, 2);
  centred(content.seriesName, 12, regular, MUTED, 2);
  centred(formatSessionTime(content.startsAt, content.endsAt, content.timeZone), 12, regular, INK, 10);
  centred(`and is awarded ${content.credits} ${content.creditType}.`, 14, bold, INK, 10);
  if (content.creditDesignationStatement) centred(content.creditDesignationStatement, 8.5, regular, MUTED, 3);
  if (content.accreditationStatement) centred(content.accreditationStatement, 8.5, regular, MUTED, 3);

  drawSignature(page, regular, content);
  drawVerification(page, regular, bold, content);
  return pdf.save({ useObjectStreams: false });
}

function drawSignature(page: PDFPage, font: PDFFont, content: CertificateContent) {
  const left = 72;
  const lineY = 108;
  page.drawLine({
    start: { x: left, y: lineY },
    end: { x: left + 230, y: lineY },
    thickness: 0.75,
    color: INK,
  });
  const signer = printable(font, content.signer || `${content.organizationName}, Office of CME`);
  page.drawText(signer.slice(0, 70), { x: left, y: lineY - 14, size: 9.5, font, color: INK });
  page.drawText(`Issued ${formatInstant(content.issuedAt, content.timeZone)}`, {
    x: left,
    y: lineY - 28,
    size: 8.5,
    font,
    color: MUTED,
  });
}

function drawVerification(page: PDFPage, regular: PDFFont, bold: PDFFont, content: CertificateContent) {
  const size = 76;
  const right = PAGE.width - 72;
  const qr = QRCode.create(content.verificationUrl, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const cell = size / count;
  const x0 = right - size;
  const y0 = 62;
  // One rectangle per run of dark modules in a row, written as one run of raw path operators
  // ("x y w h re" each, then one fill): pdf-lib's drawRectangle per run cost 12 ms a certificate,
  // most of a whole session's certificates' time.
  const path: string[] = [];
  const n = (value: number) => value.toFixed(2);
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.modules.get(row, col)) col++;
      path.push(
        `${n(x0 + start * cell)} ${n(y0 + (count - 1 - row) * cell)} ${n((col - start) * cell)} ${n(cell)} re`,
      );
    }
  }
  page.pushOperators(
    pushGraphicsState(),
    setFillingRgbColor(0.11, 0.14, 0.2),
    PDFOperator.of(`${path.join('\n')}\nf` as PDFOperatorNames),
    popGraphicsState(),
  );
  const textRight = x0 - 12;
  const lines: [string, PDFFont, number][] = [
    [`Certificate ${content.serial}`, bold, 10],
    ['Verify at', regular, 8.5],
    [content.verificationUrl, regular, 8.5],
  ];
  let y = y0 + size - 20;
  for (const [text, font, fontSize] of lines) {
    const line = printable(font, text);
    page.drawText(line, {
      x: textRight - font.widthOfTextAtSize(line, fontSize),
      y,
      size: fontSize,
      font,
      color: INK,
    });
    y -= fontSize * 1.5;
  }
}
