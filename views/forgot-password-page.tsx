import type { Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { Field, Notice, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/** The answer after a request: identical whether or not the email has an account. */
export const RESET_REQUESTED =
  'If an account uses that email, we have sent it a link to choose a new password. The link works once, within an hour. Check your spam folder if it does not arrive.';

export function ForgotPasswordPage(
  props: PageChrome & {
    organization: Organization;
    values?: FormValues;
    errors?: FieldErrors;
    sent?: boolean;
  },
) {
  const { organization, values, errors = {} } = props;
  const base = `/${organization.code}`;
  return (
    <Layout {...props} title="Forgot your password?">
      <h1>Forgot your password?</h1>
      {props.sent ? (
        <>
          <Notice>{RESET_REQUESTED}</Notice>
          <p>
            <a href={`${base}/sign-in`}>Back to sign in</a>
          </p>
        </>
      ) : (
        <>
          <p>
            Enter the email of your account and we will send you a link to choose a new password. A new
            password also unlocks a locked account.
          </p>
          <form method="post" action={`${base}/forgot-password`} novalidate>
            <CsrfField token={props.csrfToken} />
            <Field
              name="email"
              label="Email"
              type="email"
              autocomplete="email"
              value={typed(values, 'email')}
              error={errors.email}
            />
            <button type="submit">Send reset link</button>
          </form>
        </>
      )}
    </Layout>
  );
}
