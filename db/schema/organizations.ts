import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Fall dates a new organization starts with; renewal is due each fall (coordinator manual). */
export const DEFAULT_RENEWAL_REMINDER_DATES = ['09-15', '10-15', '11-15'];

/** A tenant: one CME office with its own phone number, policies and wording. */
export const organizations = pgTable('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  /** The short "organization code" learners type in apps; stored lower-case. */
  code: text().notNull().unique(),
  name: text().notNull(),
  /** IANA zone; series years end at Dec 31 23:59:59 here. */
  timeZone: text().notNull(),
  /** E.164 number learners text attendance codes and their email to; one organization per number. */
  smsNumber: text().unique(),
  /** The Twilio account that owns smsNumber. The token signs webhooks and sends texts: write-only. */
  twilioAccountSid: text(),
  twilioAuthToken: text(),
  degrees: text().array().notNull(),
  professions: text().array().notNull(),
  /** Claim window defaults ("Allow texting minutes prior/after"); sessions may override. */
  claimMinutesBefore: integer().notNull().default(60),
  claimMinutesAfter: integer().notNull().default(2880),
  /**
   * 0: each session's attendance code holds for its whole window. Otherwise, while a session is
   * under way, its screen shows a new code this often (a code texted to a friend at home stops
   * working), and the printed code and Event ID no longer record attendance.
   */
  rotatingCodeMinutes: integer().notNull().default(0),
  /** Exceptions (attendance after a missed window) one learner may ask for in a calendar year; null: no cap. */
  exceptionsPerYear: integer(),
  /**
   * Email domains of the medical staff and affiliates ("cshs.org"): an account whose confirmed
   * email is at one of them counts as affiliated for series that give credit to affiliates only.
   */
  affiliateDomains: text().array().notNull().default(sql`'{}'::text[]`),
  /** 'asvs' (OWASP ASVS 5.0 default) or 'upper-lower-digit-special' (the 8–16 seed preset). */
  passwordPolicy: text({ enum: ['asvs', 'upper-lower-digit-special'] })
    .notNull()
    .default('asvs'),
  lockoutThreshold: integer().notNull().default(5),
  /**
   * Institution sign-in (OpenID Connect): the provider's issuer URL, this organization's client id
   * and secret there, and the words on the sign-in button ("Use My Cedars Login"). All or none.
   */
  ssoIssuer: text(),
  ssoClientId: text(),
  ssoClientSecret: text(),
  ssoButtonLabel: text(),
  /** Reviewers and admins must sign in with an authenticator app as well as a password. */
  mfaRequiredForStaff: boolean().notNull().default(false),
  /** Month-day ('MM-DD') dates each fall when unrenewed series remind their owners. */
  renewalReminderDates: text().array().notNull(),
  /** ISO dates ('YYYY-MM-DD') that do not count as business days. */
  holidays: text().array().notNull(),
  /** Days between reminders to someone asked to disclose who has not yet (0: no reminders). */
  disclosureReminderDays: integer().notNull().default(7),
  /** Days before a disclosure lapses that its owner is reminded, if they teach a future session. */
  disclosureLapseReminderDays: integer().array().notNull().default(sql`'{30,7}'::integer[]`),
  /** Days after a session ends that its evaluation is due, where the series sets none. */
  evaluationDueDays: integer().notNull().default(30),
  /**
   * Whether single RSS sessions give certificates where the series does not say. Some offices give
   * none: the credit goes on the transcript alone (the seeds' Cedars-Sinai rule).
   */
  certificatesForSessions: boolean().notNull().default(true),
  /** Who signs certificates, as printed under the signature line ("Jane Roe, MD, Director of CME"). */
  certificateSigner: text().notNull().default(''),
  accreditationStatement: text().notNull().default(''),
  creditDesignationStatement: text().notNull().default(''),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type Organization = typeof organizations.$inferSelect;
