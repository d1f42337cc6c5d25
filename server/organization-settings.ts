import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { forgetNumbers } from './organization-numbers';
import type { Database } from '../db/client';
import { type Organization, organizations } from '../db/schema';
import { DomainError } from '../workflows/errors';
import type { Clock } from './clock';
import type { FieldErrors, FormValues } from './forms';
import { lines } from './forms';
import { isLoopbackUrl, normalizeMobile } from './identifiers';
import { isMonthDay } from '../workflows/calendar';

/** "Allow texting minutes prior/after": the bounds of the organization's default and of a session's own. */
export const CLAIM_MINUTES_BEFORE_MAX = 10_080;
export const CLAIM_MINUTES_AFTER_MAX = 100_000;

const TIME_ZONES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('timeZone'));

export function timeZones(): string[] {
  return [...TIME_ZONES];
}

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

const statement = (label: string) =>
  z
    .string()
    .trim()
    .max(5000, `${label} can be at most 5,000 characters.`)
    .optional()
    .transform((value) => value ?? '');

const minutes = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .regex(/^\d+$/, `${label} must be a whole number of minutes, 0 or more.`)
    .transform(Number)
    .pipe(z.number().max(max, `${label} can be at most ${max.toLocaleString('en-US')} minutes.`));

/** One entry a line, each checked by `valid`; the message names the first line that is not. */
const list = (
  label: string,
  options: { min: number; maxLength: number; valid?: (entry: string) => boolean; format?: string },
) =>
  z.preprocess(
    (value) => lines(value ?? ''),
    z
      .array(z.string())
      .superRefine((entries, ctx) => {
        if (entries.length < options.min) {
          ctx.addIssue({ code: 'custom', message: `${label}: enter at least one, one per line.` });
          return;
        }
        const bad = entries.find(
          (entry) =>
            entry.length > options.maxLength || (options.valid !== undefined && !options.valid(entry)),
        );
        if (bad !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: options.format
              ? `“${bad}” is not ${options.format}.`
              : `“${bad}” is too long (at most ${options.maxLength} characters).`,
          });
        }
      })
      .transform((entries) => [...new Set(entries)]),
  );

function isIsoDate(entry: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(entry)) return false;
  const date = new Date(`${entry}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === entry;
}

const optionalSetting = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : null));

/** An issuer is https, except a provider on this machine (a trial, a test). */
const issuerUrl = optionalSetting('The issuer URL', 500).refine((value) => {
  if (value === null) return true;
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || isLoopbackUrl(url);
}, 'Enter the issuer as an https:// address, like https://login.example.org.');

export const settingsInput = z.object({
  name: text('Name', 200),
  timeZone: text('Time zone', 100).refine(
    (zone) => TIME_ZONES.has(zone),
    'Choose a time zone from the list.',
  ),
  smsNumber: z
    .string()
    .optional()
    .refine(
      (typed) => !typed?.trim() || normalizeMobile(typed) !== null,
      'Enter the SMS number in E.164 form, like +15555550100.',
    )
    .transform((typed) => (typed?.trim() ? normalizeMobile(typed) : null)),
  degrees: list('Degrees', { min: 1, maxLength: 50 }),
  professions: list('Professions', { min: 1, maxLength: 100 }),
  claimMinutesBefore: minutes('Minutes before start', CLAIM_MINUTES_BEFORE_MAX),
  claimMinutesAfter: minutes('Minutes after end', CLAIM_MINUTES_AFTER_MAX),
  rotatingCodeMinutes: z
    .string()
    .trim()
    .optional()
    .transform((typed) => (typed ? typed : '0'))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, 'Rotate every: 0 (off), or a whole number of minutes from 2 to 60.')
        .transform(Number)
        .refine(
          (value) => value === 0 || (value >= 2 && value <= 60),
          'Rotate every: 0 (off), or a whole number of minutes from 2 to 60.',
        ),
    ),
  passwordPolicy: z.enum(['asvs', 'upper-lower-digit-special'], { error: 'Choose a password policy.' }),
  lockoutThreshold: z
    .string({ error: 'Lockout threshold is required.' })
    .trim()
    .regex(/^\d+$/, 'Lockout threshold must be a whole number from 1 to 20.')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'Lockout threshold must be a whole number from 1 to 20.')
        .max(20, 'Lockout threshold must be a whole number from 1 to 20.'),
    ),
  // A checkbox: present when ticked, absent otherwise.
  mfaRequiredForStaff: z
    .union([z.literal('on'), z.literal('true')])
    .optional()
    .transform((ticked) => ticked !== undefined),
  renewalReminderDates: list('Renewal reminder dates', {
    min: 0,
    maxLength: 5,
    valid: isMonthDay,
    format: 'a month and day written MM-DD, like 10-15 (February 29 is not allowed: most years lack it)',
  }).transform((dates) => dates.sort()),
  holidays: list('Holidays', {
    min: 0,
    maxLength: 10,
    valid: isIsoDate,
    format: 'a date written YYYY-MM-DD, like 2026-07-03',
  }).transform((dates) => dates.sort()),
  disclosureReminderDays: z
    .string({ error: 'Reminder days are required.' })
    .trim()
    .regex(/^\d+$/, 'Remind every: a whole number of days from 0 to 60.')
    .transform(Number)
    .pipe(z.number().max(60, 'Remind every: a whole number of days from 0 to 60.')),
  disclosureLapseReminderDays: list('Lapse reminders', {
    min: 0,
    maxLength: 3,
    valid: (entry) => /^\d+$/.test(entry) && Number(entry) >= 1 && Number(entry) <= 180,
    format: 'a whole number of days from 1 to 180',
  }).transform((days) => [...new Set(days.map(Number))].sort((a, b) => b - a).slice(0, 5)),
  accreditationStatement: statement('The accreditation statement'),
  creditDesignationStatement: statement('The credit designation statement'),
  // The credit settings: absent or empty (an older form) leaves them as they are.
  evaluationDueDays: z
    .string()
    .trim()
    .optional()
    .transform((typed) => (typed === '' ? undefined : typed))
    .refine(
      (typed) =>
        typed === undefined || (/^\d{1,3}$/.test(typed) && Number(typed) >= 1 && Number(typed) <= 365),
      'Evaluations due: a whole number of days from 1 to 365.',
    )
    .transform((typed) => (typed === undefined ? undefined : Number(typed))),
  certificatesForSessions: z
    .enum(['', 'certificate', 'transcript_only'], {
      error: 'Choose whether single sessions give certificates.',
    })
    .optional()
    .transform((policy) => (policy === undefined || policy === '' ? undefined : policy === 'certificate')),
  certificateSigner: z
    .string()
    .trim()
    .max(120, 'Who signs certificates can be at most 120 characters.')
    .optional(),
  exceptionsPerYear: z
    .string()
    .trim()
    .optional()
    .transform((typed) => typed ?? '')
    .refine(
      (typed) => typed === '' || (/^\d+$/.test(typed) && Number(typed) <= 50),
      'Exceptions a year: empty for no limit, or a whole number from 0 to 50.',
    )
    .transform((typed) => (typed === '' ? null : Number(typed))),
  affiliateDomains: list('Affiliate email domains', {
    min: 0,
    maxLength: 253,
    valid: (entry) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(entry),
    format: 'an email domain, like cshs.org (no @, no https://)',
  }).transform((domains) => [...new Set(domains.map((domain) => domain.toLowerCase()))].sort()),
  twilioAccountSid: optionalSetting('The Twilio account SID', 34).refine(
    (sid) => sid === null || /^AC[0-9a-f]{32}$/i.test(sid),
    'Enter the Account SID from the Twilio console: AC followed by 32 letters and digits.',
  ),
  twilioAuthToken: optionalSetting('The Twilio auth token', 64).refine(
    (token) => token === null || /^[0-9a-z]{32}$/i.test(token),
    'Enter the Auth Token from the Twilio console: 32 letters and digits.',
  ),
  ssoIssuer: issuerUrl,
  ssoClientId: optionalSetting('The client ID', 200),
  ssoClientSecret: optionalSetting('The client secret', 500),
  ssoButtonLabel: optionalSetting('The sign-in button', 60),
});

export type SettingsInput = z.output<typeof settingsInput>;

/** The settings form's values for a stored organization. */
export function settingsValues(organization: Organization): FormValues {
  return {
    name: organization.name,
    timeZone: organization.timeZone,
    smsNumber: organization.smsNumber ?? '',
    degrees: organization.degrees.join('\n'),
    professions: organization.professions.join('\n'),
    claimMinutesBefore: String(organization.claimMinutesBefore),
    claimMinutesAfter: String(organization.claimMinutesAfter),
    rotatingCodeMinutes: String(organization.rotatingCodeMinutes),
    affiliateDomains: organization.affiliateDomains.join('\n'),
    exceptionsPerYear: organization.exceptionsPerYear === null ? '' : String(organization.exceptionsPerYear),
    passwordPolicy: organization.passwordPolicy,
    lockoutThreshold: String(organization.lockoutThreshold),
    mfaRequiredForStaff: organization.mfaRequiredForStaff ? 'on' : '',
    renewalReminderDates: organization.renewalReminderDates.join('\n'),
    holidays: organization.holidays.join('\n'),
    disclosureReminderDays: String(organization.disclosureReminderDays),
    disclosureLapseReminderDays: organization.disclosureLapseReminderDays.join('\n'),
    accreditationStatement: organization.accreditationStatement,
    creditDesignationStatement: organization.creditDesignationStatement,
    evaluationDueDays: String(organization.evaluationDueDays),
    certificatesForSessions: organization.certificatesForSessions ? 'certificate' : 'transcript_only',
    certificateSigner: organization.certificateSigner,
    twilioAccountSid: organization.twilioAccountSid ?? '',
    // Write-only, as the sign-in secret below.
    twilioAuthToken: '',
    ssoIssuer: organization.ssoIssuer ?? '',
    ssoClientId: organization.ssoClientId ?? '',
    // The secret is write-only: never sent back to a browser.
    ssoClientSecret: '',
    ssoButtonLabel: organization.ssoButtonLabel ?? '',
  };
}

/** Saves the settings; says whether the zone or reminder dates changed, which running series years must hear. */
export async function saveSettings(
  deps: { db: Database; clock: Clock },
  organization: Organization,
  input: SettingsInput,
): Promise<{
  organization: Organization;
  seriesYearsMustReplan: boolean;
  sessionsMustReplan: boolean;
  disclosuresMustReplan: boolean;
  claimWindowsMustReplan: boolean;
}> {
  const [updated] = await deps.db
    .update(organizations)
    .set({
      ...input,
      ...institutionSignIn(organization, input),
      ...twilioAccount(organization, input),
      updatedAt: deps.clock.now(),
    })
    .where(eq(organizations.id, organization.id))
    .returning();
  if (!updated) throw new DomainError('not_found');
  forgetNumbers(deps.db);
  const before = [...organization.renewalReminderDates].sort().join(',');
  const after = [...updated.renewalReminderDates].sort().join(',');
  return {
    organization: updated,
    seriesYearsMustReplan: before !== after || organization.timeZone !== updated.timeZone,
    sessionsMustReplan: organization.holidays.join(',') !== updated.holidays.join(','),
    claimWindowsMustReplan:
      organization.claimMinutesBefore !== updated.claimMinutesBefore ||
      organization.claimMinutesAfter !== updated.claimMinutesAfter ||
      organization.rotatingCodeMinutes !== updated.rotatingCodeMinutes,
    disclosuresMustReplan:
      organization.disclosureReminderDays !== updated.disclosureReminderDays ||
      organization.disclosureLapseReminderDays.join(',') !== updated.disclosureLapseReminderDays.join(','),
  };
}

/**
 * Institution sign-in is all or nothing: no issuer turns it off (and forgets the secret); an empty
 * secret keeps the one saved, which is never shown again.
 */
function institutionSignIn(organization: Organization, input: SettingsInput) {
  if (!input.ssoIssuer)
    return { ssoIssuer: null, ssoClientId: null, ssoClientSecret: null, ssoButtonLabel: null };
  return { ssoClientSecret: input.ssoClientSecret ?? organization.ssoClientSecret };
}

/** No account SID forgets the token; an empty token keeps the one saved, which is never shown again. */
function twilioAccount(organization: Organization, input: SettingsInput) {
  if (!input.twilioAccountSid) return { twilioAccountSid: null, twilioAuthToken: null };
  return { twilioAuthToken: input.twilioAuthToken ?? organization.twilioAuthToken };
}

/** Problems with the Twilio fields before saving, and a number another organization has; null when none. */
export async function smsProblems(
  db: Database,
  organization: Organization,
  input: SettingsInput,
): Promise<FieldErrors | null> {
  const errors: FieldErrors = {};
  if (input.twilioAccountSid) {
    if (!input.smsNumber) errors.smsNumber = 'Enter the Twilio number learners text, like +15555550100.';
    if (!input.twilioAuthToken && !organization.twilioAuthToken) {
      errors.twilioAuthToken = 'Enter the Auth Token of this Twilio account.';
    } else if (!input.twilioAuthToken && input.twilioAccountSid !== organization.twilioAccountSid) {
      errors.twilioAuthToken = 'Enter the Auth Token again: the Account SID changed.';
    }
  } else if (input.twilioAuthToken) {
    errors.twilioAccountSid = 'Enter the Account SID this Auth Token belongs to.';
  }
  if (input.smsNumber) {
    const [other] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(and(eq(organizations.smsNumber, input.smsNumber), ne(organizations.id, organization.id)))
      .limit(1);
    if (other)
      errors.smsNumber =
        'Another organization on this installation texts from that number. Each needs its own.';
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** Problems with the institution sign-in fields, before anything is saved; null when there are none. */
export function institutionSignInProblems(
  organization: Organization,
  input: SettingsInput,
): FieldErrors | null {
  if (!input.ssoIssuer) return null;
  const errors: FieldErrors = {};
  if (!input.ssoClientId) errors.ssoClientId = 'Enter the client ID your provider gave Rounds.';
  if (!input.ssoClientSecret && !organization.ssoClientSecret) {
    errors.ssoClientSecret = 'Enter the client secret your provider gave Rounds.';
  } else if (
    !input.ssoClientSecret &&
    (input.ssoIssuer !== organization.ssoIssuer || input.ssoClientId !== organization.ssoClientId)
  ) {
    // The saved secret goes only to the provider it was saved for.
    errors.ssoClientSecret = 'Enter the client secret again: the issuer or client ID changed.';
  }
  if (!input.ssoButtonLabel) errors.ssoButtonLabel = 'Enter the words for the sign-in button.';
  return Object.keys(errors).length > 0 ? errors : null;
}
