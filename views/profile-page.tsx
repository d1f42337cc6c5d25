import { profileIncomplete } from '../server/profile';
import type { Account, Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, Notice, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { MobileField, PersonFields } from './person-fields';

/** The form's values for a stored account. */
export function profileValues(account: Account): FormValues {
  return {
    firstName: account.firstName,
    lastName: account.lastName,
    degree: account.degree,
    profession: account.profession,
    specialties: account.specialties.join(', '),
    mobile: account.mobile ?? '',
    npi: account.npi ?? '',
    boardId: account.boardId ?? '',
  };
}

export function ProfilePage(
  props: PageChrome & {
    organization: Organization;
    account: Account;
    values: FormValues;
    errors?: FieldErrors;
    saved?: boolean;
  },
) {
  const { organization, account, values, errors = {} } = props;
  const specialties = values.specialties;
  return (
    <Layout {...props} title="Your profile">
      <h1>Your profile</h1>
      {props.saved && <Notice>Your profile was saved.</Notice>}
      {!props.saved && profileIncomplete(account) && (
        <p class="alert alert-warn" role="status">
          Welcome to {organization.name} CME. Before anything else, tell us your name as it should appear on
          certificates, your degree and your profession.
        </p>
      )}
      <ErrorSummary errors={errors} />
      <p>
        Signed in as <strong>{account.email}</strong>
        {account.mobile && account.smsPairedAt && <span class="muted"> · phone paired for text claims</span>}
      </p>
      <form method="post" action={`/${organization.code}/profile`} novalidate>
        <CsrfField token={props.csrfToken} />
        <PersonFields organization={organization} values={values} errors={errors} />
        <Field
          name="specialties"
          label="Specialties"
          required={false}
          hint="Separate several with commas, for example: Cardiology, Internal Medicine."
          value={Array.isArray(specialties) ? specialties.join(', ') : specialties}
          error={errors.specialties}
        />
        <MobileField values={values} errors={errors} />
        <Field
          name="npi"
          label="NPI"
          inputmode="numeric"
          required={false}
          hint="Your 10-digit National Provider Identifier, if you have one."
          value={typed(values, 'npi')}
          error={errors.npi}
        />
        <Field
          name="boardId"
          label="Board ID"
          required={false}
          hint="Your certifying board's ID, for Maintenance of Certification reporting."
          value={typed(values, 'boardId')}
          error={errors.boardId}
        />
        <button type="submit">Save profile</button>
      </form>
    </Layout>
  );
}
