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
] as const;
export type NoticeName = (typeof NOTICES)[number];

/** Says `name` on the next page this browser is sent to. */
export function noticeNext(c: Context<AppEnv>, name: NoticeName): void {
  writeCookie(c, 'notice', name, 60);
}

/** The notice waiting for this page, if any; it is gone once read. */
export function takeNotice(c: Context<AppEnv>): NoticeName | undefined {
  const waiting = readCookie(c, 'notice');
  if (waiting === undefined) return undefined;
  clearCookie(c, 'notice');
  return (NOTICES as readonly string[]).includes(waiting) ? (waiting as NoticeName) : undefined;
}
