import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { renderError } from '../respond';
import { profileIncomplete } from '../profile';
import { mfaRequired } from './mfa';

/** Where someone with something to do first may still go. */
const OPEN_TO_EVERYONE = /^\/[^/]+\/(profile|security(\/.*)?|sign-out)$/;

/**
 * Some things come before anything else, however the person signed in: an account made by
 * institution sign-in completes its profile (degree, profession), and where the organization
 * requires an authenticator of reviewers and admins, they set one up. Until then those pages (and
 * sign out) are all they reach.
 */
export const firstThingsFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.get('viewer');
  if (!viewer) return next();
  const organization = c.get('organization');
  const destination = profileIncomplete(viewer.account)
    ? { path: 'profile', message: 'Complete your profile first: your degree and profession.' }
    : !viewer.account.totpEnabledAt && mfaRequired(organization, viewer.roles)
      ? { path: 'security', message: 'Set up an authenticator app on "Password and sign-in" first.' }
      : null;
  if (!destination || OPEN_TO_EVERYONE.test(new URL(c.req.url).pathname)) return next();
  if (c.req.method === 'GET' && !c.req.header('HX-Request')) {
    return c.redirect(`/${organization.code}/${destination.path}`, 303);
  }
  return renderError(c, 'forbidden', destination.message);
};
