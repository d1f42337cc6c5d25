import { inflateRawSync } from 'node:zlib';
/**
 * What a presentation file is, judged by its bytes and never by its name or the browser's word:
 * a file called slides.pptx that is really an HTML page or a program is refused. A download then
 * carries the type found here and an extension that agrees with it.
 */

import type { PresentationKind } from '../db/schema';

export const PRESENTATION_KINDS: Record<
  PresentationKind,
  { label: string; extension: string; contentType: string }
> = {
  pdf: { label: 'PDF', extension: 'pdf', contentType: 'application/pdf' },
  pptx: {
    label: 'PowerPoint',
    extension: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  },
  ppsx: {
    label: 'PowerPoint show',
    extension: 'ppsx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  },
  docx: {
    label: 'Word',
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  odp: {
    label: 'OpenDocument presentation',
    extension: 'odp',
    contentType: 'application/vnd.oasis.opendocument.presentation',
  },
  key: { label: 'Keynote', extension: 'key', contentType: 'application/vnd.apple.keynote' },
  /** PowerPoint 97–2003 (.ppt) and Word 97–2003 (.doc) share one container; told apart by its streams. */
  ppt: { label: 'PowerPoint 97–2003', extension: 'ppt', contentType: 'application/vnd.ms-powerpoint' },
  doc: { label: 'Word 97–2003', extension: 'doc', contentType: 'application/msword' },
};

/** For the upload form's hint and its file picker. */
export const ACCEPTED_DESCRIPTION =
  'PDF, PowerPoint (.pptx, .ppsx, .ppt), Keynote, OpenDocument (.odp) or Word';
export const ACCEPTED_EXTENSIONS = Object.values(PRESENTATION_KINDS)
  .map((kind) => `.${kind.extension}`)
  .join(',');

/** The kind of presentation these bytes are, or null when they are none of them. */
export function presentationKind(bytes: Uint8Array): PresentationKind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipKind(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return compoundKind(bytes);
  return null;
}

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

/** The main part of an Office Open XML file, as its [Content_Types].xml declares it. */
const OOXML_MAIN: Record<string, PresentationKind> = {
  'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml': 'pptx',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml': 'ppsx',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml': 'docx',
};

/**
 * Office Open XML, OpenDocument and Keynote files are ZIP archives; their entries say which.
 * Macro-enabled and template Office files (.pptm, .potx, .docm…) declare other main parts and are
 * refused: served under a deck's name, Office would not open them.
 */
function zipKind(bytes: Uint8Array): PresentationKind | null {
  const entries = zipEntries(bytes);
  if (!entries) return null;
  const types = entries.get('[Content_Types].xml');
  if (types) {
    const declared = entryText(bytes, types);
    if (declared === null) return null;
    for (const part of ['/ppt/presentation.xml', '/word/document.xml']) {
      const type = overrideType(declared, part);
      if (type) return OOXML_MAIN[type] ?? null;
    }
    return null;
  }
  const mimetype = entries.get('mimetype');
  if (mimetype) {
    return entryText(bytes, mimetype)?.trim() === PRESENTATION_KINDS.odp.contentType ? 'odp' : null;
  }
  if (entries.has('Index/Document.iwa') || entries.has('Index.zip')) return 'key';
  return null;
}

/** The ContentType an Override element gives a part, whatever the attributes' order. */
function overrideType(declared: string, part: string): string | null {
  for (const match of declared.matchAll(/<Override\b[^>]*>/g)) {
    const element = match[0];
    if (/PartName="([^"]*)"/.exec(element)?.[1] !== part) continue;
    return /ContentType="([^"]*)"/.exec(element)?.[1] ?? null;
  }
  return null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}
function readU32(bytes: Uint8Array, at: number): number {
  return (readU16(bytes, at) | (readU16(bytes, at + 2) << 16)) >>> 0;
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  localHeaderAt: number;
}

/**
 * The entries of a ZIP archive's central directory, found through the end-of-central-directory
 * record in the last 64 KiB; null when the archive is not well formed.
 */
function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> | null {
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let at = bytes.length - 22; at >= floor; at--) {
    if (readU32(bytes, at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return null;
  const count = readU16(bytes, end + 10);
  let at = readU32(bytes, end + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || readU32(bytes, at) !== 0x02014b50) return null;
    const nameLength = readU16(bytes, at + 28);
    const extraLength = readU16(bytes, at + 30);
    const commentLength = readU16(bytes, at + 32);
    if (at + 46 + nameLength > bytes.length) return null;
    entries.set(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)), {
      method: readU16(bytes, at + 10),
      compressedSize: readU32(bytes, at + 20),
      localHeaderAt: readU32(bytes, at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A small entry's text (stored or deflated), at most 1 MiB of it; null when it cannot be read. */
function entryText(bytes: Uint8Array, entry: ZipEntry): string | null {
  const at = entry.localHeaderAt;
  if (at + 30 > bytes.length || readU32(bytes, at) !== 0x04034b50) return null;
  const dataAt = at + 30 + readU16(bytes, at + 26) + readU16(bytes, at + 28);
  if (dataAt + entry.compressedSize > bytes.length) return null;
  const data = bytes.subarray(dataAt, dataAt + entry.compressedSize);
  try {
    if (entry.method === 0) return decoder.decode(data.subarray(0, MAX_ENTRY_BYTES));
    if (entry.method === 8) return decoder.decode(inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES }));
  } catch {
    // Corrupt, or larger than any real declaration: not a file we keep.
  }
  return null;
}

const MAX_ENTRY_BYTES = 1024 * 1024;

/**
 * PowerPoint 97–2003 and Word 97–2003 files are OLE compound files. Their directory entries name
 * streams in UTF-16: "PowerPoint Document" or "WordDocument". The directory is not parsed (sector
 * chains); its names are found where they stand, which is all telling the two apart needs.
 */
function compoundKind(bytes: Uint8Array): PresentationKind | null {
  // An embedded object (a slide in a Word file, say) names its own streams too, further on: the
  // file's own main stream is the one its directory lists first.
  const slides = indexOfUtf16(bytes, 'PowerPoint Document');
  const words = indexOfUtf16(bytes, 'WordDocument');
  if (slides < 0 && words < 0) return null;
  if (words < 0) return 'ppt';
  if (slides < 0) return 'doc';
  return slides < words ? 'ppt' : 'doc';
}

function indexOfUtf16(bytes: Uint8Array, text: string): number {
  const needle = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) needle[i * 2] = text.charCodeAt(i);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle);
}

/**
 * A download name that is safe in a header and on any disk, ends with the extension the content
 * has, and keeps the uploader's name where it can.
 */
export function downloadName(uploaded: string, kind: PresentationKind): string {
  const extension = PRESENTATION_KINDS[kind].extension;
  const base = fileNameWithin(
    uploaded
      .replace(/^.*[\\/]/, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
      .replace(/\.[A-Za-z0-9]{1,5}$/, '')
      // A name of dots alone (or a leading dot) would be hidden or meaningless on disk.
      .replace(/^[.\s]+|[.\s]+$/g, ''),
    120,
  );
  return `${base || 'presentation'}.${extension}`;
}

/**
 * Words as a file name's part that any disk and mail client keeps: "Sepsis update, part 2" →
 * "sepsis-update-part-2" (accents dropped, anything else a dash), at most `max` characters.
 */
export function fileNameSlug(words: string, max = 60): string {
  return words
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, max)
    .replace(/-$/, '');
}

/**
 * A file name cut to `max` characters as people count them (code points), never halving an emoji,
 * with any lone surrogate a browser sent made whole, so it can always be encoded for a header.
 */
export function fileNameWithin(name: string, max: number): string {
  return Array.from(wellFormed(name)).slice(0, max).join('').trim();
}

function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Content-Disposition for an attachment: an ASCII fallback and the exact name (RFC 6266, 5987). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  // RFC 5987 attr-chars exclude ' ( ) * as well, which encodeURIComponent leaves alone.
  const exact = encodeURIComponent(wellFormed(name)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** Megabytes as people say them: "50 MB", "1.5 MB", "820 KB". */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    const mb = bytes / (1024 * 1024);
    return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Where one faculty member's presentation for a session is managed; its file is at `/file`. */
export function presentationPath(sessionPath: string, member: { id: string }): string {
  return `${sessionPath}/faculty/${member.id}/presentation`;
}

const UUID_SEGMENT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * The upload's path, the one route app.ts lets take more than a form's 64 KB, and only from a
 * signed-in person (server/auth/sessions.ts refuses anyone else before the body is read).
 */
export const PRESENTATION_UPLOAD_PATH = new RegExp(
  `^/[A-Za-z0-9-]+/sessions/${UUID_SEGMENT}/faculty/${UUID_SEGMENT}/presentation$`,
);
