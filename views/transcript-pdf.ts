import { type PDFFont, PDFDocument, type PDFPage, rgb } from '@cantoo/pdf-lib';
import { formatSerial } from '../server/certificates';
import type { Transcript } from '../server/transcripts';
import { embedFonts } from './pdf-fonts';
import { printable, wrap } from './pdf-text';
import { formatDate, formatInstant } from './time';

const PAGE = { width: 612, height: 792 };
const MARGIN = 54;
const INK = rgb(0.11, 0.14, 0.2);
const MUTED = rgb(0.36, 0.39, 0.46);
const LINE = rgb(0.8, 0.82, 0.87);

/** Columns of the credit table: date, activity (wrapped), credit type (wrapped), credits. */
const COLUMNS = { date: 0, activity: 92, type: 330, credits: 470 };
const WIDTHS = { activity: 228, type: 132 };

/**
 * The transcript as a US Letter PDF: the learner, the dates, every credit with its activity, date,
 * type and amount, totals per credit type, and external credit listed after, as external.
 */
export async function renderTranscriptPdf(transcript: Transcript, zone: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`CE transcript: ${transcript.learnerName}`);
  pdf.setAuthor(`${transcript.organizationName} CME`);
  pdf.setCreationDate(transcript.generatedAt);
  pdf.setModificationDate(transcript.generatedAt);
  const { regular, bold } = await embedFonts(pdf, transcript);
  let page: PDFPage = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - MARGIN;

  const room = (height: number) => {
    if (y - height < MARGIN) {
      page = pdf.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - MARGIN;
    }
  };
  const line = (text: string, size: number, font: PDFFont = regular, color = INK, gap = 4) => {
    for (const part of wrap(font, size, text, PAGE.width - 2 * MARGIN)) {
      room(size * 1.3);
      y -= size * 1.3;
      page.drawText(part, { x: MARGIN, y, size, font, color });
    }
    y -= gap;
  };
  const rule = () => {
    page.drawLine({
      start: { x: MARGIN, y: y - 3 },
      end: { x: PAGE.width - MARGIN, y: y - 3 },
      thickness: 0.5,
      color: LINE,
    });
    y -= 8;
  };
  /** One row of the table; wrapped cells push the next row down. */
  const row = (cells: { date: string; activity: string; type: string; credits: string }, font = regular) => {
    const size = 9.5;
    const activity = wrap(font, size, cells.activity, WIDTHS.activity);
    const type = wrap(font, size, cells.type, WIDTHS.type);
    const lines = Math.max(activity.length, type.length, 1);
    room(lines * size * 1.3 + 8);
    const top = y - size * 1.3;
    page.drawText(printable(font, cells.date), { x: MARGIN + COLUMNS.date, y: top, size, font, color: INK });
    activity.forEach((text, i) => {
      page.drawText(text, { x: MARGIN + COLUMNS.activity, y: top - i * size * 1.3, size, font, color: INK });
    });
    type.forEach((text, i) => {
      page.drawText(text, { x: MARGIN + COLUMNS.type, y: top - i * size * 1.3, size, font, color: INK });
    });
    const credits = printable(font, cells.credits);
    page.drawText(credits, {
      x: PAGE.width - MARGIN - font.widthOfTextAtSize(credits, size),
      y: top,
      size,
      font,
      color: INK,
    });
    y -= lines * size * 1.3;
    rule();
  };

  line(`${transcript.organizationName} · Continuing Medical Education`, 10, regular, MUTED, 6);
  line('CE Transcript', 22, bold, INK, 6);
  line(transcript.learnerName, 14, bold, INK, 2);
  line(`${formatDate(transcript.from)} to ${formatDate(transcript.to)}`, 11, regular, INK, 2);
  line(`Generated ${formatInstant(transcript.generatedAt, zone)}`, 9, regular, MUTED, 12);

  const header = { date: 'Date', activity: 'Activity', type: 'Credit type', credits: 'Credits' };
  if (transcript.entries.length === 0) {
    line('No credit on record for these dates.', 11, regular, MUTED, 10);
  } else {
    row(header, bold);
    for (const entry of transcript.entries) {
      row({
        date: formatDate(entry.date).replace(/^\w+, /, ''),
        activity: `${entry.activity} (${entry.seriesName})${entry.certificateSerial ? ` · certificate ${formatSerial(entry.certificateSerial)}` : ''}`,
        type: entry.creditType,
        credits: entry.credits,
      });
    }
  }

  if (transcript.external.length > 0) {
    y -= 8;
    line('External credit', 13, bold, INK, 2);
    line(
      'Completed elsewhere and added to this transcript by the learner or the CME office.',
      9,
      regular,
      MUTED,
      6,
    );
    row(header, bold);
    for (const credit of transcript.external) {
      row({
        date: formatDate(credit.completedOn).replace(/^\w+, /, ''),
        activity: `${credit.title} (${credit.provider})`,
        type: credit.creditType,
        credits: credit.credits,
      });
    }
  }

  y -= 8;
  line('Totals', 13, bold, INK, 4);
  if (transcript.totals.length === 0) line('None.', 10, regular, MUTED);
  for (const total of transcript.totals) {
    const external = Number(total.external) > 0 ? ` (and ${total.external} external)` : '';
    line(`${total.creditType}: ${total.credits}${external}`, 10.5);
  }
  return pdf.save({ useObjectStreams: false });
}
