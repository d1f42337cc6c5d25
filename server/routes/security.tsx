import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Account } from '../../db/schema';
import { type AuthenticatorState, SecurityPage } from '../../views/security-page';
import { allow, signedIn } from '../access';
import { InvalidFields, PASSWORD_MAX, changePasswordInput, createAccounts } from '../accounts';
import { audit } from '../audit';
import { verifyPassword } from '../auth/password';
import { createMfa, mfaRequired } from '../auth/mfa';
import type { AppEnv } from '../context';
import type { FieldErrors } from '../forms';
import { validForm } from '../forms';
import { chrome, viewerOf } from '../page';
import { renderError } from '../respond';
import { throttle } from '../throttle';
import { clientAddress } from '../client-address';

/** Password change and the authenticator app, for the signed-in person themselves. */
export const securityRoutes = new Hono<AppEnv>();

const codeInput = z.object({
  code: z
    .string({ error: 'Enter the code from your app.' })
    .trim()
    .min(1, 'Enter the code from your app.')
    .max(40),
});
const offInput = z.object({
  offPassword: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(PASSWORD_MAX),
});

/** The page as the account stands now, unless a step (scan, codes) is given. */
async function page(
  c: Context<AppEnv>,
  options: {
    authenticator?: AuthenticatorState;
    errors?: FieldErrors;
    notice?: string;
    status?: 200 | 400 | 401;
  } = {},
) {
  const viewer = viewerOf(c);
  const organization = c.get('organization');
  const account = viewer.account;
  let authenticator = options.authenticator;
  if (!authenticator) {
    authenticator = account.totpEnabledAt
      ? { step: 'on', recoveryCodesLeft: await createMfa(c.get('deps')).recoveryCodesLeft(account.id) }
      : { step: 'off' };
  }
  return c.html(
    <SecurityPage
      {...chrome(c)}
      organization={organization}
      authenticator={authenticator}
      required={mfaRequired(organization, viewer.roles)}
      errors={options.errors}
      notice={options.notice}
    />,
    options.status ?? 200,
  );
}

/** Keeps the viewer in step with a change to their own account, for the page rendered next. */
function refreshViewer(c: Context<AppEnv>, account: Partial<Account>) {
  const viewer = viewerOf(c);
  c.set('viewer', { ...viewer, account: { ...viewer.account, ...account } });
}

securityRoutes.get('/security', allow(signedIn), (c) => page(c));

// Both password checks below cost a scrypt each: a stolen session gets no more guesses (or CPU)
// here than a stranger gets at sign-in.
securityRoutes.post(
  '/security/password',
  allow(signedIn),
  throttle('sign-in'),
  validForm(changePasswordInput, async (c, rejected) => page(c, { errors: rejected.errors, status: 400 })),
  async (c) => {
    const viewer = viewerOf(c);
    try {
      await createAccounts(c.get('deps')).changePassword(
        c.get('organization'),
        viewer.account,
        c.req.valid('form'),
        viewer.sessionId,
      );
    } catch (error) {
      if (error instanceof InvalidFields) {
        if (error.fields.currentPassword)
          await c.get('deps').rateLimits.signInFailuresByAddress.fail(clientAddress(c));
        return page(c, { errors: error.fields, status: 400 });
      }
      throw error;
    }
    await audit(c, 'password_changed', { accountId: viewer.account.id });
    return page(c, {
      notice: 'Your password is changed. Every other browser signed in to your account is signed out.',
    });
  },
);

securityRoutes.post('/security/authenticator', allow(signedIn), async (c) => {
  const viewer = viewerOf(c);
  if (viewer.account.totpEnabledAt) return page(c);
  const { qrCode, secret } = await createMfa(c.get('deps')).startEnrolment(
    c.get('organization'),
    viewer.account,
  );
  await audit(c, 'authenticator_enrolment_started', { accountId: viewer.account.id });
  refreshViewer(c, { totpSecret: secret });
  return page(c, { authenticator: { step: 'scan', qrCode, secret } });
});

securityRoutes.post(
  '/security/authenticator/confirm',
  allow(signedIn),
  validForm(codeInput, async (c, rejected) => scanAgain(c, rejected.errors)),
  async (c) => {
    const viewer = viewerOf(c);
    const codes = await createMfa(c.get('deps')).confirmEnrolment(
      c.get('organization'),
      viewer.account,
      c.req.valid('form').code,
    );
    if (!codes) {
      return scanAgain(c, {
        code: 'That code is not right. Check the app shows this account, and type the newest code.',
      });
    }
    await audit(c, 'authenticator_enabled', { accountId: viewer.account.id });
    refreshViewer(c, { totpEnabledAt: c.get('deps').clock.now() });
    return page(c, { authenticator: { step: 'codes', recoveryCodes: codes } });
  },
);

/** The scan step again, for the secret already started (a wrong code must not change it). */
async function scanAgain(c: Context<AppEnv>, errors: FieldErrors) {
  const viewer = viewerOf(c);
  const secret = viewer.account.totpSecret;
  if (!secret || viewer.account.totpEnabledAt) return page(c);
  const { qrCode } = await createMfa(c.get('deps')).enrolment(c.get('organization'), viewer.account, secret);
  return page(c, { authenticator: { step: 'scan', qrCode, secret }, errors, status: 400 });
}

securityRoutes.post(
  '/security/recovery-codes',
  allow(signedIn),
  validForm(codeInput, async (c, rejected) => page(c, { errors: rejected.errors, status: 400 })),
  async (c) => {
    const viewer = viewerOf(c);
    const mfa = createMfa(c.get('deps'));
    // A recovery code typed here would be used up for nothing: only the app's codes make new ones.
    const factor = await mfa.verify(c.get('organization'), viewer.account, c.req.valid('form').code, {
      recoveryCodes: false,
    });
    if (factor !== 'totp') {
      return page(c, {
        errors: { code: 'That code is not right. Type the newest code from your app.' },
        status: 401,
      });
    }
    const codes = await mfa.newRecoveryCodes(viewer.account.id);
    await audit(c, 'recovery_codes_replaced', { accountId: viewer.account.id });
    return page(c, { authenticator: { step: 'codes', recoveryCodes: codes } });
  },
);

securityRoutes.post(
  '/security/authenticator/off',
  allow(signedIn),
  throttle('sign-in'),
  validForm(offInput, async (c, rejected) => page(c, { errors: rejected.errors, status: 400 })),
  async (c) => {
    const viewer = viewerOf(c);
    if (mfaRequired(c.get('organization'), viewer.roles)) {
      return renderError(c, 'forbidden', 'Your organization requires an authenticator app for your role.');
    }
    if (!(await verifyPassword(c.req.valid('form').offPassword, viewer.account.passwordHash))) {
      await c.get('deps').rateLimits.signInFailuresByAddress.fail(clientAddress(c));
      return page(c, { errors: { offPassword: 'That is not your password.' }, status: 401 });
    }
    await createMfa(c.get('deps')).disable(viewer.account.id);
    await audit(c, 'authenticator_disabled', { accountId: viewer.account.id });
    refreshViewer(c, { totpSecret: null, totpEnabledAt: null });
    return page(c, { notice: 'The authenticator app is off: you sign in with your password alone.' });
  },
);
