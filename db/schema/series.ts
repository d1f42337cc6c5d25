import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { evaluationForms } from './evaluation-forms';
import { organizations } from './organizations';
import { postTests } from './post-tests';

/**
 * submitted: awaiting reviewers; approved: active for its year; expired: past Dec 31 of its year,
 * no new sessions.
 */
export const SERIES_STATUSES = ['submitted', 'approved', 'expired'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

/** Credit types a series or an external credit may be given in; the first is the default. */
export const CREDIT_TYPES = [
  'AMA PRA Category 1 Credit™',
  'ANCC contact hours',
  'ACPE contact hours',
  'AAPA Category 1 CME credits',
  'ASWB ACE CE credits',
  'Participation',
  'Other',
] as const;
export const DEFAULT_CREDIT_TYPE = CREDIT_TYPES[0];

/** certificate: one per completed session; transcript_only: the credit shows on the transcript alone. */
export const CERTIFICATE_POLICIES = ['certificate', 'transcript_only'] as const;
export type CertificatePolicy = (typeof CERTIFICATE_POLICIES)[number];

/** A regularly scheduled series (grand rounds, tumor board), approved one calendar year at a time. */
export const series = pgTable(
  'series',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    department: text().notNull(),
    year: integer().notNull(),
    status: text({ enum: SERIES_STATUSES }).notNull().default('submitted'),
    specialties: text().array().notNull().default(sql`'{}'::text[]`),
    professions: text().array().notNull().default(sql`'{}'::text[]`),
    creditsPerSession: numeric({ precision: 4, scale: 2 }).notNull(),
    /** What its credit is, as transcripts total it and certificates print it. */
    creditType: text().notNull().default(DEFAULT_CREDIT_TYPE),
    /** The evaluation its sessions' learners complete (a session may name another); null: none. */
    evaluationFormId: uuid().references(() => evaluationForms.id),
    /** The post-test its learners must pass (a session may name another); null: none. */
    postTestId: uuid().references(() => postTests.id),
    /** Days after a session ends that its evaluation is due; null: the organization's. */
    evaluationDueDays: integer(),
    /** Whether its sessions give certificates; null: the organization's rule for single sessions. */
    certificatePolicy: text({ enum: CERTIFICATE_POLICIES }),
    /** Credit only for learners of the professions above (the target audience); otherwise anyone's. */
    creditForProfessionsOnly: boolean().notNull().default(false),
    /** Credit only for the organization's medical staff and affiliates (the seeds' Cedars-Sinai rule). */
    affiliatesOnly: boolean().notNull().default(false),
    /** The series this one renews; unique, so a series is renewed at most once. */
    renewedFromId: uuid().references((): AnyPgColumn => series.id),
    createdById: uuid().references(() => accounts.id),
    approvedById: uuid().references(() => accounts.id),
    approvedAt: timestamp({ withTimezone: true }),
    expiredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('series_renewed_from_key').on(t.renewedFromId)],
);

export const SERIES_ROLES = ['owner', 'coordinator'] as const;
export type SeriesRole = (typeof SERIES_ROLES)[number];

export const seriesRoles = pgTable(
  'series_roles',
  {
    seriesId: uuid()
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    role: text({ enum: SERIES_ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.accountId, t.role] })],
);

export type Series = typeof series.$inferSelect;
