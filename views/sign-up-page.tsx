import type { Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { Field, FormAlert, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { MobileField, NewPasswordFields, PersonFields } from './person-fields';

export function SignUpPage(
  props: PageChrome & {
    organization: Organization;
    values?: FormValues;
    errors?: FieldErrors;
    /** The email already has an account: point to a password reset instead. */
    accountExists?: string;
  },
) {
  const { organization, values, errors = {} } = props;
  const base = `/${organization.code}`;
  const email = typed(values, 'email');
  return (
    <Layout {...props} title="Create an account">
      <h1>Create an account</h1>
      <p class="muted">
        Attended a {organization.name} activity before? You already have an account: please do not create a
        second one. <a href={`${base}/sign-in`}>Sign in</a> instead.
      </p>
      <FormAlert>
        {props.accountExists && (
          <>
            {props.accountExists}{' '}
            <a href={`${base}/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>
              Forgot your password?
            </a>
          </>
        )}
        {!props.accountExists && errors.form}
      </FormAlert>
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
