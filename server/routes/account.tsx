import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ConfirmEmailPage, UnlockPage } from '../../views/account-link-pages';
import { ForgotPasswordPage } from '../../views/forgot-password-page';
import { OrganizationHomePage } from '../../views/organization-home-page';
import { type PhonePairingState, ProfilePage, profileValues } from '../../views/profile-page';
import { ResetPasswordPage } from '../../views/reset-password-page';
import { SignInCodePage, SignInPage } from '../../views/sign-in-page';
import { SignUpPage } from '../../views/sign-up-page';
import { DomainError, ERRORS } from '../../workflows/errors';
import { allow, anyone, signedIn } from '../access';
import {
  InvalidFields,
  confirmEmailInput,
  createAccounts,
  forgotPasswordInput,
  profileInput,
  resetPasswordInput,
  signInCodeInput,
  signInInput,
  signUpInput,
} from '../accounts';
import type { AppEnv } from '../context';
import type { Account } from '../../db/schema';
import { audit } from '../audit';
import { challengeToken, endSession, ensureDeviceToken } from '../auth/sessions';
import { createMfa } from '../auth/mfa';
import { attemptCode, attemptSignIn } from '../auth/sign-in';
import { retryMessage, throttle } from '../throttle';
import { validForm } from '../forms';
import { noticeNext, takeNotice } from '../notice';
import { chrome, sameOrganizationPath } from '../page';
import { renderError } from '../respond';
import { confirmPairingFromProfile, profilePairing, requestPairingFromProfile } from '../phone-pairing';

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get('/', allow(anyone), (c) => {
  const notice = takeNotice(c) === 'email-confirmed' ? 'Your email address is confirmed.' : undefined;
  return c.html(<OrganizationHomePage {...chrome(c)} organization={c.get('organization')} notice={notice} />);
});

// ---- Sign up ----

accountRoutes.get('/sign-up', allow(anyone), (c) => {
  if (c.get('viewer')) return c.redirect(`/${c.get('organization').code}`, 303);
  return c.html(<SignUpPage {...chrome(c)} organization={c.get('organization')} />);
});

accountRoutes.post(
  '/sign-up',
  allow(anyone),
  throttle('sign-up'),
  validForm(signUpInput, (c, rejected) =>
    c.html(<SignUpPage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  (c) => {
    const deps = c.get('deps');
    const organization = c.get('organization');
    const { confirmPassword: _c, ...input } = c.req.valid('form');
    // The answer comes before anyone knows whether the email has an account: a new one gets a
    // confirmation link, an existing one a note with a reset link, and this page says the same.
    deps.background.run('sign-up', () => createAccounts(deps).register(organization, input));
    return c.html(<SignUpPage {...chrome(c)} organization={organization} sentTo={input.email} />);
  },
);

// ---- Sign in and out ----

accountRoutes.get(
  '/sign-in',
  allow(anyone),
  zValidator('query', z.object({ next: z.string().max(2000).optional().catch(undefined) })),
  (c) => {
    const organization = c.get('organization');
    const back = sameOrganizationPath(c.req.valid('query').next, organization.code) ?? undefined;
    if (c.get('viewer')) return c.redirect(back ?? `/${organization.code}`, 303);
    const notice = SIGN_IN_NOTICES[takeNotice(c) ?? ''];
    return c.html(<SignInPage {...chrome(c)} organization={organization} next={back} notice={notice} />);
  },
);

/** What the sign-in page says after the step that led to it. */
const SIGN_IN_NOTICES: Partial<Record<string, string>> = {
  'password-reset': 'Your new password is set. Sign in with it.',
  'account-unlocked':
    'Your account is unlocked, and this browser will not be paused again. Sign in with your password.',
  'sign-in-expired':
    'That sign-in took too long or had too many wrong codes. Start again with your password.',
};

accountRoutes.post(
  '/sign-in',
  allow(anyone),
  throttle('sign-in'),
  validForm(signInInput, (c, rejected) =>
    c.html(
      <SignInPage
        {...chrome(c)}
        organization={c.get('organization')}
        {...rejected}
        next={typeof rejected.values.next === 'string' ? rejected.values.next : undefined}
      />,
      400,
    ),
  ),
  async (c) => {
    const organization = c.get('organization');
    const { email, password, next } = c.req.valid('form');
    const back = sameOrganizationPath(next, organization.code);
    const attempt = await attemptSignIn(c, organization, email, password, back);
    if (attempt.ok) return c.redirect(back ?? `/${organization.code}`, 303);
    if (attempt.refusal === 'code_needed') return c.redirect(`/${organization.code}/sign-in/code`, 303);
    const message =
      attempt.refusal === 'sign_in_paused'
        ? retryMessage(attempt.retryAfterSeconds, ERRORS.sign_in_paused.message)
        : ERRORS.bad_credentials.message;
    if (attempt.refusal === 'sign_in_paused') c.header('Retry-After', String(attempt.retryAfterSeconds));
    return c.html(
      <SignInPage
        {...chrome(c)}
        organization={organization}
        values={{ email }}
        errors={{ form: message }}
        next={back ?? undefined}
      />,
      ERRORS[attempt.refusal].status,
    );
  },
);

// ---- The second step: a code from the authenticator app ----

accountRoutes.get('/sign-in/code', allow(anyone), async (c) => {
  const organization = c.get('organization');
  if (c.get('viewer')) return c.redirect(`/${organization.code}`, 303);
  if (!(await createMfa(c.get('deps')).challenge(challengeToken(c)))) {
    noticeNext(c, 'sign-in-expired');
    return c.redirect(`/${organization.code}/sign-in`, 303);
  }
  return c.html(<SignInCodePage {...chrome(c)} organization={organization} />);
});

accountRoutes.post(
  '/sign-in/code',
  allow(anyone),
  throttle('sign-in'),
  validForm(signInCodeInput, (c, rejected) =>
    c.html(<SignInCodePage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    const attempt = await attemptCode(c, organization, c.req.valid('form').code);
    if (attempt.ok) {
      return c.redirect(
        sameOrganizationPath(attempt.next ?? undefined, organization.code) ?? `/${organization.code}`,
        303,
      );
    }
    if (attempt.refusal === 'start_again') {
      noticeNext(c, 'sign-in-expired');
      return c.redirect(`/${organization.code}/sign-in`, 303);
    }
    if (attempt.refusal === 'sign_in_paused') {
      c.header('Retry-After', String(attempt.retryAfterSeconds));
      return c.html(
        <SignInCodePage
          {...chrome(c)}
          organization={organization}
          errors={{
            code: retryMessage(attempt.retryAfterSeconds, ERRORS.sign_in_paused.message),
          }}
        />,
        ERRORS.sign_in_paused.status,
      );
    }
    return c.html(
      <SignInCodePage
        {...chrome(c)}
        organization={organization}
        errors={{
          code: `That code is not right. ${attempt.triesLeft} ${attempt.triesLeft === 1 ? 'try' : 'tries'} left before you start again.`,
        }}
      />,
      401,
    );
  },
);

/** Anyone may sign out: a session that already timed out ends quietly too. */
accountRoutes.post('/sign-out', allow(anyone), async (c) => {
  const viewer = c.get('viewer');
  await endSession(c);
  if (viewer) await audit(c, 'signed_out', { accountId: viewer.account.id });
  return c.redirect(`/${c.get('organization').code}`, 303);
});

// ---- Forgot and reset password ----

accountRoutes.get(
  '/forgot-password',
  allow(anyone),
  zValidator('query', z.object({ email: z.string().max(254).optional().catch(undefined) })),
  (c) => {
    const { email } = c.req.valid('query');
    return c.html(
      <ForgotPasswordPage
        {...chrome(c)}
        organization={c.get('organization')}
        values={{ email: email ?? '' }}
      />,
    );
  },
);

accountRoutes.post(
  '/forgot-password',
  allow(anyone),
  throttle('forgot-password'),
  validForm(forgotPasswordInput, (c, rejected) =>
    c.html(<ForgotPasswordPage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  (c) => {
    const deps = c.get('deps');
    const organization = c.get('organization');
    const { email } = c.req.valid('form');
    // Looked up after answering: the same answer, as fast, whether or not the email has an account.
    deps.background.run('password reset', () =>
      createAccounts(deps).requestPasswordReset(organization, email),
    );
    return c.html(<ForgotPasswordPage {...chrome(c)} organization={organization} sent />);
  },
);

const tokenQuery = zValidator('query', z.object({ token: z.string().max(100).optional().catch(undefined) }));

accountRoutes.get('/reset-password', allow(anyone), throttle('account-link'), tokenQuery, async (c) => {
  const organization = c.get('organization');
  const token = c.req.valid('query').token ?? '';
  try {
    await createAccounts(c.get('deps')).links.check(organization, token, 'password-reset');
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'link_invalid')) throw error;
    return c.html(
      <ResetPasswordPage {...chrome(c)} organization={organization} token="" invalidLink={error.message} />,
      ERRORS.link_invalid.status,
    );
  }
  return c.html(<ResetPasswordPage {...chrome(c)} organization={organization} token={token} />);
});

accountRoutes.post(
  '/reset-password',
  allow(anyone),
  throttle('account-link'),
  validForm(resetPasswordInput, (c, rejected) => {
    const token = typeof rejected.values.token === 'string' ? rejected.values.token : '';
    return c.html(
      <ResetPasswordPage {...chrome(c)} organization={c.get('organization')} token={token} {...rejected} />,
      400,
    );
  }),
  async (c) => {
    const organization = c.get('organization');
    const { token, password } = c.req.valid('form');
    let account: Account;
    try {
      account = await createAccounts(c.get('deps')).completePasswordReset(organization, token, password);
    } catch (error) {
      if (error instanceof InvalidFields) {
        return c.html(
          <ResetPasswordPage
            {...chrome(c)}
            organization={organization}
            token={token}
            errors={error.fields}
          />,
          400,
        );
      }
      if (error instanceof DomainError && error.code === 'link_invalid') {
        return c.html(
          <ResetPasswordPage
            {...chrome(c)}
            organization={organization}
            token=""
            invalidLink={error.message}
          />,
          ERRORS.link_invalid.status,
        );
      }
      throw error;
    }
    await audit(c, 'password_reset', { accountId: account.id });
    // A reset ends every session of the account, including this browser's, if it had one.
    await endSession(c);
    noticeNext(c, 'password-reset');
    return c.redirect(`/${organization.code}/sign-in`, 303);
  },
);

// ---- Confirm an email address ----

accountRoutes.get('/confirm-email', allow(anyone), throttle('account-link'), tokenQuery, async (c) => {
  const organization = c.get('organization');
  const token = c.req.valid('query').token ?? '';
  try {
    const account = await createAccounts(c.get('deps')).links.check(
      organization,
      token,
      'email-confirmation',
    );
    return c.html(
      <ConfirmEmailPage
        {...chrome(c)}
        organization={organization}
        token={token}
        email={account.email}
        signedIn={c.get('viewer')?.account.id === account.id}
      />,
    );
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'link_invalid')) throw error;
    return c.html(
      <ConfirmEmailPage {...chrome(c)} organization={organization} invalidLink={error.message} />,
      ERRORS.link_invalid.status,
    );
  }
});

accountRoutes.post(
  '/confirm-email',
  allow(anyone),
  throttle('account-link'),
  validForm(confirmEmailInput, (c, rejected) =>
    c.html(
      <ConfirmEmailPage
        {...chrome(c)}
        organization={c.get('organization')}
        token={typeof rejected.values.token === 'string' ? rejected.values.token : ''}
        email={typeof rejected.values.email === 'string' ? rejected.values.email : ''}
        {...rejected}
      />,
      400,
    ),
  ),
  async (c) => {
    const organization = c.get('organization');
    const accounts = createAccounts(c.get('deps'));
    const { token, password } = c.req.valid('form');
    const invalid = (message: string) =>
      c.html(
        <ConfirmEmailPage {...chrome(c)} organization={organization} invalidLink={message} />,
        ERRORS.link_invalid.status,
      );
    let holder: Account;
    try {
      holder = await accounts.links.check(organization, token, 'email-confirmation');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'link_invalid') return invalid(error.message);
      throw error;
    }
    // The link proves the mailbox; the password proves it is the person who signed up.
    if (c.get('viewer')?.account.id !== holder.id) {
      const attempt = await attemptSignIn(c, organization, holder.email, password ?? '', null, 'allow');
      // With an authenticator: finish signing in, then open the link again, signed in.
      if (!attempt.ok && attempt.refusal === 'code_needed') {
        return c.redirect(`/${organization.code}/sign-in/code`, 303);
      }
      if (!attempt.ok || attempt.account.id !== holder.id) {
        const refusal = attempt.ok ? 'bad_credentials' : attempt.refusal;
        return c.html(
          <ConfirmEmailPage
            {...chrome(c)}
            organization={organization}
            token={token}
            email={holder.email}
            errors={{ password: 'That is not the password of this account.' }}
          />,
          ERRORS[refusal].status,
        );
      }
    }
    try {
      await accounts.confirmEmail(organization, token, holder.id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'link_invalid') return invalid(error.message);
      throw error;
    }
    await audit(c, 'email_confirmed', { accountId: holder.id });
    noticeNext(c, 'email-confirmed');
    return c.redirect(`/${organization.code}`, 303);
  },
);

// ---- Unlock sign-in by the owner's emailed link ----

accountRoutes.get('/unlock', allow(anyone), throttle('account-link'), tokenQuery, async (c) => {
  const organization = c.get('organization');
  const token = c.req.valid('query').token ?? '';
  try {
    await createAccounts(c.get('deps')).links.check(organization, token, 'unlock');
    return c.html(<UnlockPage {...chrome(c)} organization={organization} token={token} />);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'link_invalid')) throw error;
    return c.html(
      <UnlockPage {...chrome(c)} organization={organization} invalidLink={error.message} />,
      ERRORS.link_invalid.status,
    );
  }
});

accountRoutes.post(
  '/unlock',
  allow(anyone),
  throttle('account-link'),
  validForm(z.object({ token: z.string().min(1).max(100) }), (c) =>
    c.html(
      <UnlockPage
        {...chrome(c)}
        organization={c.get('organization')}
        invalidLink={ERRORS.link_invalid.message}
      />,
      ERRORS.link_invalid.status,
    ),
  ),
  async (c) => {
    const organization = c.get('organization');
    const accounts = createAccounts(c.get('deps'));
    try {
      const account = await accounts.unlockWithLink(organization, c.req.valid('form').token);
      // The owner's own browser: it signs in even if a stranger keeps guessing.
      await accounts.rememberDevice(account.id, ensureDeviceToken(c));
      await audit(c, 'account_unlocked', { accountId: account.id, detail: { by: 'owner' } });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'link_invalid')) throw error;
      return c.html(
        <UnlockPage {...chrome(c)} organization={organization} invalidLink={error.message} />,
        ERRORS.link_invalid.status,
      );
    }
    noticeNext(c, 'account-unlocked');
    return c.redirect(`/${organization.code}/sign-in`, 303);
  },
);

// ---- Profile ----

/** Where the viewer's phone pairing stands, for the profile page. */
async function pairingState(
  c: Context<AppEnv>,
  account: Account,
  said?: PhonePairingState['said'],
  codeError?: string,
): Promise<PhonePairingState> {
  const waiting = await profilePairing(c.get('deps'), c.get('organization').id, account.id);
  return { waitingFor: waiting?.phone ?? null, said, codeError };
}

accountRoutes.get('/profile', allow(signedIn), async (c) => {
  const viewer = c.get('viewer');
  if (!viewer) return renderError(c, 'not_signed_in');
  const said = takeNotice(c);
  return c.html(
    <ProfilePage
      {...chrome(c)}
      organization={c.get('organization')}
      account={viewer.account}
      values={profileValues(viewer.account)}
      pairing={
        await pairingState(
          c,
          viewer.account,
          said === 'phone-paired' || said === 'pairing-code-sent' ? said : undefined,
        )
      }
    />,
  );
});

accountRoutes.post(
  '/profile',
  allow(signedIn),
  validForm(profileInput, async (c, rejected) => {
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    return c.html(
      <ProfilePage
        {...chrome(c)}
        organization={c.get('organization')}
        account={viewer.account}
        pairing={await pairingState(c, viewer.account)}
        {...rejected}
      />,
      400,
    );
  }),
  async (c) => {
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    const organization = c.get('organization');
    const deps = c.get('deps');
    const { account, phoneToPair } = await createAccounts(deps).updateProfile(
      organization,
      viewer.account.id,
      c.req.valid('form'),
    );
    await audit(c, 'profile_updated', { accountId: account.id });
    c.set('viewer', { ...viewer, account });
    let said: PhonePairingState['said'];
    if (phoneToPair) {
      const sent = await requestPairingFromProfile(deps, organization, account, phoneToPair);
      said = sent === 'sent' ? 'pairing-code-sent' : sent;
    }
    return c.html(
      <ProfilePage
        {...chrome(c)}
        organization={organization}
        account={account}
        values={profileValues(account)}
        pairing={await pairingState(c, account, said)}
        saved
      />,
    );
  },
);

/** A new code for the phone waiting to be paired, or for the profile's unpaired mobile. */
accountRoutes.post('/profile/phone/code', allow(signedIn), async (c) => {
  const viewer = c.get('viewer');
  if (!viewer) return renderError(c, 'not_signed_in');
  const organization = c.get('organization');
  const deps = c.get('deps');
  const waiting = await profilePairing(deps, organization.id, viewer.account.id);
  const phone = waiting?.phone ?? (viewer.account.smsPairedAt ? null : viewer.account.mobile);
  if (!phone) return c.redirect(`/${organization.code}/profile`, 303);
  const sent = await requestPairingFromProfile(deps, organization, viewer.account, phone);
  if (sent === 'sent') {
    noticeNext(c, 'pairing-code-sent');
    return c.redirect(`/${organization.code}/profile`, 303);
  }
  return c.html(
    <ProfilePage
      {...chrome(c)}
      organization={organization}
      account={viewer.account}
      values={profileValues(viewer.account)}
      pairing={await pairingState(c, viewer.account, sent)}
    />,
    sent === 'too_many' ? 429 : sent === 'unavailable' ? 503 : 409,
  );
});

const pairingCode = z.object({
  code: z.string().max(100).optional().default(''),
});

/** The code the phone was texted: right, and the phone is paired. */
accountRoutes.post(
  '/profile/phone/pair',
  allow(signedIn),
  validForm(pairingCode, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    const organization = c.get('organization');
    const deps = c.get('deps');
    const code = c.req.valid('form').code.replace(/\s/g, '');
    const outcome = /^\d{6}$/.test(code)
      ? await confirmPairingFromProfile(deps, organization, viewer.account, code)
      : 'wrong_code';
    if (outcome === 'paired') {
      noticeNext(c, 'phone-paired');
      return c.redirect(`/${organization.code}/profile`, 303);
    }
    const message =
      outcome === 'no_pairing'
        ? 'That code has expired or was tried too many times. Ask for a new one below.'
        : 'That is not the code we texted. Enter the six digits of the newest text.';
    return c.html(
      <ProfilePage
        {...chrome(c)}
        organization={organization}
        account={viewer.account}
        values={profileValues(viewer.account)}
        pairing={await pairingState(c, viewer.account, undefined, message)}
      />,
      400,
    );
  },
);
