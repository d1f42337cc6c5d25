import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
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
import { series } from './series';

/** The RSS dashboard's "Child Status", derived from the facts whenever it is shown (server/session-status.ts). */
export const SESSION_STATUSES = ['incomplete', 'in_review', 'pending', 'approved', 'rejected'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** One meeting of a series (a "child activity"). */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    seriesId: uuid()
      .notNull()
      .references(() => series.id),
    /** The numeric child ID learners see as the Event ID. */
    childId: integer().generatedAlwaysAsIdentity({ startWith: 10001 }).notNull().unique(),
    /** Short code learners text or type to claim attendance; unique within the organization. */
    attendanceCode: text().notNull(),
    /** The series' organization, kept here so attendance codes can be unique per organization. */
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** The topic, as transcripts show it (3 by 5, item 1). */
    name: text().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    /** IANA zone the session is held and shown in (the organization's unless chosen). */
    timeZone: text().notNull(),
    location: text().notNull().default(''),
    department: text().notNull().default(''),
    objectives: text().notNull().default(''),
    specialties: text().array().notNull().default(sql`'{}'::text[]`),
    professions: text().array().notNull().default(sql`'{}'::text[]`),
    credits: numeric({ precision: 4, scale: 2 }).notNull(),
    /** Per-session override of the organization's claim window; null means the default. */
    claimMinutesBefore: integer(),
    claimMinutesAfter: integer(),
    requiresRegistration: boolean().notNull().default(false),
    /** An evaluation or post-test of its own instead of the series'; null: the series'. */
    evaluationFormId: uuid().references(() => evaluationForms.id),
    postTestId: uuid().references(() => postTests.id),
    /**
     * Where the organization rotates codes: the code the attendance screen shows now, and the one
     * before it (still good, for the learner typing as it changes). Set by the claim-window
     * lifecycle while the session is under way; null otherwise.
     */
    rotatingCode: text(),
    rotatingCodePrevious: text(),
    /** Internal supporting documentation: never shown to learners. */
    notes: text().notNull().default(''),
    /** Sessions made together by one recurrence share it, for "this and following" edits. */
    recurrenceId: uuid(),
    /** How that recurrence was described ("Monthly on the first Tuesday"). */
    recurrence: text(),
    /** Deactivated sessions stay on record, hidden by default, their lifecycles stopped. */
    deactivatedAt: timestamp({ withTimezone: true }),
    deactivatedById: uuid().references(() => accounts.id),
    /** A name the name-fit check doubted, accepted by a reviewer; it counts only while unchanged. */
    nameAcceptedAs: text(),
    /**
     * The facts the session was approved on (server/session-status.ts approvalBasis). It is APPROVED
     * only while they still hold: a new date, name, faculty or disclosure needs approval again.
     */
    approvedBasis: text(),
    approvedAt: timestamp({ withTimezone: true }),
    approvedById: uuid().references(() => accounts.id),
    createdById: uuid().references(() => accounts.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sessions_org_code_key').on(t.organizationId, t.attendanceCode),
    index('sessions_org_rotating_code').on(t.organizationId, t.rotatingCode),
    index('sessions_org_rotating_previous').on(t.organizationId, t.rotatingCodePrevious),
    index('sessions_series_starts').on(t.seriesId, t.startsAt),
    index('sessions_org_starts').on(t.organizationId, t.startsAt),
    index('sessions_recurrence').on(t.recurrenceId, t.startsAt),
  ],
);

/** Per-faculty "Presentations & COI Status", derived (server/session-status.ts), never stored. */
export const COI_STATUSES = [
  'incomplete',
  'pending',
  'approved',
  'approved_with_exceptions',
  'rejected',
  'disclosure_updated',
] as const;
export type CoiStatus = (typeof COI_STATUSES)[number];

export const FACULTY_ROLES = ['speaker', 'case_selector'] as const;
export type FacultyRole = (typeof FACULTY_ROLES)[number];

/** Who teaches a session: a speaker, or for a case series the faculty member who selects the cases. */
export const sessionFaculty = pgTable(
  'session_faculty',
  {
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    role: text({ enum: FACULTY_ROLES }).notNull().default('speaker'),
    /** "Request disclosure?": they are asked, then reminded until they disclose or the session passes. */
    requestDisclosure: boolean().notNull().default(false),
    /** "Request presentation?": they are asked to upload their slides. */
    requestPresentation: boolean().notNull().default(false),
    addedById: uuid().references(() => accounts.id),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.accountId] }),
    index('session_faculty_account').on(t.accountId),
  ],
);

/** Learners registered for sessions whose activity requires registration. */
export const sessionRegistrations = pgTable(
  'session_registrations',
  {
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    registeredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.accountId] })],
);

export type Session = typeof sessions.$inferSelect;
