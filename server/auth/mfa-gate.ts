import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { renderError } from '../respond';
import { mfaRequired } from './mfa';

/** Where someone who must set up an authenticator may still go. */
const OPEN_WHILE_ENROLLING = /^\/[^/]+\/(security(\/.*)?|sign-out)$/;

/**
 * When the organization requires an authenticator of reviewers and admins, such a person without
 * one reaches only the page that sets it up (and sign out), however they signed in.
 */
export const authenticatorGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.get('viewer');
  const organization = c.get('organization');
  if (!viewer || viewer.account.totpEnabledAt || !mfaRequired(organization, viewer.roles)) return next();
  if (OPEN_WHILE_ENROLLING.test(new URL(c.req.url).pathname)) return next();
  if (c.req.method === 'GET' && !c.req.header('HX-Request')) {
    return c.redirect(`/${organization.code}/security`, 303);
  }
  return renderError(c, 'forbidden', 'Set up an authenticator app on "Password and sign-in" first.');
};
