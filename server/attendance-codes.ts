import { randomInt } from 'node:crypto';
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { sessions } from '../db/schema';

/**
 * Attendance codes learners text or type. No 0/O or 1/I/L, which people misread off a slide or a
 * flyer; five characters from the remaining 31 give 28 million codes per organization, so a code is
 * never reused within an organization at all, let alone among sessions whose claim windows overlap.
 */
export const ATTENDANCE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const ATTENDANCE_CODE_LENGTH = 5;

/**
 * At least one letter: a code of digits alone would read as an Event ID (child IDs are numbers too).
 */
export function randomAttendanceCode(): string {
  for (;;) {
    let code = '';
    for (let i = 0; i < ATTENDANCE_CODE_LENGTH; i += 1) {
      code += ATTENDANCE_CODE_ALPHABET[randomInt(ATTENDANCE_CODE_ALPHABET.length)];
    }
    if (/[A-Z]/.test(code)) return code;
  }
}

/** What a learner typed, as it is stored: upper case, no spaces or dashes. */
export function normalizeAttendanceCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * `count` codes no session of the organization has. Drawn in a batch, checked in one query; the
 * unique index (organization, code) is the backstop against a race.
 */
export async function freshAttendanceCodes(
  db: Pick<Database, 'select'>,
  organizationId: string,
  count: number,
): Promise<string[]> {
  const codes = new Set<string>();
  for (let round = 0; codes.size < count; round += 1) {
    if (round > 20) throw new Error('could not draw unused attendance codes');
    const candidates = new Set<string>();
    while (candidates.size < count - codes.size) {
      const code = randomAttendanceCode();
      if (!codes.has(code)) candidates.add(code);
    }
    // A printed code, or a rotating one on a screen now: either would make a text ambiguous.
    const drawn = [...candidates];
    const taken = await db
      .select({
        code: sessions.attendanceCode,
        rotating: sessions.rotatingCode,
        previous: sessions.rotatingCodePrevious,
      })
      .from(sessions)
      .where(
        and(
          eq(sessions.organizationId, organizationId),
          or(
            inArray(sessions.attendanceCode, drawn),
            inArray(sessions.rotatingCode, drawn),
            inArray(sessions.rotatingCodePrevious, drawn),
          ),
        ),
      );
    const takenCodes = new Set(taken.flatMap((row) => [row.code, row.rotating, row.previous]));
    for (const code of candidates) if (!takenCodes.has(code)) codes.add(code);
  }
  return [...codes];
}
