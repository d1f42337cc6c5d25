/**
 * Accounts for database tests: members seeded straight into the database with a cheap hash (the
 * format names its cost, so sign-in verifies it quickly), signing in through the real pages, and
 * the mail the outbox recorded.
 */
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import {
  type Account,
  type Message,
  type Organization,
  type Role,
  accountRoles,
  messages,
} from '../../db/schema';
import { hashPassword } from '../../server/auth/password';
import type { Hono } from 'hono';
import type { AppEnv } from '../../server/context';
import { type Page, Visitor } from './http';
import { seedAccount } from './seed';

export const MEMBER_PASSWORD = 'tumor board thursday';

export async function seedMember(
  db: Database,
  organization: Organization,
  options: { email?: string; roles?: Role[]; password?: string } & Partial<Account> = {},
): Promise<Account> {
  const { roles = ['learner'], password = MEMBER_PASSWORD, ...overrides } = options;
  const passwordHash = await hashPassword(password, { N: 2 ** 10, r: 8, p: 1 });
  const account = await seedAccount(db, organization, { ...overrides, passwordHash });
  if (roles.length > 0)
    await db.insert(accountRoles).values(roles.map((role) => ({ accountId: account.id, role })));
  return account;
}

/** Opens the sign-in page (for its CSRF token) and signs in; returns the answer to the form. */
export async function signIn(
  visitor: Visitor,
  organization: Organization,
  email: string,
  password: string = MEMBER_PASSWORD,
): Promise<Page> {
  await visitor.get(`/${organization.code}/sign-in`);
  return visitor.post(`/${organization.code}/sign-in`, { email, password });
}

/**
 * A visitor signed in as `email`, on `firstPage` (which also picks up that page's CSRF token), as a
 * person is once they have signed in and opened a page.
 */
export async function signedInVisitor(
  app: Hono<AppEnv>,
  organization: Organization,
  email: string,
  firstPage: string,
): Promise<Visitor> {
  const visitor = new Visitor(app);
  const answer = await signIn(visitor, organization, email);
  if (answer.status !== 303) throw new Error(`${email} could not sign in: ${answer.status}`);
  await visitor.get(firstPage);
  return visitor;
}

/** Mail recorded for one address, newest first. */
export async function mailTo(db: Database, to: string): Promise<Message[]> {
  return db.select().from(messages).where(eq(messages.to, to)).orderBy(desc(messages.createdAt));
}

/** The path (with query) of the first link in a message's text that starts with `/org/path`. */
export function linkIn(message: Message, pathPrefix: string): string {
  for (const match of message.text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(pathPrefix)) return url.pathname + url.search;
  }
  throw new Error(`no link to ${pathPrefix} in "${message.subject}"`);
}
