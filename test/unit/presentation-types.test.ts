import { readFile } from 'node:fs/promises';
import { PDFDocument } from '@cantoo/pdf-lib';
import { describe, expect, test } from 'vitest';
import {
  attachmentDisposition,
  downloadName,
  fileNameWithin,
  presentationKind,
} from '../../server/presentation-types';

const fixture = async (name: string) =>
  new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));

/** An OLE compound file as Office 97–2003 writes it: the signature, then UTF-16 stream names in its directory. */
function compoundFile(streamName: string): Uint8Array {
  const bytes = new Uint8Array(2048);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const name = `Root Entry\0${streamName}`;
  for (let i = 0; i < name.length; i++) bytes[1024 + i * 2] = name.charCodeAt(i);
  return bytes;
}

describe('what an uploaded presentation is, by its content', () => {
  test('a PDF made by pdf-lib, PowerPoint and Word files, and an OpenDocument presentation are recognised', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText('Stroke code pathway');
    expect(presentationKind(await pdf.save())).toBe('pdf');
    expect(presentationKind(await fixture('stewardship.pptx'))).toBe('pptx');
    expect(presentationKind(await fixture('case-notes.docx'))).toBe('docx');
    expect(presentationKind(await fixture('outline.odp'))).toBe('odp');
    // A slide show declares its main part as such in a compressed [Content_Types].xml.
    expect(presentationKind(await fixture('stewardship-show.ppsx'))).toBe('ppsx');
    expect(presentationKind(compoundFile('PowerPoint Document'))).toBe('ppt');
    expect(presentationKind(compoundFile('WordDocument'))).toBe('doc');
  });

  test('a web page, a program, an ordinary ZIP and a cut-off PowerPoint file are refused whatever they are called', async () => {
    const text = new TextEncoder();
    expect(presentationKind(text.encode('<!doctype html><script>alert(1)</script>'))).toBeNull();
    expect(presentationKind(new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]))).toBeNull();
    expect(presentationKind(await fixture('photos.zip'))).toBeNull();
    const pptx = await fixture('stewardship.pptx');
    expect(presentationKind(pptx.subarray(0, pptx.length - 200))).toBeNull();
    expect(presentationKind(compoundFile('Workbook'))).toBeNull();
    // Macro-enabled decks are not kept: served as .pptx, PowerPoint would refuse to open them.
    expect(presentationKind(await fixture('stewardship-macros.pptm'))).toBeNull();
    expect(presentationKind(new Uint8Array())).toBeNull();
  });

  test('a download keeps the uploader’s name with the extension its content has, and is safe in a header', () => {
    expect(downloadName('Grand Rounds – Okafor.pptx', 'pptx')).toBe('Grand Rounds – Okafor.pptx');
    expect(downloadName('slides.html', 'pdf')).toBe('slides.pdf');
    expect(downloadName('C:\\Users\\me\\"deck".ppt', 'ppt')).toBe('deck.ppt');
    expect(downloadName('...', 'pdf')).toBe('presentation.pdf');
    const disposition = attachmentDisposition('Grand Rounds – Okafor.pptx');
    expect(disposition).toBe(
      `attachment; filename="Grand Rounds _ Okafor.pptx"; filename*=UTF-8''Grand%20Rounds%20%E2%80%93%20Okafor.pptx`,
    );
    expect(attachmentDisposition('a"b\r\n.pdf')).not.toMatch(/[\r\n]/);
    expect(attachmentDisposition("Case (1) O'Neil.pdf")).toContain(
      "filename*=UTF-8''Case%20%281%29%20O%27Neil.pdf",
    );
  });

  test('a long name is cut between characters, never inside one, and a broken one still downloads', () => {
    const long = `${'a'.repeat(119)}🫀 pathway.pdf`;
    expect(downloadName(long, 'pdf')).toBe(`${'a'.repeat(119)}🫀.pdf`);
    expect(fileNameWithin('😀😀😀', 2)).toBe('😀😀');
    const broken = `slides\uD83D.pdf`;
    expect(() => attachmentDisposition(downloadName(broken, 'pdf'))).not.toThrow();
    expect(downloadName(broken, 'pdf')).toBe('slides\uFFFD.pdf');
  });
});
