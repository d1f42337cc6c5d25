import type { Organization } from '../db/schema';
import { PASSWORD_POLICIES } from '../server/auth/password-policy';
import type { FieldErrors, FormValues } from '../server/forms';
import { Field, FormAlert, SelectField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

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
        <Field
          name="firstName"
          label="First name"
          autocomplete="given-name"
          value={typed(values, 'firstName')}
          error={errors.firstName}
        />
        <Field
          name="lastName"
          label="Last name"
          autocomplete="family-name"
          value={typed(values, 'lastName')}
          error={errors.lastName}
        />
        <SelectField
          name="degree"
          label="Degree"
          placeholder="-- Select degree --"
          options={organization.degrees}
          value={typed(values, 'degree')}
          error={errors.degree}
        />
        <SelectField
          name="profession"
          label="Profession"
          placeholder="-- Select profession --"
          options={organization.professions}
          value={typed(values, 'profession')}
          error={errors.profession}
        />
        <Field
          name="mobile"
          label="Mobile phone"
          type="tel"
          autocomplete="tel"
          required={false}
          hint="To claim credit by text message. US numbers may be typed as (555) 123-4567; others with + and the country code."
          value={typed(values, 'mobile')}
          error={errors.mobile}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          hint={PASSWORD_POLICIES[organization.passwordPolicy].rules}
          error={errors.password}
        />
        <Field
          name="confirmPassword"
          label="Confirm password"
          type="password"
          autocomplete="new-password"
          error={errors.confirmPassword}
        />
        <button type="submit">Create account</button>
      </form>
    </Layout>
  );
}
