import { EXTERNAL_CREDIT_UPLOAD_PATH } from '../external-credits';
import { PRESENTATION_UPLOAD_PATH } from '../presentation-types';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, lt, ne } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Database } from '../../db/client';
import { accountRoles, accounts, authSessions, seriesRoles } from '../../db/schema';
import type { AppEnv } from '../context';
import { clearCookie, readCookie, writeCookie } from '../cookies';
import { renderError } from '../respond';

/** 128 bits of randomness: OWASP Session Management's floor for a session identifier. */
const TOKEN_BYTES = 16;
/** lastSeenAt is written at most this often, so browsing is not one UPDATE per request. */
const TOUCH_EVERY_MS = 60_000;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Session ids and reset links are stored as this, so a database leak opens no session. */
export function sha256(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A browser's device cookie lives a year; each sign-in renews it. */
const DEVICE_COOKIE_SECONDS = 365 * 24 * 3600;

/** This browser's device token, if it has one (see knownDevices in db/schema/accounts.ts). */
export function deviceToken(c: Context<AppEnv>): string | undefined {
  const token = readCookie(c, 'device');
  return token && /^[\w-]{22}$/.test(token) ? token : undefined;
}

/** This browser's device token, made and set now if it has none. */
export function ensureDeviceToken(c: Context<AppEnv>): string {
  const token = deviceToken(c) ?? newToken();
  writeCookie(c, 'device', token, DEVICE_COOKIE_SECONDS);
  return token;
}

/** The halfway sign-in (password right, code to come): see signInChallenges. */
export function challengeToken(c: Context<AppEnv>): string | undefined {
  const token = readCookie(c, 'sign-in');
  return token && /^[\w-]{22}$/.test(token) ? token : undefined;
}

export function setChallengeToken(c: Context<AppEnv>, token: string, maxAgeSeconds: number): void {
  writeCookie(c, 'sign-in', token, maxAgeSeconds);
}

export function clearChallengeToken(c: Context<AppEnv>): void {
  clearCookie(c, 'sign-in');
}

/**
 * Loads the viewer from the session cookie, then refuses any state-changing request without the
 * right CSRF token. Signed in, the token lives on the auth_sessions row; signed out, it is a
 * double-submit cookie. Forms send it as _csrf; htmx sends it as X-CSRF-Token (views/assets/rounds.js).
 */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, config } = c.get('deps');
  const organization = c.get('organization');
  const now = clock.now();

  const token = readCookie(c, 'session');
  if (token) {
    const id = sha256(token);
    const [found] = await db
      .select({ session: authSessions, account: accounts })
      .from(authSessions)
      .innerJoin(accounts, eq(accounts.id, authSessions.accountId))
      .where(eq(authSessions.id, id))
      .limit(1);
    // A session of another organization is not ours to judge or end: ignore it.
    if (found && found.account.organizationId === organization.id) {
      const { session, account } = found;
      const idleUntil = session.lastSeenAt.getTime() + config.SESSION_IDLE_MINUTES * 60_000;
      if (now < session.expiresAt && now.getTime() < idleUntil) {
        const roles = await db
          .select({ role: accountRoles.role })
          .from(accountRoles)
          .where(eq(accountRoles.accountId, account.id));
        const [seriesRole] = await db
          .select({ seriesId: seriesRoles.seriesId })
          .from(seriesRoles)
          .where(eq(seriesRoles.accountId, account.id))
          .limit(1);
        c.set('viewer', {
          account,
          roles: new Set(roles.map((r) => r.role)),
          sessionId: id,
          runsSeries: Boolean(seriesRole),
        });
        c.set('csrfToken', session.csrfToken);
        if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
          await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, id));
        }
      } else {
        await db.delete(authSessions).where(eq(authSessions.id, id));
        clearCookie(c, 'session');
      }
    } else if (!found) {
      clearCookie(c, 'session');
    }
  }

  if (!c.get('viewer')) {
    let anonymous = readCookie(c, 'csrf');
    if (!anonymous || !/^[\w-]{22}$/.test(anonymous)) {
      anonymous = newToken();
      writeCookie(c, 'csrf', anonymous);
    }
    c.set('csrfToken', anonymous);
  }

  // The upload routes may take megabytes; nobody signed out gets that far, nor is their body read.
  if (
    !c.get('viewer') &&
    c.req.method === 'POST' &&
    (PRESENTATION_UPLOAD_PATH.test(new URL(c.req.url).pathname) ||
      EXTERNAL_CREDIT_UPLOAD_PATH.test(new URL(c.req.url).pathname))
  ) {
    return renderError(c, 'not_signed_in');
  }
  if (STATE_CHANGING.has(c.req.method) && !(await csrfTokenMatches(c, c.get('csrfToken')))) {
    return renderError(c, 'csrf_failed');
  }
  return next();
};

async function csrfTokenMatches(c: Context<AppEnv>, expected: string): Promise<boolean> {
  let submitted = c.req.header(CSRF_HEADER);
  if (!submitted) {
    const type = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      // parseBody keeps the parsed form in c.req.bodyCache, where the route's validator reads it.
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw new HTTPException(400, { message: 'malformed form body' });
      }
      const field = form[CSRF_FIELD];
      submitted = typeof field === 'string' ? field : undefined;
    }
  }
  if (!submitted || !expected) return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Signs the account in on a fresh session: a new token (the old session row, if any, is deleted,
 * so a token planted before sign-in is worthless after it) and a new CSRF token.
 */
export async function startSession(c: Context<AppEnv>, accountId: string): Promise<void> {
  const { db, clock, config } = c.get('deps');
  const now = clock.now();
  const previous = readCookie(c, 'session');
  if (previous) await db.delete(authSessions).where(eq(authSessions.id, sha256(previous)));
  // Housekeeping: this account's sessions that can no longer be used.
  await db
    .delete(authSessions)
    .where(and(eq(authSessions.accountId, accountId), lt(authSessions.expiresAt, now)));

  const token = newToken();
  const csrfToken = newToken();
  const absoluteSeconds = config.SESSION_ABSOLUTE_HOURS * 3600;
  await db.insert(authSessions).values({
    id: sha256(token),
    accountId,
    csrfToken,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + absoluteSeconds * 1000),
  });
  writeCookie(c, 'session', token, absoluteSeconds);
  c.set('csrfToken', csrfToken);
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const { db } = c.get('deps');
  const token = readCookie(c, 'session');
  if (token) await db.delete(authSessions).where(eq(authSessions.id, sha256(token)));
  clearCookie(c, 'session');
  c.set('viewer', null);
}

/** Ends every session of an account except, when given, the one in use (a password change). */
export async function revokeSessions(db: Database, accountId: string, keep?: string): Promise<void> {
  await db
    .delete(authSessions)
    .where(
      keep
        ? and(eq(authSessions.accountId, accountId), ne(authSessions.id, keep))
        : eq(authSessions.accountId, accountId),
    );
}
