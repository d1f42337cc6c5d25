import { isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Organization, organizations } from '../db/schema';

/**
 * Every organization's SMS number, kept in memory per database and read again in one query when
 * NUMBERS_KEPT_MS have passed: a room texting at once costs no lookup, and neither does a flood of
 * texts to numbers nobody has. Saving an organization's settings forgets them (forgetNumbers);
 * another web process sees the change within NUMBERS_KEPT_MS, and a signature that does not fit
 * reads them again (at most once a NUMBERS_RECHECK_MS) before anything is refused.
 */
const NUMBERS_KEPT_MS = 10_000;
const NUMBERS_RECHECK_MS = 1_000;
const kept = new WeakMap<
  Database,
  { byNumber: Promise<Map<string, Organization>>; readAt: number; settled?: Map<string, Organization> }
>();

function numbers(db: Database, olderThanMs: number): Promise<Map<string, Organization>> {
  const current = kept.get(db);
  if (current && performance.now() - current.readAt < olderThanMs) return current.byNumber;
  // One read for everyone who asks meanwhile; a failed read is not kept.
  const byNumber = db
    .select()
    .from(organizations)
    .where(isNotNull(organizations.smsNumber))
    .then((rows) => new Map(rows.map((organization) => [organization.smsNumber ?? '', organization])));
  const entry: { byNumber: typeof byNumber; readAt: number; settled?: Map<string, Organization> } = {
    byNumber,
    readAt: performance.now(),
  };
  kept.set(db, entry);
  byNumber.then(
    (settled) => {
      entry.settled = settled;
    },
    () => {
      if (kept.get(db) === entry) kept.delete(db);
    },
  );
  return byNumber;
}

/**
 * The organization whose number this is, or undefined when the numbers in memory have aged (or were
 * never read): the webhook's common case answered without a promise or a timer.
 */
export function organizationByNumberKept(db: Database, number: string): Organization | null | undefined {
  const current = kept.get(db);
  if (!current?.settled || performance.now() - current.readAt >= NUMBERS_KEPT_MS) return undefined;
  return current.settled.get(number) ?? null;
}

/** The organization whose number this is, or null; from memory unless the numbers have aged. */
export async function organizationByNumber(db: Database, number: string): Promise<Organization | null> {
  return (await numbers(db, NUMBERS_KEPT_MS)).get(number) ?? null;
}

/** The same, read again unless it was read within the last second: for a token that may have changed. */
export async function organizationByNumberAgain(db: Database, number: string): Promise<Organization | null> {
  return (await numbers(db, NUMBERS_RECHECK_MS)).get(number) ?? null;
}

/** Called when an organization's settings are saved, so this process answers with the new ones at once. */
export function forgetNumbers(db: Database): void {
  kept.delete(db);
}
