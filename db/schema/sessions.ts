import { sql } from 'drizzle-orm';
import {
  boolean,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { series } from './series';

/** The RSS dashboard's "Child Status". */
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
    name: text().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    location: text().notNull().default(''),
    department: text().notNull().default(''),
    objectives: text().notNull().default(''),
    specialties: text().array().notNull().default(sql`'{}'::text[]`),
    professions: text().array().notNull().default(sql`'{}'::text[]`),
    status: text({ enum: SESSION_STATUSES }).notNull().default('incomplete'),
    /** Per-session override of the organization's claim window; null means the default. */
    claimMinutesBefore: integer(),
    claimMinutesAfter: integer(),
    requiresRegistration: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sessions_org_code_key').on(t.organizationId, t.attendanceCode)],
);

/** Per-faculty "Presentations & COI Status". */
export const COI_STATUSES = [
  'incomplete',
  'pending',
  'approved',
  'approved_with_exceptions',
  'rejected',
  'disclosure_updated',
] as const;
export type CoiStatus = (typeof COI_STATUSES)[number];

export const sessionFaculty = pgTable(
  'session_faculty',
  {
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    /** 'speaker', or for a case series the faculty member who selects the cases. */
    role: text({ enum: ['speaker', 'case_selector'] })
      .notNull()
      .default('speaker'),
    coiStatus: text({ enum: COI_STATUSES }).notNull().default('incomplete'),
    requestDisclosure: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.accountId] })],
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
