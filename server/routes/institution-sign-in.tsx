import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { SignInPage } from '../../views/sign-in-page';
import { allow, anyone } from '../access';
import { audit } from '../audit';
import { SSO_REQUEST_MINUTES, createInstitutionSignIn, ssoSettings } from '../auth/institution-sign-in';
import { completeSignIn, startCodeStep } from '../auth/sign-in';
import type { AppEnv } from '../context';
import { clearCookie, readCookie, writeCookie } from '../cookies';
import { chrome, sameOrganizationPath } from '../page';
import { profileIncomplete } from '../profile';
import { renderError } from '../respond';
import { throttle } from '../throttle';

/** Sign-in through the organization's own identity provider (OpenID Connect, code flow with PKCE). */
export const institutionSignInRoutes = new Hono<AppEnv>();

/** Back to the sign-in page with what went wrong, in words a person can act on. */
function refused(c: Context<AppEnv>, message: string, status: 400 | 403 | 503) {
  return c.html(
    <SignInPage {...chrome(c)} organization={c.get('organization')} errors={{ form: message }} />,
    status,
  );
}

institutionSignInRoutes.get(
  '/sso/start',
  allow(anyone),
  throttle('sign-in'),
  zValidator('query', z.object({ next: z.string().max(2000).optional().catch(undefined) })),
  async (c) => {
    const organization = c.get('organization');
    const settings = ssoSettings(organization);
    if (!settings) return renderError(c, 'not_found');
    const next = sameOrganizationPath(c.req.valid('query').next, organization.code);
    let started: { url: string; state: string };
    try {
      started = await createInstitutionSignIn(c.get('deps')).start(organization, settings, next);
    } catch (error) {
      c.get('deps').log.error(`institution sign-in for ${organization.code} could not start`, error);
      return refused(
        c,
        `${settings.buttonLabel} is not answering just now. Try again shortly, or sign in with your email and password.`,
        503,
      );
    }
    // The state, held by the browser that started; Lax lets the provider's redirect back carry it.
    writeCookie(c, 'sso', started.state, SSO_REQUEST_MINUTES * 60);
    return c.redirect(started.url, 302);
  },
);

institutionSignInRoutes.get('/sso/callback', allow(anyone), throttle('sign-in'), async (c) => {
  const deps = c.get('deps');
  const organization = c.get('organization');
  const settings = ssoSettings(organization);
  if (!settings) return renderError(c, 'not_found');
  const state = readCookie(c, 'sso');
  clearCookie(c, 'sso');

  const callback = new URL(c.req.url);
  if (callback.searchParams.get('error')) {
    await audit(c, 'sign_in_failed', {
      detail: { reason: 'institution_refused', error: callback.searchParams.get('error') },
    });
    return refused(
      c,
      `${settings.buttonLabel} did not sign you in. Try again, or sign in with your email and password.`,
      403,
    );
  }
  // The provider sends people back to PUBLIC_URL; the code is exchanged for exactly that address.
  const publicCallback = new URL(`${deps.config.publicUrl}${callback.pathname}${callback.search}`);
  const signIn = createInstitutionSignIn(deps);
  let finished: Awaited<ReturnType<typeof signIn.finish>>;
  try {
    finished = await signIn.finish(organization, settings, state, publicCallback);
  } catch (error) {
    deps.log.warn(`institution sign-in for ${organization.code} failed at the callback: ${String(error)}`);
    finished = null;
  }
  if (!finished) {
    await audit(c, 'sign_in_failed', { detail: { reason: 'institution_response_invalid' } });
    return refused(
      c,
      'That sign-in could not be completed (it took too long, or came from another browser). Start again.',
      400,
    );
  }

  const outcome = await signIn.accountFor(organization, finished.identity);
  if (!outcome.ok && outcome.reason === 'linked_to_another_identity') {
    await audit(c, 'sign_in_failed', { detail: { reason: 'institution_email_linked_elsewhere' } });
    return refused(
      c,
      `The account with your email is linked to another ${settings.buttonLabel} identity. Ask the CME office to check it.`,
      403,
    );
  }
  if (!outcome.ok) {
    await audit(c, 'sign_in_failed', { detail: { reason: 'institution_email_not_verified' } });
    return refused(
      c,
      `${settings.buttonLabel} did not share a verified email address, so Rounds cannot tell which account is yours. Ask your institution's help desk, or sign in with your email and password.`,
      403,
    );
  }
  const { account } = outcome;
  if (outcome.created)
    await audit(c, 'account_created', { accountId: account.id, detail: { via: 'institution' } });
  if (outcome.linked) await audit(c, 'institution_sign_in_linked', { accountId: account.id });
  if (account.totpEnabledAt) {
    await startCodeStep(c, account, finished.next);
    return c.redirect(`/${organization.code}/sign-in/code`, 303);
  }
  await completeSignIn(c, account, null, 'institution');
  if (profileIncomplete(account)) return c.redirect(`/${organization.code}/profile`, 303);
  return c.redirect(
    sameOrganizationPath(finished.next ?? undefined, organization.code) ?? `/${organization.code}`,
    303,
  );
});
