import type { Context } from 'hono';
import { clearCookie, readCookie, writeCookie } from './cookies';
import type { AppEnv } from './context';

/**
 * What just happened, said once on the page a redirect leads to ("Your new password is set"). The
 * cookie carries only one of these names, never text, and lives a minute; reading it removes it,
 * so a reload or a bookmark shows the page as it is, without the message.
 */
export const NOTICES = [
  'series-created',
  'series-approved',
  'series-renewal-requested',
  'password-reset',
  'account-unlocked',
  'sign-in-expired',
  'email-confirmed',
  'account-unlocked-by-staff',
  'roles-saved',
  'sessions-added',
  'series-saved',
  'session-saved',
  'session-deactivated',
  'faculty-added',
  'faculty-added-requested',
  'faculty-invited',
  'faculty-removed',
  'faculty-already',
  'disclosure-submitted',
  'relationship-reviewed',
  'session-approved',
  'name-accepted',
  'presentation-uploaded',
  'presentation-replaced',
  'presentation-deleted',
  'message-sent',
  'ticket-closed',
  'phone-paired',
  'pairing-code-sent',
] as const;
export type NoticeName = (typeof NOTICES)[number];

/**
 * Says `name` on the next page this browser is sent to, with counts the wording needs ("12 sessions
 * added; 3 after December 31 were not"). Counts are whole numbers only, never text.
 */
export function noticeNext(c: Context<AppEnv>, name: NoticeName, counts: number[] = []): void {
  writeCookie(c, 'notice', [name, ...counts.map((n) => String(Math.trunc(n)))].join(':'), 60);
}

/** The notice waiting for this page with its counts, if any; it is gone once read. */
export function takeNoticeWithCounts(c: Context<AppEnv>): { name: NoticeName; counts: number[] } | undefined {
  const waiting = readCookie(c, 'notice');
  if (waiting === undefined) return undefined;
  clearCookie(c, 'notice');
  const [name = '', ...rest] = waiting.split(':');
  if (!(NOTICES as readonly string[]).includes(name) || rest.some((n) => !/^\d{1,6}$/.test(n)))
    return undefined;
  return { name: name as NoticeName, counts: rest.map(Number) };
}

/** The notice waiting for this page, if any; it is gone once read. */
export function takeNotice(c: Context<AppEnv>): NoticeName | undefined {
  return takeNoticeWithCounts(c)?.name;
}
