import type { Organization } from '../db/schema';
import type { FieldErrors } from '../server/forms';
import { ErrorSummary, Field, FormAlert } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/** A link that did not work: say so, and where to get a new one. */
function InvalidLink(props: { message: string; again: { href: string; label: string } }) {
  return (
    <>
      <FormAlert>{props.message}</FormAlert>
      <p>
        <a href={props.again.href}>{props.again.label}</a>
      </p>
    </>
  );
}

/**
 * The emailed confirmation link lands here. Opening it changes nothing (mail scanners open links
 * too); the button does, with the account's password unless this browser is signed in as it.
 */
export function ConfirmEmailPage(
  props: PageChrome & {
    organization: Organization;
    token?: string;
    email?: string;
    signedIn?: boolean;
    errors?: FieldErrors;
    invalidLink?: string | undefined;
  },
) {
  const { organization, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Confirm your email">
      <h1>Confirm your email</h1>
      {props.invalidLink ? (
        <InvalidLink
          message={props.invalidLink}
          again={
            props.viewer
              ? { href: base, label: 'Go to your home page to send a new link' }
              : {
                  href: `${base}/sign-in`,
                  label: 'Sign in with your password, and a new link is emailed to you',
                }
          }
        />
      ) : (
        <>
          <p>
            Confirm that <strong>{props.email}</strong> is your address. Then you can claim credit and be
            added as faculty.
          </p>
          <ErrorSummary errors={errors} />
          <form method="post" action={`${base}/confirm-email`} novalidate>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="token" value={props.token ?? ''} />
            {!props.signedIn && (
              <Field
                name="password"
                label="Your password"
                type="password"
                autocomplete="current-password"
                hint="The one you chose when you created the account."
                error={errors.password}
              />
            )}
            <button type="submit">{props.signedIn ? 'Confirm my email' : 'Confirm and sign in'}</button>
          </form>
        </>
      )}
    </Layout>
  );
}

/** The emailed unlock link lands here; the button unlocks, so a mail scanner opening the link does not. */
export function UnlockPage(
  props: PageChrome & { organization: Organization; token?: string; invalidLink?: string | undefined },
) {
  const base = `/${props.organization.code}`;
  return (
    <Layout {...props} title="Unlock your account">
      <h1>Unlock your account</h1>
      {props.invalidLink ? (
        <InvalidLink
          message={props.invalidLink}
          again={{ href: `${base}/forgot-password`, label: 'Reset your password instead' }}
        />
      ) : (
        <>
          <p>
            Sign-in with a password was paused after several wrong passwords. Unlock it, and this browser can
            sign in even if someone else keeps guessing.
          </p>
          <form method="post" action={`${base}/unlock`}>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="token" value={props.token ?? ''} />
            <button type="submit">Unlock my account</button>
          </form>
        </>
      )}
    </Layout>
  );
}
