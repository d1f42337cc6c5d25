import type { Organization } from '../db/schema';
import type { FieldErrors } from '../server/forms';
import { ErrorSummary, Field, Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { NewPasswordFields } from './person-fields';

/** What the authenticator half of the page shows. */
export type AuthenticatorState =
  | { step: 'off' }
  /** Enrolment started: scan, then type a code to prove the app has the secret. */
  | { step: 'scan'; qrCode: string; secret: string }
  | { step: 'on'; recoveryCodesLeft: number }
  /** Just turned on, or new codes made: shown this once. */
  | { step: 'codes'; recoveryCodes: string[] };

export function SecurityPage(
  props: PageChrome & {
    organization: Organization;
    authenticator: AuthenticatorState;
    /** The organization requires an authenticator of this person's roles. */
    required: boolean;
    errors?: FieldErrors;
    notice?: string | undefined;
  },
) {
  const { organization, authenticator, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Password and sign-in">
      <h1>Password and sign-in</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.required && authenticator.step !== 'on' && authenticator.step !== 'codes' && (
        <p class="alert alert-warn" role="status">
          {organization.name} asks reviewers and admins to sign in with an authenticator app as well as a
          password. Set one up below to continue.
        </p>
      )}

      <section aria-labelledby="authenticator-heading">
        <h2 id="authenticator-heading">Authenticator app</h2>
        {authenticator.step === 'off' && (
          <>
            <p>
              Sign in with a six-digit code from an app on your phone (Google Authenticator, Microsoft
              Authenticator, 1Password…) as well as your password, so a stolen password is not enough.
            </p>
            <form method="post" action={`${base}/security/authenticator`}>
              <CsrfField token={props.csrfToken} />
              <button type="submit">Set up an authenticator app</button>
            </form>
          </>
        )}
        {authenticator.step === 'scan' && (
          <>
            <ol>
              <li>In your authenticator app, add an account and scan this code.</li>
              <li>Type the six-digit code the app then shows.</li>
            </ol>
            <img
              src={authenticator.qrCode}
              width={220}
              height={220}
              alt="QR code for your authenticator app"
            />
            <p>
              Cannot scan? Enter this key by hand: <code class="secret">{authenticator.secret}</code>
            </p>
            <form method="post" action={`${base}/security/authenticator/confirm`} novalidate>
              <CsrfField token={props.csrfToken} />
              <Field name="code" label="Code from the app" autocomplete="one-time-code" error={errors.code} />
              <button type="submit">Turn on</button>
            </form>
          </>
        )}
        {authenticator.step === 'codes' && (
          <>
            <p>
              Keep these recovery codes somewhere safe, away from your phone. Each one signs you in once if
              you lose the app. They are shown only now.
            </p>
            <ul class="recovery-codes" aria-label="Recovery codes">
              {authenticator.recoveryCodes.map((code) => (
                <li>
                  <code>{code}</code>
                </li>
              ))}
            </ul>
            <p>
              <a href={`${base}/security`}>I have saved them</a>
            </p>
          </>
        )}
        {authenticator.step === 'on' && (
          <>
            <p>
              On. You have {authenticator.recoveryCodesLeft} unused recovery code
              {authenticator.recoveryCodesLeft === 1 ? '' : 's'}.
            </p>
            <form method="post" action={`${base}/security/recovery-codes`} novalidate>
              <CsrfField token={props.csrfToken} />
              <Field
                name="code"
                label="Code from the app, to make new recovery codes"
                autocomplete="one-time-code"
                error={errors.code}
              />
              <button type="submit">Make new recovery codes</button>
            </form>
            {!props.required && (
              <form method="post" action={`${base}/security/authenticator/off`} novalidate>
                <CsrfField token={props.csrfToken} />
                <Field
                  name="offPassword"
                  label="Your password, to turn the app off"
                  type="password"
                  autocomplete="current-password"
                  error={errors.offPassword}
                />
                <button type="submit" class="secondary">
                  Turn off
                </button>
              </form>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Change your password</h2>
        <p class="muted">Changing it signs you out everywhere else.</p>
        <ErrorSummary errors={errors} />
        <form method="post" action={`${base}/security/password`} novalidate>
          <CsrfField token={props.csrfToken} />
          <Field
            name="currentPassword"
            label="Current password"
            type="password"
            autocomplete="current-password"
            error={errors.currentPassword}
          />
          <NewPasswordFields organization={organization} errors={errors} label="New password" />
          <button type="submit">Change password</button>
        </form>
      </section>
    </Layout>
  );
}
