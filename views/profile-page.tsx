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

/** Where pairing the profile's phone stands: the phone waiting for its texted code, and what just happened. */
export interface PhonePairingState {
  waitingFor: string | null;
  said?: 'phone-paired' | 'pairing-code-sent' | 'stopped' | 'too_many' | 'failed' | 'unavailable' | undefined;
  codeError?: string | undefined;
}

export function ProfilePage(
  props: PageChrome & {
    organization: Organization;
    account: Account;
    values: FormValues;
    errors?: FieldErrors;
    saved?: boolean;
    pairing: PhonePairingState;
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
      </p>
      <PhonePairing
        organization={organization}
        account={account}
        pairing={props.pairing}
        csrfToken={props.csrfToken}
      />
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

/**
 * Text attendance: which phone is paired, and the code form while a new one waits. Pairing needs
 * the code texted to the phone, so typing someone else's number pairs nothing.
 */
function PhonePairing(props: {
  organization: Organization;
  account: Account;
  pairing: PhonePairingState;
  csrfToken: string;
}) {
  const { organization, account, pairing } = props;
  const base = `/${organization.code}/profile/phone`;
  const number = organization.smsNumber;
  return (
    <section aria-labelledby="text-attendance">
      <h2 id="text-attendance">Text attendance</h2>
      {pairing.said === 'phone-paired' && (
        <Notice>Your phone number has been updated: texts from it now record your attendance.</Notice>
      )}
      {pairing.said === 'pairing-code-sent' && pairing.waitingFor && (
        <Notice>We texted a 6-digit code to {pairing.waitingFor}. Enter it below to pair that phone.</Notice>
      )}
      {pairing.said === 'stopped' && (
        <p class="alert alert-warn" role="status">
          That phone texted STOP to {number ?? 'our number'}, so we cannot text it a code. Text START from it
          first, then ask for a new code.
        </p>
      )}
      {pairing.said === 'failed' && (
        <p class="alert alert-warn" role="status">
          We could not text that number: check that it is a mobile phone that takes texts, then ask for a new
          code.
        </p>
      )}
      {pairing.said === 'unavailable' && (
        <p class="alert alert-warn" role="status">
          Our texting service did not answer just now, so no code went to that phone. Ask for a new code in a
          few minutes.
        </p>
      )}
      {pairing.said === 'too_many' && (
        <p class="alert alert-warn" role="status">
          We have texted several pairing codes lately. Use the newest one, or try again later.
        </p>
      )}
      {account.mobile && account.smsPairedAt ? (
        <p>
          <strong>{account.mobile}</strong> is paired: text a session’s attendance code
          {number ? ` to ${number}` : ''} to record your attendance.
        </p>
      ) : (
        <p>
          No phone is paired with your account yet. Enter your mobile number above and save, and we will text
          it a code; or text your email address{number ? ` to ${number}` : ''} from the phone.
        </p>
      )}
      {pairing.waitingFor ? (
        <form method="post" action={`${base}/pair`} novalidate>
          <CsrfField token={props.csrfToken} />
          <Field
            name="code"
            label={`Code texted to ${pairing.waitingFor}`}
            inputmode="numeric"
            autocomplete="one-time-code"
            hint="Six digits; the code is good for 30 minutes."
            value=""
            error={pairing.codeError}
          />
          <p class="actions">
            <button type="submit">Pair this phone</button>
          </p>
        </form>
      ) : null}
      {pairing.waitingFor || (account.mobile && !account.smsPairedAt) ? (
        // A code that never came (a phone off, Twilio down) can be asked for again.
        <form method="post" action={`${base}/code`}>
          <CsrfField token={props.csrfToken} />
          <p class="actions">
            <button type="submit" class="button secondary">
              {pairing.waitingFor
                ? `Text a new code to ${pairing.waitingFor}`
                : `Text a pairing code to ${account.mobile}`}
            </button>
          </p>
        </form>
      ) : null}
    </section>
  );
}
