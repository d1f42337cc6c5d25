import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import {
  type Account,
  type Organization,
  ROLES,
  type Role,
  accountRoles,
  accounts,
  authSessions,
  passwordResets,
} from '../db/schema';
import { renderPasswordReset } from '../views/mail/password-reset';
import { DomainError } from '../workflows/errors';
import { decoyHash, hashPassword, verifyPassword } from './auth/password';
import { passwordProblem } from './auth/password-policy';
import { newToken, sha256 } from './auth/sessions';
import type { Clock } from './clock';
import type { Config } from './config';
import type { FieldErrors } from './forms';
import { asList } from './forms';
import { emailKey, isValidNpi, normalizeMobile } from './identifiers';
import type { Log } from './log';
import type { Mailer } from './mail';

/** A reset link is good for one use within this many minutes. */
export const RESET_LINK_MINUTES = 60;

export interface AccountsDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  log: Log;
  config: Config;
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

const newPassword = z.string({ error: 'Choose a password.' }).min(1, 'Choose a password.');
const confirmation = z.string().optional();
const MISMATCH = 'The two passwords do not match.';

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
      if (value.confirmPassword !== value.password) {
        ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: MISMATCH });
      }
    });
}
export type SignUpInput = z.output<ReturnType<typeof signUpInput>>;

export const signInInput = z.object({
  email: z.string({ error: 'Enter your email.' }).trim().min(1, 'Enter your email.'),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.'),
  next: z.string().optional(),
});

export const forgotPasswordInput = z.object({ email });

export const resetPasswordInput = z
  .object({
    token: z.string({ error: 'This reset link is incomplete.' }).min(1, 'This reset link is incomplete.'),
    password: newPassword,
    confirmPassword: confirmation,
  })
  .superRefine((value, ctx) => {
    if (
      typeof value.password === 'string' &&
      value.password !== '' &&
      value.confirmPassword !== value.password
    ) {
      ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: MISMATCH });
    }
  });

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
});

// ---- The account operations ----

export type AccountWithRoles = Account & { roles: Role[] };

export function createAccounts(deps: AccountsDeps) {
  const { db, clock, mailer, config, log } = deps;

  async function findByEmail(organization: Organization, typed: string): Promise<Account | undefined> {
    const [account] = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.organizationId, organization.id), eq(accounts.emailKey, emailKey(typed))))
      .limit(1);
    return account;
  }

  /** A single-use link that sets the account's password, valid for RESET_LINK_MINUTES. */
  async function issueResetLink(organization: Organization, account: Account) {
    const token = newToken();
    const id = sha256(token);
    const now = clock.now();
    await db.insert(passwordResets).values({
      id,
      accountId: account.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
    });
    return { id, resetUrl: `${config.publicUrl}/${organization.code}/reset-password?token=${token}` };
  }

  /** The account a reset link opens, or reset_link_invalid when it is unknown, used or expired. */
  async function checkResetLink(organization: Organization, token: string): Promise<Account> {
    const [found] = await db
      .select({ reset: passwordResets, account: accounts })
      .from(passwordResets)
      .innerJoin(accounts, eq(accounts.id, passwordResets.accountId))
      .where(eq(passwordResets.id, sha256(token)))
      .limit(1);
    if (
      !found ||
      found.account.organizationId !== organization.id ||
      found.reset.usedAt ||
      found.reset.expiresAt <= clock.now()
    ) {
      throw new DomainError('reset_link_invalid');
    }
    return found.account;
  }

  return {
    findByEmail,
    checkResetLink,
    issueResetLink,

    /** A new account of this organization; learner unless told otherwise. */
    async signUp(
      organization: Organization,
      input: Omit<SignUpInput, 'confirmPassword'>,
      roles: readonly Role[] = ['learner'],
    ): Promise<Account> {
      // The seeds beg people not to make a second account: point them to a reset instead.
      if (await findByEmail(organization, input.email)) throw new DomainError('account_exists');
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
        if (isUniqueViolation(error)) throw new DomainError('account_exists');
        throw error;
      }
    },

    /**
     * The account for this email and password. Each wrong password counts; at the organization's
     * threshold of consecutive failures the account locks until staff unlock it or a reset completes.
     */
    async signIn(organization: Organization, typedEmail: string, password: string): Promise<Account> {
      const account = await findByEmail(organization, typedEmail);
      if (!account) {
        // As slow as a real check, so timing does not tell which emails have accounts.
        await verifyPassword(password, await decoyHash());
        throw new DomainError('bad_credentials');
      }
      if (account.lockedAt) throw new DomainError('account_locked');
      if (await verifyPassword(password, account.passwordHash)) {
        if (account.failedSignIns > 0) {
          await db.update(accounts).set({ failedSignIns: 0 }).where(eq(accounts.id, account.id));
        }
        return { ...account, failedSignIns: 0 };
      }
      const now = clock.now();
      const [counted] = await db
        .update(accounts)
        .set({ failedSignIns: sql`${accounts.failedSignIns} + 1`, updatedAt: now })
        .where(eq(accounts.id, account.id))
        .returning({ failedSignIns: accounts.failedSignIns });
      if ((counted?.failedSignIns ?? 0) >= organization.lockoutThreshold) {
        await db
          .update(accounts)
          .set({ lockedAt: now })
          .where(and(eq(accounts.id, account.id), isNull(accounts.lockedAt)));
        throw new DomainError('account_locked');
      }
      throw new DomainError('bad_credentials');
    },

    /**
     * Mails a single-use reset link when the email has an account, and does nothing otherwise;
     * the caller answers the same either way.
     */
    async requestPasswordReset(organization: Organization, typedEmail: string): Promise<void> {
      const account = await findByEmail(organization, typedEmail);
      if (!account) return;
      const { id, resetUrl } = await issueResetLink(organization, account);
      const mail = await renderPasswordReset({
        organizationName: organization.name,
        recipientFirstName: account.firstName,
        resetUrl,
        expiresInMinutes: RESET_LINK_MINUTES,
      });
      try {
        await mailer.send({
          idempotencyKey: `password-reset:${id}`,
          organizationId: organization.id,
          kind: 'password-reset',
          to: account.email,
          ...mail,
        });
      } catch (error) {
        // The messages table records the failure; an error page here would reveal that the account exists.
        log.error('password reset mail failed', error);
      }
    },

    /**
     * Sets the new password (the policy applies), unlocks the account, ends all its sessions and
     * uses up the link (and any other outstanding link of the account).
     */
    async completePasswordReset(
      organization: Organization,
      token: string,
      password: string,
    ): Promise<Account> {
      const account = await checkResetLink(organization, token);
      const problem = passwordProblem(organization.passwordPolicy, password, account.email);
      if (problem) throw new InvalidFields({ password: problem });
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const used = await tx
          .update(passwordResets)
          .set({ usedAt: now })
          .where(and(eq(passwordResets.id, sha256(token)), isNull(passwordResets.usedAt)))
          .returning({ id: passwordResets.id });
        // Two tabs submitting one link: only the first one counts.
        if (used.length === 0) throw new DomainError('reset_link_invalid');
        await tx
          .update(passwordResets)
          .set({ usedAt: now })
          .where(and(eq(passwordResets.accountId, account.id), isNull(passwordResets.usedAt)));
        await tx.delete(authSessions).where(eq(authSessions.accountId, account.id));
        const [updated] = await tx
          .update(accounts)
          .set({ passwordHash, failedSignIns: 0, lockedAt: null, updatedAt: now })
          .where(eq(accounts.id, account.id))
          .returning();
        if (!updated) throw new DomainError('not_found');
        return updated;
      });
    },

    /** Staff unlock: the account may sign in again, its failure count starts over. */
    async unlock(organization: Organization, accountId: string): Promise<AccountWithRoles> {
      const [updated] = await db
        .update(accounts)
        .set({ lockedAt: null, failedSignIns: 0, updatedAt: clock.now() })
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

    async updateProfile(
      organization: Organization,
      accountId: string,
      input: ProfileInput,
    ): Promise<Account> {
      const [updated] = await db
        .update(accounts)
        .set({ ...input, updatedAt: clock.now() })
        .where(and(eq(accounts.id, accountId), eq(accounts.organizationId, organization.id)))
        .returning();
      if (!updated) throw new DomainError('not_found');
      return updated;
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
