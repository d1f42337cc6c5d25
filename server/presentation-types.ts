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

/** Office Open XML, OpenDocument and Keynote files are ZIP archives; their entries say which. */
function zipKind(bytes: Uint8Array): PresentationKind | null {
  const names = zipEntryNames(bytes);
  if (!names) return null;
  if (names.has('[Content_Types].xml')) {
    if (names.has('ppt/presentation.xml')) {
      const types = zipStoredOrNull(bytes, '[Content_Types].xml');
      // A slideshow declares its main part as such; without a readable declaration it is a deck.
      return types?.includes('presentationml.slideshow.main') ? 'ppsx' : 'pptx';
    }
    if (names.has('word/document.xml')) return 'docx';
    return null;
  }
  if (names.has('mimetype')) {
    const mimetype = zipStoredOrNull(bytes, 'mimetype');
    if (mimetype?.trim() === PRESENTATION_KINDS.odp.contentType) return 'odp';
    return null;
  }
  if (names.has('Index/Document.iwa') || names.has('Index.zip')) return 'key';
  return null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}
function readU32(bytes: Uint8Array, at: number): number {
  return (readU16(bytes, at) | (readU16(bytes, at + 2) << 16)) >>> 0;
}

/**
 * The names in a ZIP archive's central directory, found through the end-of-central-directory
 * record in the last 64 KiB; null when the archive is not well formed.
 */
function zipEntryNames(bytes: Uint8Array): Set<string> | null {
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
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || readU32(bytes, at) !== 0x02014b50) return null;
    const nameLength = readU16(bytes, at + 28);
    const extraLength = readU16(bytes, at + 30);
    const commentLength = readU16(bytes, at + 32);
    if (at + 46 + nameLength > bytes.length) return null;
    names.add(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The text of an entry stored without compression (OpenDocument's mimetype always is; a
 * [Content_Types].xml usually is not), read from its local header; null otherwise.
 */
function zipStoredOrNull(bytes: Uint8Array, wanted: string): string | null {
  let at = 0;
  // Local headers follow one another from the start; a few dozen is plenty to find a first entry.
  for (let i = 0; i < 64 && at + 30 <= bytes.length && readU32(bytes, at) === 0x04034b50; i++) {
    const method = readU16(bytes, at + 8);
    const size = readU32(bytes, at + 18);
    const nameLength = readU16(bytes, at + 26);
    const extraLength = readU16(bytes, at + 28);
    const name = decoder.decode(bytes.subarray(at + 30, at + 30 + nameLength));
    const dataAt = at + 30 + nameLength + extraLength;
    if (name === wanted) {
      if (method !== 0 || dataAt + size > bytes.length) return null;
      return decoder.decode(bytes.subarray(dataAt, dataAt + size));
    }
    // A size deferred to a data descriptor (flag bit 3) cannot be skipped without inflating.
    if ((readU16(bytes, at + 6) & 0x08) !== 0) return null;
    at = dataAt + size;
  }
  return null;
}

/**
 * PowerPoint 97–2003 and Word 97–2003 files are OLE compound files. Their directory entries name
 * streams in UTF-16: "PowerPoint Document" or "WordDocument". The directory is not parsed (sector
 * chains); its names are found where they stand, which is all telling the two apart needs.
 */
function compoundKind(bytes: Uint8Array): PresentationKind | null {
  const has = (name: string) => indexOfUtf16(bytes, name) >= 0;
  if (has('PowerPoint Document')) return 'ppt';
  if (has('WordDocument')) return 'doc';
  return null;
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
  const base = uploaded
    .replace(/^.*[\\/]/, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    // A name of dots alone (or a leading dot) would be hidden or meaningless on disk.
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 120);
  return `${base || 'presentation'}.${extension}`;
}

/** Content-Disposition for an attachment: an ASCII fallback and the exact name (RFC 6266, 5987). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
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
