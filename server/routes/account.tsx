import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { ForgotPasswordPage } from '../../views/forgot-password-page';
import { OrganizationHomePage } from '../../views/organization-home-page';
import { ProfilePage, profileValues } from '../../views/profile-page';
import { ResetPasswordPage } from '../../views/reset-password-page';
import { SignInPage } from '../../views/sign-in-page';
import { SignUpPage } from '../../views/sign-up-page';
import { DomainError, ERRORS } from '../../workflows/errors';
import { allow, anyone, signedIn } from '../access';
import {
  InvalidFields,
  createAccounts,
  forgotPasswordInput,
  profileInput,
  resetPasswordInput,
  signInInput,
  signUpInput,
} from '../accounts';
import type { AppEnv } from '../context';
import { endSession, startSession } from '../auth/sessions';
import { validForm } from '../forms';
import { chrome, sameOrganizationPath } from '../page';
import { renderError } from '../respond';

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.get('/', allow(anyone), (c) =>
  c.html(<OrganizationHomePage {...chrome(c)} organization={c.get('organization')} />),
);

// ---- Sign up ----

accountRoutes.get('/sign-up', allow(anyone), (c) => {
  if (c.get('viewer')) return c.redirect(`/${c.get('organization').code}`, 303);
  return c.html(<SignUpPage {...chrome(c)} organization={c.get('organization')} />);
});

accountRoutes.post(
  '/sign-up',
  allow(anyone),
  validForm(signUpInput, (c, rejected) =>
    c.html(<SignUpPage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    const input = c.req.valid('form');
    try {
      const account = await createAccounts(c.get('deps')).signUp(organization, input);
      await startSession(c, account.id);
      return c.redirect(`/${organization.code}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'account_exists')) throw error;
      const { password: _p, confirmPassword: _c, ...typed } = input;
      return c.html(
        <SignUpPage
          {...chrome(c)}
          organization={organization}
          values={{ ...typed, mobile: typed.mobile ?? '' }}
          accountExists={error.message}
        />,
        ERRORS.account_exists.status,
      );
    }
  },
);

// ---- Sign in and out ----

accountRoutes.get(
  '/sign-in',
  allow(anyone),
  zValidator(
    'query',
    z.object({ next: z.string().optional().catch(undefined), reset: z.string().optional().catch(undefined) }),
  ),
  (c) => {
    const organization = c.get('organization');
    const { next, reset } = c.req.valid('query');
    const back = sameOrganizationPath(next, organization.code) ?? undefined;
    if (c.get('viewer')) return c.redirect(back ?? `/${organization.code}`, 303);
    return c.html(
      <SignInPage
        {...chrome(c)}
        organization={organization}
        next={back}
        notice={reset ? 'Your new password is set. Sign in with it.' : undefined}
      />,
    );
  },
);

accountRoutes.post(
  '/sign-in',
  allow(anyone),
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
    try {
      const account = await createAccounts(c.get('deps')).signIn(organization, email, password);
      await startSession(c, account.id);
      return c.redirect(back ?? `/${organization.code}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code !== 'bad_credentials' && error.code !== 'account_locked') throw error;
      return c.html(
        <SignInPage
          {...chrome(c)}
          organization={organization}
          values={{ email }}
          errors={{ form: error.message }}
          next={back ?? undefined}
        />,
        ERRORS[error.code].status,
      );
    }
  },
);

/** Anyone may sign out: a session that already timed out ends quietly too. */
accountRoutes.post('/sign-out', allow(anyone), async (c) => {
  await endSession(c);
  return c.redirect(`/${c.get('organization').code}`, 303);
});

// ---- Forgot and reset password ----

accountRoutes.get(
  '/forgot-password',
  allow(anyone),
  zValidator('query', z.object({ email: z.string().optional().catch(undefined) })),
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
  validForm(forgotPasswordInput, (c, rejected) =>
    c.html(<ForgotPasswordPage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    await createAccounts(c.get('deps')).requestPasswordReset(organization, c.req.valid('form').email);
    // The same answer whether or not the email has an account.
    return c.html(<ForgotPasswordPage {...chrome(c)} organization={organization} sent />);
  },
);

accountRoutes.get(
  '/reset-password',
  allow(anyone),
  zValidator('query', z.object({ token: z.string().optional().catch(undefined) })),
  async (c) => {
    const organization = c.get('organization');
    const token = c.req.valid('query').token ?? '';
    try {
      await createAccounts(c.get('deps')).checkResetLink(organization, token);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'reset_link_invalid')) throw error;
      return c.html(
        <ResetPasswordPage {...chrome(c)} organization={organization} token="" invalidLink={error.message} />,
        ERRORS.reset_link_invalid.status,
      );
    }
    return c.html(<ResetPasswordPage {...chrome(c)} organization={organization} token={token} />);
  },
);

accountRoutes.post(
  '/reset-password',
  allow(anyone),
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
    try {
      await createAccounts(c.get('deps')).completePasswordReset(organization, token, password);
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
      if (error instanceof DomainError && error.code === 'reset_link_invalid') {
        return c.html(
          <ResetPasswordPage
            {...chrome(c)}
            organization={organization}
            token=""
            invalidLink={error.message}
          />,
          ERRORS.reset_link_invalid.status,
        );
      }
      throw error;
    }
    // A reset ends every session of the account, including this browser's, if it had one.
    await endSession(c);
    return c.redirect(`/${organization.code}/sign-in?reset=1`, 303);
  },
);

// ---- Profile ----

accountRoutes.get('/profile', allow(signedIn), (c) => {
  const viewer = c.get('viewer');
  if (!viewer) return renderError(c, 'not_signed_in');
  return c.html(
    <ProfilePage
      {...chrome(c)}
      organization={c.get('organization')}
      account={viewer.account}
      values={profileValues(viewer.account)}
    />,
  );
});

accountRoutes.post(
  '/profile',
  allow(signedIn),
  validForm(profileInput, (c, rejected) => {
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    return c.html(
      <ProfilePage
        {...chrome(c)}
        organization={c.get('organization')}
        account={viewer.account}
        {...rejected}
      />,
      400,
    );
  }),
  async (c) => {
    const viewer = c.get('viewer');
    if (!viewer) return renderError(c, 'not_signed_in');
    const organization = c.get('organization');
    const account = await createAccounts(c.get('deps')).updateProfile(
      organization,
      viewer.account.id,
      c.req.valid('form'),
    );
    const updatedViewer = { ...viewer, account };
    c.set('viewer', updatedViewer);
    return c.html(
      <ProfilePage
        {...chrome(c)}
        organization={organization}
        account={account}
        values={profileValues(account)}
        saved
      />,
    );
  },
);
