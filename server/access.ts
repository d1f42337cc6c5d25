import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../db/schema';
import type { AppEnv } from './context';
import { audit } from './audit';
import { renderError } from './respond';

/** A rule grants access to a request, or does not. Rules never throw for "no". */
export type Rule = (c: Context<AppEnv>) => boolean | Promise<boolean>;

const GUARD = Symbol.for('rounds.guard');
type Guard = MiddlewareHandler<AppEnv> & { [GUARD]: true };

/**
 * Every route starts with allow(...): the request proceeds when any rule grants it. A signed-out
 * visitor who is refused goes to sign in; a signed-in one gets 403. createApp refuses to build an
 * app with a route that has no guard, so "denied unless a rule grants it" holds structurally.
 */
export function allow(...rules: Rule[]): Guard {
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    for (const rule of rules) {
      if (await rule(c)) return next();
    }
    const path = new URL(c.req.url).pathname;
    if (!c.get('viewer')) {
      const org = c.get('organization');
      // Following a bookmark while signed out is ordinary; it leads to sign-in, not the log.
      if (org && c.req.method === 'GET') {
        const back = encodeURIComponent(path + new URL(c.req.url).search);
        return c.redirect(`/${org.code}/sign-in?next=${back}`, 303);
      }
      await audit(c, 'access_refused', { detail: { method: c.req.method, path, signedIn: false } });
      return renderError(c, 'not_signed_in');
    }
    await audit(c, 'access_refused', { detail: { method: c.req.method, path, signedIn: true } });
    return renderError(c, 'forbidden');
  };
  return Object.assign(guard, { [GUARD]: true as const });
}

export const anyone: Rule = () => true;
export const signedIn: Rule = (c) => Boolean(c.get('viewer'));
export const hasRole =
  (...roles: Role[]): Rule =>
  (c) => {
    const viewer = c.get('viewer');
    return Boolean(viewer && roles.some((role) => viewer.roles.has(role)));
  };

/** Lists routes that lack a guard; createApp throws if there are any. */
export function unguardedRoutes(routes: { method: string; path: string; handler: unknown }[]): string[] {
  const byRoute = new Map<string, boolean>();
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    const key = `${route.method} ${route.path}`;
    const guarded = typeof route.handler === 'function' && GUARD in route.handler;
    byRoute.set(key, (byRoute.get(key) ?? false) || guarded);
  }
  return [...byRoute].filter(([, guarded]) => !guarded).map(([key]) => key);
}
