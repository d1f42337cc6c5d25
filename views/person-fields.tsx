import type { Organization } from '../db/schema';
import { PASSWORD_POLICIES } from '../server/auth/password-policy';
import type { FieldErrors, FormValues } from '../server/forms';
import { Field, SelectField, typed } from './field';

/** Who someone is, as sign-up asks and the profile edits: names, degree and profession (both required). */
export function PersonFields(props: {
  organization: Organization;
  values?: FormValues;
  errors: FieldErrors;
}) {
  const { organization, values, errors } = props;
  return (
    <>
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
    </>
  );
}

/** The optional mobile number learners text attendance codes from. */
export function MobileField(props: { values?: FormValues; errors: FieldErrors }) {
  return (
    <Field
      name="mobile"
      label="Mobile phone"
      type="tel"
      autocomplete="tel"
      required={false}
      hint="To claim credit by text message. US numbers may be typed as (555) 123-4567; others with + and the country code."
      value={typed(props.values, 'mobile')}
      error={props.errors.mobile}
    />
  );
}

/** A password to choose and its confirmation, with the organization's policy as the hint. Never refilled. */
export function NewPasswordFields(props: {
  organization: Organization;
  errors: FieldErrors;
  /** "Password" at sign-up, "New password" at a reset. */
  label: string;
}) {
  return (
    <>
      <Field
        name="password"
        label={props.label}
        type="password"
        autocomplete="new-password"
        hint={PASSWORD_POLICIES[props.organization.passwordPolicy].rules}
        error={props.errors.password}
      />
      <Field
        name="confirmPassword"
        label={`Confirm ${props.label.toLowerCase()}`}
        type="password"
        autocomplete="new-password"
        error={props.errors.confirmPassword}
      />
    </>
  );
}
