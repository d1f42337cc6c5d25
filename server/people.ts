import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accounts } from '../db/schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A person as pickers and series pages show them. */
export interface Person {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  degree: string;
}

/** The columns a Person is read from. */
export const personColumns = {
  id: accounts.id,
  firstName: accounts.firstName,
  lastName: accounts.lastName,
  email: accounts.email,
  degree: accounts.degree,
};

/** A picker shows this many matches; typing more narrows them. */
export const PEOPLE_SHOWN = 20;

/**
 * People of the organization whose last name, first name or email starts with what was typed
 * ("lee", "ann", "ann.lee@"), or whose "Last, First" does ("Lee, A"), by last and first name.
 * Bounded, so a picker stays quick with thousands of accounts.
 */
export async function findPeople(
  db: Database,
  organizationId: string,
  typed: string,
  options: { exclude?: string[]; limit?: number } = {},
): Promise<Person[]> {
  const query = typed.trim().toLowerCase();
  if (query.length === 0) return [];
  const prefix = `${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const conditions = [
    eq(accounts.organizationId, organizationId),
    sql`(lower(${accounts.lastName}) like ${prefix} or lower(${accounts.firstName}) like ${prefix} or ${accounts.emailKey} like ${prefix} or lower(${accounts.lastName} || ', ' || ${accounts.firstName}) like ${prefix})`,
  ];
  const exclude = (options.exclude ?? []).filter((id) => UUID.test(id));
  if (exclude.length > 0) conditions.push(notInArray(accounts.id, exclude));
  return db
    .select(personColumns)
    .from(accounts)
    .where(and(...conditions))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName), asc(accounts.email))
    .limit(options.limit ?? PEOPLE_SHOWN);
}

/** These people, when they belong to the organization (others are silently not found). */
export async function peopleByIds(db: Database, organizationId: string, ids: string[]): Promise<Person[]> {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (wanted.length === 0) return [];
  const found = await db
    .select(personColumns)
    .from(accounts)
    .where(and(eq(accounts.organizationId, organizationId), inArray(accounts.id, wanted)));
  // In the order they were chosen.
  return wanted.flatMap((id) => found.filter((person) => person.id === id));
}
