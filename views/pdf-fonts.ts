import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit, { type Font, type FontCollection } from '@cantoo/fontkit';
import { type PDFDocument, type PDFFont, StandardFonts } from '@cantoo/pdf-lib';

export interface PdfFonts {
  regular: PDFFont;
  bold: PDFFont;
}

/**
 * Helvetica, built into every PDF reader, prints Windows-1252 only: not "Nguyễn", "Łukasz",
 * "Yılmaz" or "Иванова". A document whose words need more is set in DejaVu Sans, embedded and
 * cut down to the characters it prints; the rest, the great majority, stay on Helvetica, which
 * embeds nothing and keeps a session's thousand certificates fast.
 */
export async function embedFonts(pdf: PDFDocument, content: unknown): Promise<PdfFonts>;
/** With an italic too, embedded only for the documents that print one. */
export async function embedFonts(
  pdf: PDFDocument,
  content: unknown,
  styles: { italic: true },
): Promise<PdfFonts & { italic: PDFFont }>;
export async function embedFonts(
  pdf: PDFDocument,
  content: unknown,
  styles?: { italic: true },
): Promise<PdfFonts & { italic?: PDFFont }> {
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const helvetica = characterSet(regular);
  // Every string the document's content holds, names and statements alike, as JSON writes them.
  const words = JSON.stringify(content).normalize('NFC');
  const needsMore = [...words].some((ch) => !helvetica.has(ch.codePointAt(0) ?? 0));
  if (!needsMore) {
    return {
      regular,
      bold: await pdf.embedFont(StandardFonts.HelveticaBold),
      ...(styles?.italic && { italic: await pdf.embedFont(StandardFonts.HelveticaOblique) }),
    };
  }
  pdf.registerFontkit(parsedOnce);
  return {
    regular: await pdf.embedFont(dejaVu('DejaVuSans.ttf'), { subset: true }),
    bold: await pdf.embedFont(dejaVu('DejaVuSans-Bold.ttf'), { subset: true }),
    ...(styles?.italic && {
      italic: await pdf.embedFont(dejaVu('DejaVuSans-Oblique.ttf'), { subset: true }),
    }),
  };
}

type ParsedFont = Font | FontCollection;

/**
 * fontkit, parsing each font file once, so certificates share one parse; each document cuts its
 * own subset. The one thing a document leaves behind in a parsed font is its cache of glyphs, each
 * with the characters it was first asked for, and the PDF's text (what is copied, searched, read
 * aloud) is written from those: a glyph first met as part of an accented letter would have none.
 * So every glyph is met first through its character. Laying out a line (shaping through the
 * font's substitution and positioning tables) cost as much again as the parse, and a session's
 * certificates repeat the same lines: the font remembers them.
 */
const parsedFonts = new Map<Uint8Array, ParsedFont>();
const parsedOnce = {
  create(bytes: Uint8Array) {
    let parsed = parsedFonts.get(bytes);
    if (!parsed) {
      parsed = rememberingLayouts(glyphsByCharacter(fontkit.create(bytes)));
      parsedFonts.set(bytes, parsed);
    }
    return parsed;
  },
};

/** Lines laid out per font kept: a session's statements and names, and then some. */
const LAYOUTS_KEPT = 2_000;

function glyphsByCharacter(parsed: ParsedFont): ParsedFont {
  if (!('glyphForCodePoint' in parsed)) return parsed;
  for (const code of parsed.characterSet) parsed.glyphForCodePoint(code);
  return parsed;
}

function rememberingLayouts(parsed: ParsedFont): ParsedFont {
  if (!('layout' in parsed)) return parsed;
  const layout = parsed.layout.bind(parsed);
  const known = new Map<string, ReturnType<typeof layout>>();
  parsed.layout = (text, features, ...rest) => {
    if (typeof text !== 'string' || rest.length > 0) return layout(text, features, ...rest);
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let run = known.get(key);
    if (!run) {
      run = layout(text, features);
      if (known.size >= LAYOUTS_KEPT) known.delete(known.keys().next().value ?? '');
      known.set(key, run);
    }
    return run;
  };
  return parsed;
}

const fontFiles = new Map<string, Uint8Array>();
const fontPackage = createRequire(import.meta.url);

function dejaVu(file: string): Uint8Array {
  let bytes = fontFiles.get(file);
  if (!bytes) {
    bytes = readFileSync(fontPackage.resolve(`dejavu-fonts-ttf/ttf/${file}`));
    fontFiles.set(file, bytes);
  }
  return bytes;
}

/**
 * Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, and Arabic's presentation forms):
 * DejaVu has their letters, but drawing them one by one, left to right and unjoined, would print
 * a name its owner could not read. They are treated as characters the font lacks.
 */
function rightToLeft(code: number): boolean {
  return (
    (code >= 0x0590 && code <= 0x08ff) ||
    (code >= 0xfb1d && code <= 0xfdff) ||
    (code >= 0xfe70 && code <= 0xfeff)
  );
}

/** A font's characters never change: a certificate run asks for them thousands of times. */
const characterSets = new Map<string, Set<number>>();

/** The characters a font prints, by its name (Helvetica, DejaVuSans-Bold, …). */
export function characterSet(font: PDFFont): Set<number> {
  let known = characterSets.get(font.name);
  if (!known) {
    known = new Set(font.getCharacterSet().filter((code) => !rightToLeft(code)));
    characterSets.set(font.name, known);
  }
  return known;
}
