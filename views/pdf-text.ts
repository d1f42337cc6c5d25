import type { PDFFont } from '@cantoo/pdf-lib';

/** A standard font's characters never change: a certificate run asks for them thousands of times. */
const characterSets = new Map<string, Set<number>>();

function characterSet(font: PDFFont): Set<number> {
  let known = characterSets.get(font.name);
  if (!known) {
    known = new Set(font.getCharacterSet());
    characterSets.set(font.name, known);
  }
  return known;
}

/**
 * Helvetica speaks Windows-1252 only. A name in another script is kept as close as it can be
 * (accents dropped where the letter exists without them), and anything else becomes "?", so a
 * flyer is never refused for a speaker's name.
 */
export function printable(font: PDFFont, text: string): string {
  const known = characterSet(font);
  let out = '';
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) {
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
