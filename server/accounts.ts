import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import {
  type Account,
  type AccountLinkPurpose,
  type Organization,
  ROLES,
  type Role,
  accountRoles,
  accounts,
  authSessions,
  knownDevices,
} from '../db/schema';
import {
  renderEmailConfirmation,
  renderFacultyInvitation,
  renderPasswordReset,
  renderSignInPaused,
  renderSignUpAttempt,
} from '../views/mail/account-notice';
import { formatInstant } from '../views/time';
import { DomainError } from '../workflows/errors';
import { decoyHash, hashPassword, verifyPassword } from './auth/password';
import { passwordProblem } from './auth/password-policy';
import { LINK_MINUTES, createAccountLinks } from './auth/account-links';
import { revokeSessions, sha256 } from './auth/sessions';
import { record } from './audit-trail';
import type { Clock } from './clock';
import type { Config } from './config';
import type { FieldErrors } from './forms';
import { asList } from './forms';
import { emailKey, isValidNpi, normalizeMobile } from './identifiers';
import type { Log } from './log';
import type { Mailer } from './mail';
import { MAILS_PER_ACCOUNT_PER_HOUR, RateLimited, type RateLimits } from './rate-limits';

export interface AccountsDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  log: Log;
  config: Config;
  rateLimits: RateLimits;
}

/** Domain validation that names the fields at fault, so a page can show each message by its field. */
export class InvalidFields extends DomainError {
  constructor(readonly fields: FieldErrors) {
    super('invalid_input');
  }
}

// ---- Inputs: the forms' shapes and rules; routes validate with these through zValidator ----

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : null));

const email = z
  .string({ error: 'Email is required.' })
  .trim()
  .min(1, 'Email is required.')
  .max(254, 'An email address can be at most 254 characters.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.org.' }));

const MOBILE_FORMAT =
  'Enter a mobile number with its country code, like +44 20 7946 0958, or a US number like (555) 123-4567.';

// refine, then transform: a refinement leaves the other fields' checks running, so every field's
// message shows at once.
const mobile = z
  .string()
  .optional()
  .refine((typed) => !typed?.trim() || normalizeMobile(typed) !== null, MOBILE_FORMAT)
  .transform((typed) => (typed?.trim() ? normalizeMobile(typed) : null));

const fromList = (label: string, list: readonly string[]) =>
  text(label, 100).refine((value) => list.includes(value), `Choose a ${label.toLowerCase()} from the list.`);

/** Long enough for any passphrase a manager makes; past it, a form is an attack, not a login. */
export const PASSWORD_MAX = 1024;

const newPassword = z
  .string({ error: 'Choose a password.' })
  .min(1, 'Choose a password.')
  .max(PASSWORD_MAX, `A password can be at most ${PASSWORD_MAX} characters.`);
const confirmation = z.string().max(PASSWORD_MAX).optional();
const MISMATCH = 'The two passwords do not match.';

/** A new password typed twice: the second must be the first (said under the second). */
function confirmationMatches(value: { password?: unknown; confirmPassword?: unknown }, ctx: z.RefinementCtx) {
  if (
    typeof value.password === 'string' &&
    value.password !== '' &&
    value.confirmPassword !== value.password
  ) {
    ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: MISMATCH });
  }
}

export function signUpInput(organization: Organization) {
  return z
    .object({
      email,
      firstName: text('First name', 100),
      lastName: text('Last name', 100),
      degree: fromList('Degree', organization.degrees),
      profession: fromList('Profession', organization.professions),
      mobile,
      password: newPassword,
      confirmPassword: confirmation,
    })
    .superRefine((value, ctx) => {
      if (typeof value.password !== 'string' || value.password === '') return;
      const problem = passwordProblem(organization.passwordPolicy, value.password, value.email);
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
      confirmationMatches(value, ctx);
    });
}
export type SignUpInput = z.output<ReturnType<typeof signUpInput>>;

const currentPassword = z
  .string({ error: 'Enter your password.' })
  .min(1, 'Enter your password.')
  .max(PASSWORD_MAX, `A password can be at most ${PASSWORD_MAX} characters.`);

export const signInInput = z.object({
  email: z
    .string({ error: 'Enter your email.' })
    .trim()
    .min(1, 'Enter your email.')
    .max(254, 'An email address can be at most 254 characters.'),
  password: currentPassword,
  next: z.string().max(2000).optional(),
});

export const changePasswordInput = z
  .object({
    currentPassword: currentPassword,
    password: newPassword,
    confirmPassword: confirmation,
  })
  .superRefine(confirmationMatches);
export type ChangePasswordInput = z.output<typeof changePasswordInput>;

/** The second step of signing in: six digits from the app, or a recovery code. */
export const signInCodeInput = z.object({
  code: z
    .string({ error: 'Enter the code from your authenticator app.' })
    .trim()
    .min(1, 'Enter the code from your authenticator app.')
    .max(40, 'That is longer than any code.'),
});

/** Confirming an email: the link's token, and the password unless already signed in as its account. */
export const confirmEmailInput = z.object({
  token: z.string().min(1).max(100),
  password: currentPassword.optional(),
});

export const forgotPasswordInput = z.object({ email });

export const resetPasswordInput = z
  .object({
    token: z
      .string({ error: 'This reset link is incomplete.' })
      .min(1, 'This reset link is incomplete.')
      .max(100, 'This reset link is not one Rounds made.'),
    password: newPassword,
    confirmPassword: confirmation,
  })
  .superRefine(confirmationMatches);

/** Specialties arrive as one comma-separated field or as several values. */
const specialties = z.preprocess(
  (value) =>
    asList(value)
      .flatMap((entry) => (typeof entry === 'string' ? entry.split(',') : [entry]))
      .map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
      .filter((entry) => entry !== ''),
  z
    .array(z.string().max(100, 'A specialty can be at most 100 characters.'))
    .max(30, 'List at most 30 specialties.')
    .transform((list) => [...new Set(list)]),
);

const npiDigits = (typed: string | undefined) => (typed ?? '').replace(/[\s-]/g, '');
const npi = z
  .string()
  .optional()
  .refine(
    (typed) => npiDigits(typed) === '' || /^\d{10}$/.test(npiDigits(typed)),
    'An NPI is exactly 10 digits.',
  )
  .refine(
    (typed) => !/^\d{10}$/.test(npiDigits(typed)) || isValidNpi(npiDigits(typed)),
    'That is not a valid NPI: its check digit does not match.',
  )
  .transform((typed) => npiDigits(typed) || null);

export function profileInput(organization: Organization) {
  return z.object({
    firstName: text('First name', 100),
    lastName: text('Last name', 100),
    degree: fromList('Degree', organization.degrees),
    profession: fromList('Profession', organization.professions),
    specialties,
    mobile,
    npi,
    boardId: optionalText('Board ID', 50),
  });
}
export type ProfileInput = z.output<ReturnType<typeof profileInput>>;

export const rolesInput = z.object({
  roles: z.preprocess(asList, z.array(z.enum(ROLES, { error: 'That is not a role Rounds knows.' }))),
  /** "Medical staff or affiliate", saved with the roles: a checkbox, present when ticked. */
  affiliated: z
    .string()
    .optional()
    .transform((ticked) => ticked === 'on'),
});

// ---- The account operations ----

export type AccountWithRoles = Account & { roles: Role[] };

/** The first lock lasts this long; each further one twice as long as the last, at most MAX_LOCK_MINUTES. */
export const FIRST_LOCK_MINUTES = 15;
/** A faculty invitation waits this long for its reader to choose a password. */
export const INVITATION_DAYS = 7;
export const MAX_LOCK_MINUTES = 24 * 60;

/** Why a sign-in failed. Pages answer the same for all of them; the audit trail keeps the difference. */
export type SignInFailure = 'unknown_email' | 'wrong_password' | 'locked' | 'unconfirmed';

export type SignInOutcome =
  | { ok: true; account: Account }
  | { ok: false; reason: 'unknown_email' }
  | {
      ok: false;
      reason: 'wrong_password' | 'locked' | 'unconfirmed';
      account: Account;
      lockedNow?: { until: Date };
    };

export function createAccounts(deps: AccountsDeps) {
  const { db, clock, mailer, log } = deps;
  const links = createAccountLinks(deps);

  async function findByEmail(organization: Organization, typed: string): Promise<Account | undefined> {
    const [account] = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.organizationId, organization.id), eq(accounts.emailKey, emailKey(typed))))
      .limit(1);
    return account;
  }

  /** Whether this browser's device cookie has signed this account in before. */
  async function knownDevice(accountId: string, deviceToken: string | undefined): Promise<boolean> {
    if (!deviceToken) return false;
    const [known] = await db
      .select({ id: knownDevices.id })
      .from(knownDevices)
      .where(and(eq(knownDevices.id, sha256(deviceToken)), eq(knownDevices.accountId, accountId)))
      .limit(1);
    return Boolean(known);
  }

  /**
   * Mails strangers can cause (reset, unlock, "you already have an account") are limited per
   * account, so a flood of requests for one email sends a handful of mails, not a flood.
   */
  async function mayMail(account: Account, kind: string): Promise<boolean> {
    try {
      await deps.rateLimits.mailsToAccount.take(account.id);
      return true;
    } catch (error) {
      if (error instanceof RateLimited) {
        log.warn(
          `${kind} mail to account ${account.id} held back: ${MAILS_PER_ACCOUNT_PER_HOUR} this hour already`,
        );
        return false;
      }
      throw error;
    }
  }

  /**
   * Issues a single-use link and mails it to the account, rendered by `render` from what every such
   * mail names. The link's hash is the idempotency key; the stored record keeps no token.
   */
  async function mailLink(
    organization: Organization,
    account: Account,
    kind: string,
    purpose: AccountLinkPurpose,
    render: (common: { organizationName: string; recipientFirstName: string; url: string }) => Promise<{
      subject: string;
      html: string;
      text: string;
    }>,
  ) {
    const link = await links.issue(organization, account, purpose);
    const mail = await render({
      organizationName: organization.name,
      recipientFirstName: account.firstName,
      url: link.url,
    });
    await mailer.send({
      idempotencyKey: `${kind}:${link.id}`,
      organizationId: organization.id,
      kind,
      to: account.email,
      secrets: [link.token],
      ...mail,
    });
  }

  /**
   * One more consecutive failure (a wrong password, or a wrong authenticator code): at the
   * organization's threshold sign-in pauses for FIRST_LOCK_MINUTES, twice as long with each
   * failure after that, at most MAX_LOCK_MINUTES.
   */
  async function countFailure(
    organization: Organization,
    account: Account,
  ): Promise<{ account: Account; lockedNow?: { until: Date } }> {
    const now = clock.now();
    const [counted] = await db
      .update(accounts)
      .set({ failedSignIns: sql`${accounts.failedSignIns} + 1`, updatedAt: now })
      .where(eq(accounts.id, account.id))
      .returning();
    const failures = counted?.failedSignIns ?? 0;
    if (!counted || failures < organization.lockoutThreshold) return { account: counted ?? account };
    const minutes = Math.min(
      FIRST_LOCK_MINUTES * 2 ** (failures - organization.lockoutThreshold),
      MAX_LOCK_MINUTES,
    );
    const until = new Date(now.getTime() + minutes * 60_000);
    const [locked] = await db
      .update(accounts)
      .set({ lockedAt: counted.lockedAt ?? now, lockedUntil: until })
      .where(eq(accounts.id, account.id))
      .returning();
    return { account: locked ?? counted, lockedNow: { until } };
  }

  /**
   * Uses up a link and makes its change to the account, in one transaction: a link submitted twice
   * (two tabs) changes the account once.
   */
  async function redeem(
    token: string,
    purpose: AccountLinkPurpose,
    account: Account,
    changes: Partial<typeof accounts.$inferInsert>,
    alsoInTransaction?: (tx: Database) => Promise<void>,
  ): Promise<Account> {
    return db.transaction(async (tx) => {
      await links.use(tx, token, purpose, account.id);
      await alsoInTransaction?.(tx);
      const [updated] = await tx
        .update(accounts)
        .set({ ...changes, updatedAt: clock.now() })
        .where(eq(accounts.id, account.id))
        .returning();
      if (!updated) throw new DomainError('not_found');
      return updated;
    });
  }

  async function sendEmailConfirmation(organization: Organization, account: Account): Promise<void> {
    await mailLink(organization, account, 'email-confirmation', 'email-confirmation', (common) =>
      renderEmailConfirmation({ ...common, expiresInDays: LINK_MINUTES['email-confirmation'] / (24 * 60) }),
    );
  }

  async function insertAccount(
    organization: Organization,
    input: Omit<SignUpInput, 'confirmPassword'>,
    roles: readonly Role[],
    emailConfirmedAt: Date | null,
  ): Promise<Account> {
    const passwordHash = await hashPassword(input.password);
    const now = clock.now();
    try {
      return await db.transaction(async (tx) => {
        const [account] = await tx
          .insert(accounts)
          .values({
            organizationId: organization.id,
            email: input.email.trim(),
            emailKey: emailKey(input.email),
            firstName: input.firstName,
            lastName: input.lastName,
            degree: input.degree,
            profession: input.profession,
            mobile: input.mobile,
            passwordHash,
            emailConfirmedAt,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!account) throw new Error('the new account was not returned');
        if (roles.length > 0) {
          await tx.insert(accountRoles).values(roles.map((role) => ({ accountId: account.id, role })));
        }
        return account;
      });
    } catch (error) {
      // Two sign-ups for one email at the same moment: the unique index decides.
      if (isUniqueViolation(error))
        throw new DomainError('invalid_input', 'An account with this email exists.');
      throw error;
    }
  }

  return {
    findByEmail,
    links,
    knownDevice,

    /**
     * An account made by the office (organization:create, and later faculty invitations): its
     * owner proves the mailbox by choosing a password through a link, so it starts unconfirmed.
     */
    async create(
      organization: Organization,
      input: Omit<SignUpInput, 'confirmPassword'>,
      roles: readonly Role[],
    ): Promise<Account> {
      if (await findByEmail(organization, input.email)) {
        throw new DomainError('invalid_input', 'An account with this email exists.');
      }
      return insertAccount(organization, input, roles, null);
    },

    /**
     * Sign-up, run after the page has already answered "check your email". A new email gets an
     * unconfirmed learner account and a confirmation link; an email that has an account gets a
     * note and a reset link instead, so the page never tells a stranger which emails exist.
     */
    async register(organization: Organization, input: Omit<SignUpInput, 'confirmPassword'>): Promise<void> {
      const existing = await findByEmail(organization, input.email);
      if (!existing) {
        const account = await insertAccount(organization, input, ['learner'], null);
        await record(deps, {
          organizationId: organization.id,
          accountId: account.id,
          action: 'account_created',
        });
        await sendEmailConfirmation(organization, account);
        return;
      }
      // As much work as a new account: hashing is most of it.
      await hashPassword(input.password);
      await record(deps, {
        organizationId: organization.id,
        accountId: existing.id,
        action: 'sign_up_for_existing_email',
      });
      if (!(await mayMail(existing, 'sign-up-attempt'))) return;
      await mailLink(organization, existing, 'sign-up-attempt', 'password-reset', (common) =>
        renderSignUpAttempt({ ...common, expiresInMinutes: LINK_MINUTES['password-reset'] }),
      );
    },

    /** Sends a fresh confirmation link to a signed-in, unconfirmed account (at most a few an hour). */
    async resendEmailConfirmation(organization: Organization, account: Account): Promise<boolean> {
      if (account.emailConfirmedAt) return false;
      if (!(await mayMail(account, 'email-confirmation'))) return false;
      await sendEmailConfirmation(organization, account);
      return true;
    },

    /**
     * Confirms the email a link was sent to. The link alone is not enough: whoever holds it must
     * also be signed in as the account (or give its password to the caller, who signs in first), so
     * someone who signed up with another person's email cannot have them confirm it unawares.
     */
    async confirmEmail(
      organization: Organization,
      token: string,
      signedInAccountId: string,
    ): Promise<Account> {
      const account = await links.check(organization, token, 'email-confirmation');
      if (account.id !== signedInAccountId) throw new DomainError('link_invalid');
      return redeem(token, 'email-confirmation', account, {
        emailConfirmedAt: account.emailConfirmedAt ?? clock.now(),
      });
    },

    /**
     * Checks an email and password. Every path checks a password hash, so an unknown email, a
     * wrong password and a locked account take as long. At the organization's threshold of
     * consecutive failures password sign-in pauses for FIRST_LOCK_MINUTES, doubling with each
     * failure after that; a browser the account signed in from before is not paused.
     */
    async signIn(
      organization: Organization,
      typedEmail: string,
      password: string,
      deviceToken?: string,
      options: { unconfirmed?: 'refuse' | 'allow' } = {},
    ): Promise<SignInOutcome> {
      const account = await findByEmail(organization, typedEmail);
      if (!account) {
        await verifyPassword(password, await decoyHash());
        return { ok: false, reason: 'unknown_email' };
      }
      const now = clock.now();
      const trusted = await knownDevice(account.id, deviceToken);
      const matches = await verifyPassword(password, account.passwordHash);
      const paused = account.lockedUntil !== null && account.lockedUntil > now;
      if (paused && !trusted) return { ok: false, reason: 'locked', account };
      if (matches) {
        // Anyone can sign up with any email and then sign in: were that allowed before the link is
        // opened, sign-up plus sign-in would tell whether an email already had an account.
        if (!account.emailConfirmedAt && options.unconfirmed !== 'allow') {
          return { ok: false, reason: 'unconfirmed', account };
        }
        // With an authenticator the count starts over only once the code is right too, so a
        // stolen password does not buy endless guesses at codes.
        if (account.totpEnabledAt) return { ok: true, account };
        // Checked again after the slow hash: guesses sent all at once must not outrun the lock.
        const [cleared] = await db
          .update(accounts)
          .set({ failedSignIns: 0, lockedAt: null, lockedUntil: null })
          .where(
            trusted
              ? eq(accounts.id, account.id)
              : and(
                  eq(accounts.id, account.id),
                  or(isNull(accounts.lockedUntil), lte(accounts.lockedUntil, now)),
                ),
          )
          .returning();
        if (!cleared) return { ok: false, reason: 'locked', account };
        return { ok: true, account: cleared };
      }
      // A known browser that mistypes is known no longer: on a shared workstation it must not
      // give strangers unlimited guesses. From now on its failures count like anyone's.
      if (trusted && deviceToken) {
        await db
          .delete(knownDevices)
          .where(and(eq(knownDevices.id, sha256(deviceToken)), eq(knownDevices.accountId, account.id)));
      }
      return { ok: false, reason: 'wrong_password', ...(await countFailure(organization, account)) };
    },

    countFailure,

    /** A sign-in completed (password and, with an authenticator, its code): the count starts over. */
    async clearFailures(accountId: string): Promise<void> {
      await db
        .update(accounts)
        .set({ failedSignIns: 0, lockedAt: null, lockedUntil: null })
        .where(eq(accounts.id, accountId));
    },

    /** After a successful sign-in: this browser is known to the account from now on. */
    async rememberDevice(accountId: string, deviceToken: string): Promise<void> {
      const now = clock.now();
      await db
        .insert(knownDevices)
        .values({ id: sha256(deviceToken), accountId, createdAt: now, lastUsedAt: now })
        .onConflictDoUpdate({ target: [knownDevices.id, knownDevices.accountId], set: { lastUsedAt: now } });
    },

    /** Tells the owner that sign-in paused, with a link that unlocks it (a few such mails an hour at most). */
    async mailUnlockLink(organization: Organization, account: Account, until: Date): Promise<void> {
      if (!(await mayMail(account, 'unlock'))) return;
      await mailLink(organization, account, 'unlock', 'unlock', (common) =>
        renderSignInPaused({
          ...common,
          failedSignIns: account.failedSignIns,
          pausedUntil: formatInstant(until, organization.timeZone),
        }),
      );
    },

    /** The owner's unlock link: sign-in with a password works again and the count starts over. */
    async unlockWithLink(organization: Organization, token: string): Promise<Account> {
      const account = await links.check(organization, token, 'unlock');
      // Not a confirmation of the email: whoever chose the password may not own the mailbox.
      return redeem(token, 'unlock', account, { failedSignIns: 0, lockedAt: null, lockedUntil: null });
    },

    /**
     * Mails a single-use reset link when the email has an account (a few an hour at most), and
     * does nothing otherwise. Runs after the page answered, so both take the same time to see.
     */
    async requestPasswordReset(organization: Organization, typedEmail: string): Promise<void> {
      const account = await findByEmail(organization, typedEmail);
      if (!account) return;
      await record(deps, {
        organizationId: organization.id,
        accountId: account.id,
        action: 'password_reset_requested',
      });
      if (!(await mayMail(account, 'password-reset'))) return;
      await mailLink(organization, account, 'password-reset', 'password-reset', (common) =>
        renderPasswordReset({ ...common, expiresInMinutes: LINK_MINUTES['password-reset'] }),
      );
    },

    /**
     * Someone added as faculty who had no account: a week-long link to choose a password, which
     * also confirms the email (the reset page does both).
     */
    async inviteFaculty(
      organization: Organization,
      account: Account,
      about: { invitedBy: string; sessionName: string },
    ): Promise<void> {
      const link = await links.issue(organization, account, 'password-reset', INVITATION_DAYS * 24 * 60);
      const mail = await renderFacultyInvitation({
        organizationName: organization.name,
        recipientFirstName: account.firstName,
        url: link.url,
        expiresInDays: INVITATION_DAYS,
        ...about,
      });
      await mailer.send({
        idempotencyKey: `faculty-invitation:${link.id}`,
        organizationId: organization.id,
        kind: 'faculty-invitation',
        to: account.email,
        secrets: [link.token],
        ...mail,
      });
    },

    /**
     * Sets the new password (the policy applies), confirms the email (the link proved it),
     * unlocks the account, ends all its sessions and uses up the link.
     */
    async completePasswordReset(
      organization: Organization,
      token: string,
      password: string,
    ): Promise<Account> {
      const account = await links.check(organization, token, 'password-reset');
      const problem = passwordProblem(organization.passwordPolicy, password, account.email);
      if (problem) throw new InvalidFields({ password: problem });
      const passwordHash = await hashPassword(password);
      const changes = {
        passwordHash,
        failedSignIns: 0,
        lockedAt: null,
        lockedUntil: null,
        emailConfirmedAt: account.emailConfirmedAt ?? clock.now(),
      };
      return redeem(token, 'password-reset', account, changes, async (tx) => {
        // After a reset nothing the old password opened stays open: sessions, known browsers.
        await tx.delete(authSessions).where(eq(authSessions.accountId, account.id));
        await tx.delete(knownDevices).where(eq(knownDevices.accountId, account.id));
      });
    },

    /**
     * A signed-in person's new password: the current one must be right (checked like a sign-in, so
     * an unattended browser is no shortcut), the policy applies, and every other session ends.
     */
    async changePassword(
      organization: Organization,
      account: Account,
      input: ChangePasswordInput,
      keepSessionId: string,
    ): Promise<void> {
      if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
        throw new InvalidFields({ currentPassword: 'That is not your current password.' });
      }
      const problem = passwordProblem(organization.passwordPolicy, input.password, account.email);
      if (problem) throw new InvalidFields({ password: problem });
      const passwordHash = await hashPassword(input.password);
      await db.transaction(async (tx) => {
        await tx
          .update(accounts)
          .set({ passwordHash, updatedAt: clock.now() })
          .where(and(eq(accounts.id, account.id), eq(accounts.organizationId, organization.id)));
        await revokeSessions(tx, account.id, keepSessionId);
      });
    },

    /** Staff unlock: the account may sign in again, its failure count starts over. */
    async unlock(organization: Organization, accountId: string): Promise<AccountWithRoles> {
      const [updated] = await db
        .update(accounts)
        .set({ lockedAt: null, lockedUntil: null, failedSignIns: 0, updatedAt: clock.now() })
        .where(and(eq(accounts.id, accountId), eq(accounts.organizationId, organization.id)))
        .returning();
      if (!updated) throw new DomainError('not_found');
      return { ...updated, roles: await rolesOf(db, updated.id) };
    },

    /** Replaces an account's organization-wide roles. Admins cannot remove their own admin role. */
    async setRoles(
      organization: Organization,
      accountId: string,
      roles: readonly Role[],
      actingAccountId: string,
    ): Promise<AccountWithRoles> {
      const account = await accountIn(db, organization, accountId);
      const wanted = [...new Set(roles)];
      // Faculty and staff roles wait for a confirmed email: the office must be able to reach them.
      if (!account.emailConfirmedAt && wanted.some((role) => role !== 'learner')) {
        throw new DomainError('email_unconfirmed');
      }
      if (accountId === actingAccountId && !wanted.includes('admin')) {
        throw new DomainError(
          'invalid_input',
          'You cannot remove your own admin role; ask another admin, so the organization always keeps one.',
        );
      }
      await db.transaction(async (tx) => {
        await tx.delete(accountRoles).where(eq(accountRoles.accountId, accountId));
        if (wanted.length > 0) {
          await tx.insert(accountRoles).values(wanted.map((role) => ({ accountId, role })));
        }
      });
      return { ...account, roles: sortRoles(wanted) };
    },

    /** Marks or unmarks the account as medical staff or an affiliate; says whether that changed. */
    async setAffiliated(
      organization: Organization,
      accountId: string,
      affiliated: boolean,
    ): Promise<boolean> {
      const changed = await db
        .update(accounts)
        .set({ affiliatedAt: affiliated ? clock.now() : null, updatedAt: clock.now() })
        .where(
          and(
            eq(accounts.id, accountId),
            eq(accounts.organizationId, organization.id),
            affiliated ? isNull(accounts.affiliatedAt) : isNotNull(accounts.affiliatedAt),
          ),
        )
        .returning({ id: accounts.id });
      return changed.length > 0;
    },

    /**
     * Saves the profile. A new mobile number is not paired until the phone proves it is theirs (a
     * texted code, server/phone-pairing.ts): a paired number stays until then, and the new one is
     * returned as `phoneToPair`. Clearing the field unpairs.
     */
    async updateProfile(
      organization: Organization,
      accountId: string,
      input: ProfileInput,
    ): Promise<{ account: Account; phoneToPair: string | null }> {
      const { mobile, ...rest } = input;
      const [current] = await db
        .select({ mobile: accounts.mobile, smsPairedAt: accounts.smsPairedAt })
        .from(accounts)
        .where(and(eq(accounts.id, accountId), eq(accounts.organizationId, organization.id)));
      if (!current) throw new DomainError('not_found');
      const changed = mobile !== current.mobile;
      const phone =
        mobile === null
          ? { mobile: null, smsPairedAt: null }
          : changed && !current.smsPairedAt
            ? { mobile }
            : {};
      const [updated] = await db
        .update(accounts)
        .set({ ...rest, ...phone, updatedAt: clock.now() })
        .where(and(eq(accounts.id, accountId), eq(accounts.organizationId, organization.id)))
        .returning();
      if (!updated) throw new DomainError('not_found');
      return { account: updated, phoneToPair: mobile !== null && changed ? mobile : null };
    },

    /**
     * The organization's accounts with their roles, by last and first name: those whose name or
     * email contains `search`, and only locked ones when asked. At most `limit` of them.
     */
    async list(
      organization: Organization,
      filter: { search?: string; lockedOnly?: boolean; limit?: number } = {},
    ): Promise<AccountWithRoles[]> {
      const conditions = [eq(accounts.organizationId, organization.id)];
      const search = filter.search?.trim();
      if (search) {
        const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        conditions.push(
          sql`(${accounts.firstName} || ' ' || ${accounts.lastName} || ' ' || ${accounts.emailKey}) ilike ${pattern}`,
        );
      }
      if (filter.lockedOnly) conditions.push(isNotNull(accounts.lockedAt));
      const rows = await db
        .select()
        .from(accounts)
        .where(and(...conditions))
        .orderBy(asc(accounts.lastName), asc(accounts.firstName), asc(accounts.emailKey))
        .limit(filter.limit ?? 500);
      if (rows.length === 0) return [];
      const roleRows = await db
        .select({ accountId: accountRoles.accountId, role: accountRoles.role })
        .from(accountRoles)
        .where(
          inArray(
            accountRoles.accountId,
            rows.map((account) => account.id),
          ),
        );
      const byAccount = new Map<string, Role[]>();
      for (const { accountId, role } of roleRows) {
        byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), role]);
      }
      return rows.map((account) => ({ ...account, roles: sortRoles(byAccount.get(account.id) ?? []) }));
    },

    async get(organization: Organization, accountId: string): Promise<AccountWithRoles> {
      const account = await accountIn(db, organization, accountId);
      return { ...account, roles: await rolesOf(db, account.id) };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

async function rolesOf(db: Database, accountId: string): Promise<Role[]> {
  const rows = await db
    .select({ role: accountRoles.role })
    .from(accountRoles)
    .where(eq(accountRoles.accountId, accountId));
  return sortRoles(rows.map((r) => r.role));
}

function sortRoles(roles: Role[]): Role[] {
  return [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (typeof e === 'object' && (e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** An account of this organization, or not_found: ids from another organization are never visible. */
async function accountIn(db: Database, organization: Organization, accountId: string): Promise<Account> {
  const [account] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, accountId), eq(accounts.organizationId, organization.id)))
    .limit(1);
  if (!account) throw new DomainError('not_found');
  return account;
}
