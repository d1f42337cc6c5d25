import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './context';

/**
 * Rounds' cookies, one rule for all: HttpOnly, SameSite=Lax (a top-level GET back from an identity
 * provider or a mailed link still carries them), and under HTTPS Secure with the __Host- prefix,
 * which pins each to this exact host and path /.
 */
export type CookieName = 'session' | 'csrf' | 'device' | 'sign-in' | 'notice' | 'sso';

function named(c: Context<AppEnv>, name: CookieName) {
  const secure = c.get('deps').config.secureCookies;
  return {
    name: secure ? `__Host-rounds-${name}` : `rounds-${name}`,
    options: { path: '/', httpOnly: true, sameSite: 'Lax' as const, secure },
  };
}

export function readCookie(c: Context<AppEnv>, name: CookieName): string | undefined {
  return getCookie(c, named(c, name).name);
}

/** Without maxAgeSeconds the cookie lasts as long as the browser session. */
export function writeCookie(
  c: Context<AppEnv>,
  name: CookieName,
  value: string,
  maxAgeSeconds?: number,
): void {
  const cookie = named(c, name);
  setCookie(c, cookie.name, value, {
    ...cookie.options,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  });
}

export function clearCookie(c: Context<AppEnv>, name: CookieName): void {
  const cookie = named(c, name);
  deleteCookie(c, cookie.name, cookie.options);
}
