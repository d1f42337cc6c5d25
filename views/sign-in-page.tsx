import type { Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, Notice, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

export function SignInPage(
  props: PageChrome & {
    organization: Organization;
    values?: FormValues;
    errors?: FieldErrors;
    /** Where to go after signing in (a path inside this organization). */
    next?: string | undefined;
    notice?: string | undefined;
  },
) {
  const { organization, values, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Sign in">
      <h1>Sign in</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary errors={errors} />
      {organization.ssoIssuer && organization.ssoClientId && (
        <>
          <p>
            <a
              class="button"
              href={`${base}/sso/start${props.next ? `?next=${encodeURIComponent(props.next)}` : ''}`}
            >
              {organization.ssoButtonLabel}
            </a>
          </p>
          <p class="muted">Or sign in with your email and password:</p>
        </>
      )}
      <form method="post" action={`${base}/sign-in`} novalidate>
        <CsrfField token={props.csrfToken} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <Field
          name="email"
          label="Email"
          type="email"
          autocomplete="username"
          value={typed(values, 'email')}
          error={errors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          error={errors.password}
        />
        <button type="submit">Sign in</button>
      </form>
      <p>
        <a href={`${base}/forgot-password`}>Forgot your password?</a>
      </p>
      <p>
        New here? <a href={`${base}/sign-up`}>Create an account</a>
      </p>
    </Layout>
  );
}

/** The second step for accounts with an authenticator app. */
export function SignInCodePage(
  props: PageChrome & { organization: Organization; values?: FormValues; errors?: FieldErrors },
) {
  const { organization, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Enter your code">
      <h1>Enter your code</h1>
      <p>Your password was right. Now open your authenticator app and type the six-digit code it shows.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/sign-in/code`} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="code"
          label="Code"
          autocomplete="one-time-code"
          hint="Lost your phone? Type one of your recovery codes instead, like k7m2p-x9qrt."
          error={errors.code}
        />
        <button type="submit">Sign in</button>
      </form>
      <p>
        <a href={`${base}/sign-in`}>Start again</a>
      </p>
    </Layout>
  );
}
