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

export function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of printable(font, text).split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || line === '') {
      line = candidate;
    } else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
