import type { PDFFont } from '@cantoo/pdf-lib';
import { characterSet } from './pdf-fonts';

/**
 * The text as the font can print it. Letters the font lacks are kept as close as they can be
 * (accents dropped where the letter exists without them), and anything else becomes "?", so a
 * flyer is never refused for a speaker's name. (`embedFonts` chooses a font that lacks nothing
 * for most names.)
 */
export function printable(font: PDFFont, text: string): string {
  const known = characterSet(font);
  let out = '';
  for (const ch of text.normalize('NFC').replace(/[\r\n\t]+/g, ' ')) {
    const code = ch.codePointAt(0) ?? 63;
    if (known.has(code)) {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    out += [...base].every((c) => known.has(c.codePointAt(0) ?? 0)) && base !== '' ? base : '?';
  }
  return out;
}

/**
 * The same statements are wrapped on every certificate of a session (the organization's
 * accreditation wording, the activity's name): wrapped once, then remembered, a few hundred at most.
 */
const wrapped = new Map<string, string[]>();
const WRAPPED_KEPT = 500;

/**
 * Lines of at most `width` points. Words are measured one by one and added up with the spaces
 * between them (kerning never crosses a space), so a long statement costs one pass, not one
 * measurement of the growing line per word.
 */
export function wrap(font: PDFFont, size: number, text: string, width: number): readonly string[] {
  const key = `${font.name}\u0000${size}\u0000${width}\u0000${text}`;
  const known = wrapped.get(key);
  if (known) return known;
  const lines: string[] = [];
  const space = font.widthOfTextAtSize(' ', size);
  let line = '';
  let lineWidth = 0;
  for (const word of printable(font, text).split(/\s+/).filter(Boolean)) {
    const wordWidth = font.widthOfTextAtSize(word, size);
    if (line === '' || lineWidth + space + wordWidth <= width) {
      line = line ? `${line} ${word}` : word;
      lineWidth = line === word ? wordWidth : lineWidth + space + wordWidth;
    } else {
      lines.push(line);
      line = word;
      lineWidth = wordWidth;
    }
  }
  if (line) lines.push(line);
  if (wrapped.size >= WRAPPED_KEPT) wrapped.delete(wrapped.keys().next().value ?? '');
  wrapped.set(key, lines);
  return lines;
}
