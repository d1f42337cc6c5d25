import { Document, HeadingLevel, ImageRun, Packer, Paragraph, TextRun } from 'docx';
import { claimSentences, type FlyerContent } from '../server/flyer';
import { formatSessionTime } from './time';

/** The flyer as a Word document, for offices that add their own letterhead before printing. */
export async function renderFlyerDocx(content: FlyerContent, qrPng: Uint8Array | null): Promise<Buffer> {
  const faculty = content.faculty.flatMap((member) => [
    new Paragraph({ children: [new TextRun({ text: member.name, bold: true })] }),
    ...(member.relationships.length === 0
      ? [new Paragraph({ text: 'Nothing to disclose.', indent: { left: 360 } })]
      : member.relationships.map(
          (relationship) => new Paragraph({ text: relationship, indent: { left: 360 } }),
        )),
  ]);
  const document = new Document({
    creator: `${content.organizationName} CME`,
    title: `${content.title}: ${content.seriesName}`,
    sections: [
      {
        children: [
          new Paragraph({
            children: [
              new TextRun({
                text: `${content.organizationName} · Continuing Medical Education`,
                color: '5B6476',
              }),
            ],
          }),
          new Paragraph({ text: content.title, heading: HeadingLevel.TITLE }),
          new Paragraph({ text: content.seriesName, heading: HeadingLevel.HEADING_2 }),
          new Paragraph({
            children: [
              new TextRun({
                text: formatSessionTime(content.startsAt, content.endsAt, content.timeZone),
                bold: true,
              }),
            ],
          }),
          ...(content.location ? [new Paragraph({ text: content.location })] : []),
          new Paragraph({ text: 'Faculty and disclosures', heading: HeadingLevel.HEADING_2 }),
          ...faculty,
          new Paragraph({ text: content.mitigationStatement }),
          new Paragraph({ text: 'Accreditation', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: content.accreditationStatement }),
          new Paragraph({ text: content.creditDesignationStatement }),
          new Paragraph({ text: 'How to claim credit', heading: HeadingLevel.HEADING_2 }),
          ...claimSentences(content).map((sentence) => new Paragraph({ text: sentence })),
          ...(qrPng
            ? [
                new Paragraph({
                  children: [
                    new ImageRun({
                      type: 'png',
                      data: qrPng,
                      transformation: { width: 140, height: 140 },
                      altText: {
                        title: 'QR code',
                        description: `Opens ${content.claim.qrUrl}`,
                        name: 'QR code',
                      },
                    }),
                  ],
                }),
              ]
            : []),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
