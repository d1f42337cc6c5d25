import { type PDFFont, PDFDocument, type PDFPage, rgb } from '@cantoo/pdf-lib';
import { embedFonts } from './pdf-fonts';
import { wrap } from './pdf-text';
import { claimSentences, type FlyerContent } from '../server/flyer';
import { formatSessionTime } from './time';

const PAGE = { width: 612, height: 792 };
const MARGIN = 54;
const INK = rgb(0.11, 0.14, 0.2);
const MUTED = rgb(0.36, 0.39, 0.46);

/** The flyer as a one-page (or, with many faculty, longer) US Letter PDF. */
export async function renderFlyerPdf(content: FlyerContent, qrPng: Uint8Array | null): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${content.title}: ${content.seriesName}`);
  pdf.setAuthor(`${content.organizationName} CME`);
  pdf.setSubject('Continuing medical education session flyer');
  const { regular, bold } = await embedFonts(pdf, content);
  let page: PDFPage = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - MARGIN;
  const width = PAGE.width - 2 * MARGIN;

  const write = (
    text: string,
    options: { size?: number; font?: PDFFont; color?: typeof INK; gap?: number; indent?: number } = {},
  ) => {
    const size = options.size ?? 11;
    const font = options.font ?? regular;
    const indent = options.indent ?? 0;
    for (const line of wrap(font, size, text, width - indent)) {
      if (y - size < MARGIN) {
        page = pdf.addPage([PAGE.width, PAGE.height]);
        y = PAGE.height - MARGIN;
      }
      y -= size * 1.25;
      page.drawText(line, { x: MARGIN + indent, y, size, font, color: options.color ?? INK });
    }
    y -= options.gap ?? 4;
  };

  write(`${content.organizationName} · Continuing Medical Education`, { size: 10, color: MUTED, gap: 10 });
  write(content.title, { size: 24, font: bold, gap: 4 });
  write(content.seriesName, { size: 14, color: MUTED, gap: 12 });
  write(formatSessionTime(content.startsAt, content.endsAt, content.timeZone), { size: 13, font: bold });
  if (content.location) write(content.location, { size: 13 });
  y -= 10;

  write('Faculty and disclosures', { size: 13, font: bold, gap: 6 });
  for (const member of content.faculty) {
    write(member.name, { font: bold, gap: 1 });
    if (member.relationships.length === 0) {
      write('Nothing to disclose.', { indent: 12 });
    } else {
      for (const relationship of member.relationships) write(relationship, { indent: 12, gap: 1 });
      y -= 3;
    }
  }
  write(content.mitigationStatement, { gap: 12 });

  write('Accreditation', { size: 13, font: bold, gap: 4 });
  write(content.accreditationStatement, { gap: 8 });
  write(content.creditDesignationStatement, { gap: 14 });

  write('How to claim credit', { size: 13, font: bold, gap: 6 });
  const qrSize = 120;
  if (qrPng) {
    if (y - qrSize < MARGIN) {
      page = pdf.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - MARGIN;
    }
    const image = await pdf.embedPng(qrPng);
    page.drawImage(image, { x: PAGE.width - MARGIN - qrSize, y: y - qrSize, width: qrSize, height: qrSize });
  }
  // Beside the QR code the lines are narrower; below it (or without one) they take the full width.
  const qrBottom = qrPng ? y - qrSize : y;
  for (const sentence of claimSentences(content)) {
    for (const line of wrap(regular, 11, sentence, qrPng && y > qrBottom ? width - qrSize - 16 : width)) {
      if (y - 11 * 1.35 < MARGIN) {
        page = pdf.addPage([PAGE.width, PAGE.height]);
        y = PAGE.height - MARGIN;
      }
      y -= 11 * 1.35;
      page.drawText(line, { x: MARGIN, y, size: 11, font: regular, color: INK });
    }
    y -= 4;
  }
  return pdf.save();
}
