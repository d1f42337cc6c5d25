import type { Organization } from '../db/schema';
import { FIRST_LOCK_MINUTES } from '../server/accounts';
import { MIN_DAYS_TO_COMPLETE } from '../server/credit-requirements';
import { PASSWORD_POLICIES } from '../server/auth/password-policy';

import type { FieldErrors, FormValues } from '../server/forms';
import { CheckboxField, ErrorSummary, Field, Notice, SelectField, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/** NIST SP 800-63B and OWASP ASVS 5.0 both advise against composition rules. */
export const STRONGER_DEFAULT =
  'The default is the stronger policy: length and refusing common passwords resist guessing better than required character kinds, which push people to patterns like Password1!.';

export function AdminSettingsPage(
  props: PageChrome & {
    organization: Organization;
    timeZones: string[];
    values: FormValues;
    errors?: FieldErrors;
    saved?: boolean;
    /** The address the identity provider sends people back to, to register there. */
    ssoCallbackUrl: string;
  },
) {
  const { organization, values, errors = {} } = props;
  return (
    <Layout {...props} title="Organization settings">
      <h1>Organization settings</h1>
      {props.saved && <Notice>The settings were saved.</Notice>}
      <ErrorSummary errors={errors} />
      <p class="muted">
        Organization code <strong>{organization.code}</strong>: part of every address of this office, so it
        does not change here.
      </p>
      <form method="post" action={`/${organization.code}/admin/settings`} novalidate>
        <CsrfField token={props.csrfToken} />
        <h2>Office</h2>
        <Field name="name" label="Name" value={typed(values, 'name')} error={errors.name} />
        <SelectField
          name="timeZone"
          label="Time zone"
          hint="Series years end on December 31 at 23:59:59 in this zone; sessions are shown in it."
          options={props.timeZones}
          value={typed(values, 'timeZone')}
          error={errors.timeZone}
        />
        <Field
          name="smsNumber"
          label="SMS number"
          type="tel"
          required={false}
          hint="The Twilio number learners text their attendance codes to, in E.164 form (+15555550100)."
          value={typed(values, 'smsNumber')}
          error={errors.smsNumber}
        />
        <Field
          name="twilioAccountSid"
          label="Twilio Account SID"
          required={false}
          autocomplete="off"
          hint="From the Twilio console (AC…). Leave empty to keep texts in the development outbox."
          value={typed(values, 'twilioAccountSid')}
          error={errors.twilioAccountSid}
        />
        <Field
          name="twilioAuthToken"
          label="Twilio Auth Token"
          type="password"
          required={false}
          autocomplete="off"
          hint={
            organization.twilioAuthToken
              ? 'A token is saved. Leave this empty to keep it; it is never shown again.'
              : 'It checks that texts really come from Twilio, and sends replies. It is never shown again.'
          }
          error={errors.twilioAuthToken}
        />
        <TextAreaField
          name="degrees"
          label="Degrees"
          hint="One per line, in the order the sign-up list shows them."
          rows={8}
          value={typed(values, 'degrees')}
          error={errors.degrees}
        />
        <TextAreaField
          name="professions"
          label="Professions"
          hint="One per line."
          rows={6}
          value={typed(values, 'professions')}
          error={errors.professions}
        />
        <h2>Claiming credit</h2>
        <Field
          name="claimMinutesBefore"
          label="Minutes before start"
          type="number"
          min={0}
          hint="Attendance may be claimed from this many minutes before a session starts (sessions may override)."
          value={typed(values, 'claimMinutesBefore')}
          error={errors.claimMinutesBefore}
        />
        <Field
          name="claimMinutesAfter"
          label="Minutes after end"
          type="number"
          min={0}
          hint="…until this many minutes after it ends (2,880 is two days)."
          value={typed(values, 'claimMinutesAfter')}
          error={errors.claimMinutesAfter}
        />
        <Field
          name="rotatingCodeMinutes"
          label="Rotate the attendance code every (minutes)"
          inputmode="numeric"
          required={false}
          hint="0 keeps each session's printed code. 2 to 60: while a session is under way, its attendance screen shows a new code this often, and only the screen's codes (the current one and the one before) record attendance, so a code texted to someone elsewhere soon stops working."
          value={typed(values, 'rotatingCodeMinutes')}
          error={errors.rotatingCodeMinutes}
        />
        <Field
          name="exceptionsPerYear"
          label="Exceptions a learner may ask for each year"
          inputmode="numeric"
          required={false}
          hint="A learner who missed a claim window may ask the coordinators to record the attendance anyway. Empty: no limit."
          value={typed(values, 'exceptionsPerYear')}
          error={errors.exceptionsPerYear}
        />
        <TextAreaField
          name="affiliateDomains"
          label="Affiliate email domains"
          required={false}
          hint="One per line, like cshs.org. A learner whose confirmed email is at one of these (or a subdomain) counts as medical staff or an affiliate, for series that give credit only to them. Admins can also mark accounts by hand."
          rows={3}
          value={typed(values, 'affiliateDomains')}
          error={errors.affiliateDomains}
        />
        <h2>Accounts</h2>
        <SelectField
          name="passwordPolicy"
          label="Password policy"
          options={Object.entries(PASSWORD_POLICIES).map(([value, policy]) => ({
            value,
            label: policy.label,
          }))}
          hint={`${Object.values(PASSWORD_POLICIES)
            .map((policy) => `${policy.label}: ${policy.rules}`)
            .join(' • ')} • ${STRONGER_DEFAULT}`}
          value={typed(values, 'passwordPolicy')}
          error={errors.passwordPolicy}
        />
        <Field
          name="lockoutThreshold"
          label="Lockout threshold"
          type="number"
          min={1}
          max={20}
          hint={`Consecutive wrong passwords (1 to 20) after which password sign-in pauses for ${FIRST_LOCK_MINUTES} minutes, twice as long after each further one. The owner is emailed an unlock link; browsers they signed in from before, and their open sessions, carry on.`}
          value={typed(values, 'lockoutThreshold')}
          error={errors.lockoutThreshold}
        />
        <CheckboxField
          name="mfaRequiredForStaff"
          label="Reviewers and admins must sign in with an authenticator app"
          hint="They set one up at their next sign-in, before anything else; recovery codes cover a lost phone."
          checked={typed(values, 'mfaRequiredForStaff') === 'on'}
          error={errors.mfaRequiredForStaff}
        />
        <h2>Institution sign-in</h2>
        <p class="muted">
          Let staff sign in through your institution's identity provider (OpenID Connect). Register Rounds
          there as a web application with this redirect address:{' '}
          <code class="secret">{props.ssoCallbackUrl}</code>
        </p>
        <Field
          name="ssoIssuer"
          label="Issuer URL"
          hint="The provider's issuer, like https://login.example.org/realms/staff. Leave empty to turn institution sign-in off."
          value={typed(values, 'ssoIssuer')}
          error={errors.ssoIssuer}
        />
        <Field
          name="ssoClientId"
          label="Client ID"
          value={typed(values, 'ssoClientId')}
          error={errors.ssoClientId}
        />
        <Field
          name="ssoClientSecret"
          label="Client secret"
          type="password"
          autocomplete="off"
          hint={
            organization.ssoClientSecret
              ? 'A secret is saved. Leave this empty to keep it; it is never shown again.'
              : 'Shown once by your provider; it is never shown again here.'
          }
          error={errors.ssoClientSecret}
        />
        <Field
          name="ssoButtonLabel"
          label="Sign-in button"
          hint="The words on the button, as your staff know them, like Use My Cedars Login."
          value={typed(values, 'ssoButtonLabel')}
          error={errors.ssoButtonLabel}
        />
        <h2>Series and calendar</h2>
        <TextAreaField
          name="renewalReminderDates"
          label="Renewal reminder dates"
          required={false}
          hint="One MM-DD date per line: each fall, owners and coordinators of series not yet renewed are reminded on these dates."
          value={typed(values, 'renewalReminderDates')}
          error={errors.renewalReminderDates}
        />
        <TextAreaField
          name="holidays"
          label="Holidays"
          required={false}
          rows={8}
          hint="One YYYY-MM-DD date per line. Holidays and weekends are not business days (the 3-by-5 deadline)."
          value={typed(values, 'holidays')}
          error={errors.holidays}
        />
        <h2>Disclosures</h2>
        <Field
          name="disclosureReminderDays"
          label="Remind every (days)"
          type="number"
          min={0}
          hint="Someone asked to disclose is reminded this often until they submit or the session starts. 0: no reminders."
          value={typed(values, 'disclosureReminderDays')}
          error={errors.disclosureReminderDays}
        />
        <TextAreaField
          name="disclosureLapseReminderDays"
          label="Lapse reminders (days before)"
          required={false}
          rows={3}
          hint="One number per line: days before a disclosure lapses that its owner is reminded, if they teach a session after it lapses."
          value={typed(values, 'disclosureLapseReminderDays')}
          error={errors.disclosureLapseReminderDays}
        />
        <h2>Flyer statements</h2>
        <TextAreaField
          name="accreditationStatement"
          label="Accreditation statement"
          required={false}
          value={typed(values, 'accreditationStatement')}
          error={errors.accreditationStatement}
        />
        <TextAreaField
          name="creditDesignationStatement"
          label="Credit designation statement"
          required={false}
          value={typed(values, 'creditDesignationStatement')}
          error={errors.creditDesignationStatement}
        />
        <h2>Evaluations and certificates</h2>
        <Field
          name="evaluationDueDays"
          label="Evaluations due, in days after a session"
          type="number"
          inputmode="numeric"
          hint={`Where a series sets none. An attendance recorded a day or more late still gets at least ${MIN_DAYS_TO_COMPLETE} days.`}
          value={typed(values, 'evaluationDueDays')}
          error={errors.evaluationDueDays}
        />
        <SelectField
          name="certificatesForSessions"
          label="Certificates for single sessions"
          hint="Where a series does not say. Some offices give none: the credit still goes on the transcript."
          options={[
            { value: 'certificate', label: 'A certificate for each session' },
            { value: 'transcript_only', label: 'No certificate: credit on the transcript only' },
          ]}
          value={typed(values, 'certificatesForSessions')}
          error={errors.certificatesForSessions}
        />
        <Field
          name="certificateSigner"
          label="Who signs certificates"
          required={false}
          hint="Printed under the signature line, e.g. Jane Roe, MD, Director of CME."
          value={typed(values, 'certificateSigner')}
          error={errors.certificateSigner}
        />
        <button type="submit">Save settings</button>
      </form>
    </Layout>
  );
}
