import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Organization, organizations } from '../db/schema';

/**
 * Each number's organization, kept a few seconds per database: a room texting at once reads it
 * once. Saving the organization's settings forgets it (forgetNumbers); another web process sees
 * the change within NUMBER_KEPT_MS, and a changed token is read again before anything is refused.
 */
const NUMBER_KEPT_MS = 10_000;
const numbers = new WeakMap<Database, Map<string, { organization: Organization; until: number }>>();

export function keptNumber(db: Database, number: string): Organization | null {
  const kept = numbers.get(db)?.get(number);
  return kept && kept.until > performance.now() ? kept.organization : null;
}

export async function organizationByNumber(db: Database, number: string): Promise<Organization | null> {
  const [organization] = await db
    .select()
    .from(organizations)
    .where(eq(organizations.smsNumber, number))
    .limit(1);
  let kept = numbers.get(db);
  if (!kept) {
    kept = new Map();
    numbers.set(db, kept);
  }
  if (organization) kept.set(number, { organization, until: performance.now() + NUMBER_KEPT_MS });
  else kept.delete(number);
  return organization ?? null;
}

/** Called when an organization's settings are saved, so this process answers with the new ones at once. */
export function forgetNumbers(db: Database): void {
  numbers.delete(db);
}
