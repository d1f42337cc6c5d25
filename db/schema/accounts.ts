import { sql } from 'drizzle-orm';
import {
  bigint,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

/**
 * Organization-wide roles. Owning or coordinating a series is not one of them: those are series
 * roles (series_roles), given on each series.
 */
export const ROLES = ['learner', 'faculty', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person's login in one organization. Email is the login, unique per organization. */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** As typed (trimmed), for display and mail. */
    email: text().notNull(),
    /** Trimmed and lower-cased: the uniqueness key, so "Ann@X.org " and "ann@x.org" are one person. */
    emailKey: text().notNull(),
    firstName: text().notNull(),
    lastName: text().notNull(),
    degree: text().notNull(),
    profession: text().notNull(),
    /** E.164, as the person gave it. It claims attendance by text only once paired (smsPairedAt). */
    mobile: text(),
    /** Set when the account confirmed the phone is theirs (server/phone-pairing.ts). */
    smsPairedAt: timestamp({ withTimezone: true }),
    specialties: text().array().notNull().default(sql`'{}'::text[]`),
    npi: text(),
    /** Marked by the CME office as medical staff or an affiliate (besides an affiliate email domain). */
    affiliatedAt: timestamp({ withTimezone: true }),
    boardId: text(),
    passwordHash: text().notNull(),
    /** "issuer sub" of the institution sign-in linked to this account, once it has been used. */
    ssoSubject: text(),
    /** Set when the person proves the mailbox is theirs (a link); until then no credit, no faculty role. */
    emailConfirmedAt: timestamp({ withTimezone: true }),
    /** Consecutive failed sign-ins since the last success or unlock. */
    failedSignIns: integer().notNull().default(0),
    /** When the current lock began; staff see and clear it. */
    lockedAt: timestamp({ withTimezone: true }),
    /** Sign-in with a password is paused until then; each further lock lasts twice as long. */
    lockedUntil: timestamp({ withTimezone: true }),
    /**
     * Base32 TOTP secret (RFC 6238) of the authenticator app; set when enrolment starts, in use once
     * totpEnabledAt is set.
     */
    totpSecret: text(),
    totpEnabledAt: timestamp({ withTimezone: true }),
    /** The last 30-second step a code was accepted for: a code is good once (RFC 6238 §5.2). */
    totpLastStep: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_org_email_key').on(t.organizationId, t.emailKey),
    uniqueIndex('accounts_org_sso_subject').on(t.organizationId, t.ssoSubject),
    // One paired phone, one account: a text is always somebody's, never two people's.
    uniqueIndex('accounts_org_paired_mobile')
      .on(t.organizationId, t.mobile)
      .where(sql`${t.smsPairedAt} is not null`),
  ],
);

/** Organization-wide roles; series-level owner/coordinator live in series_roles. */
export const accountRoles = pgTable(
  'account_roles',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.role] })],
);

/** Server-side sign-in sessions. The id is the SHA-256 of the cookie token, never the token itself. */
export const authSessions = pgTable('auth_sessions', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  csrfToken: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  lastSeenAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

export const ACCOUNT_LINK_PURPOSES = ['password-reset', 'email-confirmation', 'unlock'] as const;
export type AccountLinkPurpose = (typeof ACCOUNT_LINK_PURPOSES)[number];

/**
 * Single-use links mailed to an account's owner (reset a password, confirm an email, unlock
 * sign-in), stored as the SHA-256 of the token: the token itself is only in the mail.
 */
export const accountLinks = pgTable('account_links', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  purpose: text({ enum: ACCOUNT_LINK_PURPOSES }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

/**
 * Browsers an account has signed in from (OWASP's "device cookie"): the id is the SHA-256 of a
 * random cookie. A browser known to the account signs in even while a stranger's guessing keeps
 * the account locked, so a lock stops the attacker and not the owner.
 */
export const knownDevices = pgTable(
  'known_devices',
  {
    id: text().notNull(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.id, t.accountId] })],
);

/** One-time recovery codes for an account with an authenticator, stored as SHA-256 hashes. */
export const recoveryCodes = pgTable('recovery_codes', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

/**
 * A sign-in halfway: the password was right and the authenticator code is still to come. The id
 * is the SHA-256 of a short-lived cookie; a few wrong codes and it is gone.
 */
export const signInChallenges = pgTable('sign_in_challenges', {
  id: text().primaryKey(),
  accountId: uuid()
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  /** Where to go once the code is right (a path inside the organization). */
  next: text(),
  attempts: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * An institution sign-in on its way: the browser holds the state by cookie; PKCE's verifier and
 * the nonce wait here until the provider sends the person back (ten minutes at most).
 */
export const ssoRequests = pgTable('sso_requests', {
  /** SHA-256 of the state sent to the provider and kept in the browser's cookie. */
  id: text().primaryKey(),
  organizationId: uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  codeVerifier: text().notNull(),
  nonce: text().notNull(),
  next: text(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

export type Account = typeof accounts.$inferSelect;
