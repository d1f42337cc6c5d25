import type { Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, Notice, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { MobileField, NewPasswordFields, PersonFields } from './person-fields';

export function SignUpPage(
  props: PageChrome & {
    organization: Organization;
    values?: FormValues;
    errors?: FieldErrors;
    /** Submitted: the same answer whether or not the email already had an account. */
    sentTo?: string;
  },
) {
  const { organization, values, errors = {} } = props;
  const base = `/${organization.code}`;
  const email = typed(values, 'email');
  if (props.sentTo !== undefined) {
    return (
      <Layout {...props} title="Check your email">
        <h1>Check your email</h1>
        <Notice>
          We have sent a message to {props.sentTo}. Open the link in it to confirm your address and finish
          creating your account. If that email already has an account, the message says how to get back into
          it instead.
        </Notice>
        <p class="muted">
          Nothing after a few minutes? Check your spam folder, or <a href={`${base}/sign-up`}>try again</a>{' '}
          with the right address.
        </p>
      </Layout>
    );
  }
  return (
    <Layout {...props} title="Create an account">
      <h1>Create an account</h1>
      <p class="muted">
        Attended a {organization.name} activity before? You already have an account: please do not create a
        second one. <a href={`${base}/sign-in`}>Sign in</a> instead.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/sign-up`} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          value={email}
          error={errors.email}
        />
        <PersonFields organization={organization} values={values} errors={errors} />
        <MobileField values={values} errors={errors} />
        <NewPasswordFields organization={organization} errors={errors} label="Password" />
        <button type="submit">Create account</button>
      </form>
    </Layout>
  );
}
