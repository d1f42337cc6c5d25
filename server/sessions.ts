import { randomUUID } from 'node:crypto';
import { and, asc, eq, gte, isNull, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from 'hono';
import type { Database } from '../db/client';
import {
  type Organization,
  organizations,
  type Series,
  type Session,
  series,
  seriesRoles,
  sessionFaculty,
  sessions,
} from '../db/schema';
import {
  addDays,
  currentYearIn,
  daysBetween,
  instantAt,
  isLocalDate,
  isLocalTime,
  isValidTimeZone,
  localDate,
  localTime,
  yearEndsAt,
  zonedInstant,
} from '../workflows/calendar';
import { DomainError } from '../workflows/errors';
import type { Rule } from './access';
import type { AppEnv } from './context';
import { freshAttendanceCodes } from './attendance-codes';
import { creditChoices } from './evaluation-forms';
import type { Clock } from './clock';
import { closeTicket } from './escalations';
import { sessionClosed } from './session-status';
import { changedFields, recordChange, type Snapshot } from './history';
import {
  describeRecurrence,
  MAX_OCCURRENCES,
  type MonthWeek,
  occurrences,
  type Recurrence,
  type RecurrenceEnd,
} from './recurrence';
import { CLAIM_MINUTES_AFTER_MAX, CLAIM_MINUTES_BEFORE_MAX } from './organization-settings';
import { type Actor, CREDITS_PATTERN } from './series';
import { isStaff } from './staff';

/**
 * Sessions (child activities) of an approved series: added one at a time or as a recurrence,
 * edited alone or "this and following", moved, deactivated. Never after Dec 31 of the series year
 * in the organization's zone, never in an expired series, never in the past. Every change is
 * recorded with before and after in the same transaction.
 */

export interface SessionDeps {
  db: Database;
  clock: Clock;
}

/** What the session form sends: strings, as typed. Dates and times are local to `timeZone`. */
export interface SessionInput {
  name: string;
  date: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  location: string;
  department: string;
  objectives: string;
  /** Comma-separated, as typed. */
  specialties: string;
  professions: string[];
  credits: string;
  /** '' means the organization's default. */
  claimMinutesBefore: string;
  claimMinutesAfter: string;
  requiresRegistration: boolean;
  notes: string;
  /** An evaluation or post-test of the session's own; '' for the series'. Absent: unchanged. */
  evaluationFormId?: string | undefined;
  postTestId?: string | undefined;
}

/** How new sessions repeat (the create form only). */
export interface RepeatInput {
  repeat: string;
  everyWeeks: string;
  weekdays: string[];
  monthWeek: string;
  monthWeekday: string;
  endKind: string;
  until: string;
  count: string;
}

export type SessionFieldErrors = Partial<Record<keyof SessionInput | keyof RepeatInput | 'form', string>>;

export class InvalidSessionInput extends DomainError {
  constructor(readonly fields: SessionFieldErrors) {
    super('invalid_input');
    this.name = 'InvalidSessionInput';
  }
}

const text = (label: string, max: number, required = false) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label.toLowerCase()} under ${max.toLocaleString('en-US')} characters.`)
    .refine((value) => !required || value !== '', `Enter the ${label.toLowerCase()}.`);

const optionalMinutes = (label: string, max: number) =>
  z
    .string()
    .trim()
    .refine(
      (value) => value === '' || (/^\d+$/.test(value) && Number(value) <= max),
      `${label}: a whole number from 0 to ${max.toLocaleString('en-US')}, or empty for the organization’s default.`,
    )
    .transform((value) => (value === '' ? null : Number(value)));

/** The organization's evaluations and post-tests a session may name instead of its series'. */
interface CreditChoiceIds {
  forms: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

const ownChoice = (ids: ReadonlySet<string>, foreign: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine((id) => id === undefined || id === '' || ids.has(id), foreign)
    .transform((id) => (id === undefined ? undefined : id === '' ? null : id));

function sessionSchema(organization: Organization, choices: CreditChoiceIds) {
  const professions = new Set(organization.professions);
  return z
    .object({
      name: text('Name', 200, true),
      date: z.string().trim().refine(isLocalDate, 'Enter the date, like 2026-03-04.'),
      startTime: z.string().trim().refine(isLocalTime, 'Enter the start time, like 12:00.'),
      endTime: z.string().trim().refine(isLocalTime, 'Enter the end time, like 13:00.'),
      timeZone: z.string().trim().refine(isValidTimeZone, 'Choose a time zone from the list.'),
      location: text('Location', 200),
      department: text('Department', 200),
      objectives: text('Objectives', 4000),
      specialties: z
        .string()
        .transform((typed) => [
          ...new Set(
            typed
              .split(',')
              .map((one) => one.trim())
              .filter(Boolean),
          ),
        ])
        .pipe(
          z
            .array(z.string().max(100, 'Keep each specialty under 100 characters.'))
            .max(50, 'Choose at most 50 specialties.'),
        ),
      professions: z
        .array(z.string().trim())
        .transform((list) => [...new Set(list.filter(Boolean))])
        .pipe(z.array(z.string()).min(1, 'Choose at least one profession.'))
        .refine(
          (list) => list.every((one) => professions.has(one)),
          'Choose professions from the organization’s list.',
        ),
      credits: z
        .string()
        .trim()
        .refine(
          (credits) => CREDITS_PATTERN.test(credits) && Number(credits) >= 0 && Number(credits) <= 99,
          'Enter credits from 0 to 99, with at most two decimals.',
        ),
      claimMinutesBefore: optionalMinutes('Minutes before start', CLAIM_MINUTES_BEFORE_MAX),
      claimMinutesAfter: optionalMinutes('Minutes after end', CLAIM_MINUTES_AFTER_MAX),
      requiresRegistration: z.boolean(),
      notes: text('Supporting notes', 4000),
      evaluationFormId: ownChoice(choices.forms, 'Choose one of the organization’s evaluations.'),
      postTestId: ownChoice(choices.tests, 'Choose one of the organization’s post-tests.'),
    })
    .superRefine((input, ctx) => {
      if (isLocalTime(input.startTime) && isLocalTime(input.endTime) && input.endTime <= input.startTime) {
        ctx.addIssue({
          code: 'custom',
          path: ['endTime'],
          message: 'End the session after it starts, on the same day.',
        });
      }
    });
}

type ValidSession = z.output<ReturnType<typeof sessionSchema>>;

/** The columns a valid form sets on each session it makes or changes; the day and times are per session. */
function sessionColumns({
  date: _date,
  startTime: _start,
  endTime: _end,
  evaluationFormId,
  postTestId,
  ...columns
}: ValidSession) {
  // An evaluation or post-test the form did not send is left as it is.
  return {
    ...columns,
    ...(evaluationFormId !== undefined ? { evaluationFormId } : {}),
    ...(postTestId !== undefined ? { postTestId } : {}),
  };
}

const whole = (message: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max, message)
    .transform(Number);

const repeatSchema = z.discriminatedUnion(
  'repeat',
  [
    z.object({ repeat: z.literal('once') }),
    z.object({
      repeat: z.literal('weekly'),
      everyWeeks: whole('Repeat every 1 to 8 weeks.', 1, 8),
      weekdays: z
        .array(z.string())
        .transform((days) => [...new Set(days.map(Number))])
        .pipe(z.array(z.number().int().min(0).max(6)).min(1, 'Choose at least one weekday.')),
      endKind: z.enum(['until', 'count'], { error: 'Choose when the sessions end.' }),
      until: z.string().trim(),
      count: z.string().trim(),
    }),
    z.object({
      repeat: z.literal('monthly'),
      monthWeek: z
        .enum(['1', '2', '3', '4', '-1'], { error: 'Choose which week of the month.' })
        .transform(Number),
      monthWeekday: whole('Choose the weekday.', 0, 6),
      endKind: z.enum(['until', 'count'], { error: 'Choose when the sessions end.' }),
      until: z.string().trim(),
      count: z.string().trim(),
    }),
  ],
  { error: 'Choose how often the session happens.' },
);

function toRecurrence(input: z.output<typeof repeatSchema>, errors: SessionFieldErrors): Recurrence | null {
  if (input.repeat === 'once') return { kind: 'once' };
  let end: RecurrenceEnd;
  if (input.endKind === 'until') {
    if (!isLocalDate(input.until)) {
      errors.until = 'Enter the last date, like 2026-12-15.';
      return null;
    }
    end = { until: input.until };
  } else {
    if (!/^\d+$/.test(input.count) || Number(input.count) < 1 || Number(input.count) > MAX_OCCURRENCES) {
      errors.count = `Enter how many sessions, from 1 to ${MAX_OCCURRENCES}.`;
      return null;
    }
    end = { count: Number(input.count) };
  }
  return input.repeat === 'weekly'
    ? { kind: 'weekly', everyWeeks: input.everyWeeks, weekdays: input.weekdays, end }
    : { kind: 'monthly', week: input.monthWeek as MonthWeek, weekday: input.monthWeekday, end };
}

function issuesToErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  into: SessionFieldErrors,
) {
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form') as keyof SessionFieldErrors;
    into[field] ??= issue.message;
  }
}

async function parseSession(
  db: Database,
  organization: Organization,
  input: SessionInput,
  errors: SessionFieldErrors,
): Promise<ValidSession | null> {
  const { forms, tests } = await creditChoices(db, organization.id);
  const parsed = sessionSchema(organization, {
    forms: new Set(forms.map((f) => f.id)),
    tests: new Set(tests.map((t) => t.id)),
  }).safeParse(input);
  if (!parsed.success) {
    issuesToErrors(parsed.error.issues, errors);
    return null;
  }
  return parsed.data;
}

// ---- Reading ----

export interface SessionWithSeries {
  session: Session;
  series: Series;
  organization: Organization;
}

const UUID = z.guid();

/** A session of the organization; another organization's session does not exist for them. */
export async function findSession(
  db: Database,
  organizationId: string,
  sessionId: string,
): Promise<SessionWithSeries | null> {
  if (!UUID.safeParse(sessionId).success) return null;
  const [row] = await db
    .select({ session: sessions, series, organization: organizations })
    .from(sessions)
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .innerJoin(organizations, eq(organizations.id, sessions.organizationId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.organizationId, organizationId)))
    .limit(1);
  return row ?? null;
}

/** A series' sessions in date order; deactivated ones only when asked for. */
export async function listSessions(
  db: Database,
  seriesId: string,
  options: { includeDeactivated?: boolean; from?: Date; to?: Date } = {},
): Promise<Session[]> {
  const conditions: SQL[] = [eq(sessions.seriesId, seriesId)];
  if (!options.includeDeactivated) conditions.push(isNull(sessions.deactivatedAt));
  if (options.from) conditions.push(gte(sessions.startsAt, options.from));
  if (options.to) conditions.push(lt(sessions.startsAt, options.to));
  return db
    .select()
    .from(sessions)
    .where(and(...conditions))
    .orderBy(asc(sessions.startsAt), asc(sessions.childId));
}

/** Coordinators of the series and the CME office (reviewers, admins) change sessions; owners only look. */
export async function mayChangeSessions(db: Database, target: Series, actor: Actor): Promise<boolean> {
  if (isStaff(actor)) return true;
  const [held] = await db
    .select({ role: seriesRoles.role })
    .from(seriesRoles)
    .where(
      and(
        eq(seriesRoles.seriesId, target.id),
        eq(seriesRoles.accountId, actor.account.id),
        eq(seriesRoles.role, 'coordinator'),
      ),
    );
  return held !== undefined;
}

/** Staff, anyone holding a role on the session's series, and its own faculty may see it. */
export async function maySeeSession(db: Database, found: SessionWithSeries, actor: Actor): Promise<boolean> {
  if (isStaff(actor)) return true;
  const [held] = await db
    .select({ role: seriesRoles.role })
    .from(seriesRoles)
    .where(and(eq(seriesRoles.seriesId, found.series.id), eq(seriesRoles.accountId, actor.account.id)));
  if (held) return true;
  const [teaches] = await db
    .select({ accountId: sessionFaculty.accountId })
    .from(sessionFaculty)
    .where(
      and(eq(sessionFaculty.sessionId, found.session.id), eq(sessionFaculty.accountId, actor.account.id)),
    );
  return teaches !== undefined;
}

/** The form's values for an existing session, as its edit form shows them. */
export function sessionInputOf(session: Session): SessionInput {
  return {
    name: session.name,
    date: localDate(session.startsAt, session.timeZone),
    startTime: localTime(session.startsAt, session.timeZone),
    endTime: localTime(session.endsAt, session.timeZone),
    timeZone: session.timeZone,
    location: session.location,
    department: session.department,
    objectives: session.objectives,
    specialties: session.specialties.join(', '),
    professions: session.professions,
    credits: session.credits,
    claimMinutesBefore: session.claimMinutesBefore === null ? '' : String(session.claimMinutesBefore),
    claimMinutesAfter: session.claimMinutesAfter === null ? '' : String(session.claimMinutesAfter),
    requiresRegistration: session.requiresRegistration,
    notes: session.notes,
    evaluationFormId: session.evaluationFormId ?? '',
    postTestId: session.postTestId ?? '',
  };
}

/** A new session's form, filled with the series' defaults. */
export function newSessionInput(target: Series, organization: Organization): SessionInput {
  return {
    name: '',
    date: '',
    startTime: '12:00',
    endTime: '13:00',
    timeZone: organization.timeZone,
    location: '',
    department: target.department,
    objectives: '',
    specialties: target.specialties.join(', '),
    professions: target.professions,
    credits: target.creditsPerSession,
    claimMinutesBefore: '',
    claimMinutesAfter: '',
    requiresRegistration: false,
    notes: '',
    evaluationFormId: '',
    postTestId: '',
  };
}

// ---- The rules of the series year ----

/** The series must be approved and its year not over (SPEC: expired means no new sessions). */
function refuseUnlessOpen(target: Series, organization: Organization, now: Date): void {
  if (target.status === 'expired' || target.year < currentYearIn(organization.timeZone, now)) {
    throw new DomainError('series_expired');
  }
  if (target.status !== 'approved') throw new DomainError('series_not_approved');
}

/** The first instant of the series year and the first after it, in the organization's zone. */
function seriesYearBounds(target: Series, organization: Organization) {
  return {
    startsAt: zonedInstant({ year: target.year, month: 1, day: 1 }, organization.timeZone),
    endsAt: yearEndsAt(target.year, organization.timeZone),
  };
}

function yearEndWords(target: Series): string {
  return `December 31, ${target.year}`;
}

/** Checks one start against the series year and the clock; the message names the rule. */
function datingProblem(startsAt: Date, target: Series, organization: Organization, now: Date): string | null {
  const year = seriesYearBounds(target, organization);
  if (startsAt >= year.endsAt) {
    return `The series is approved through ${yearEndWords(target)}; a session cannot be dated after that.`;
  }
  if (startsAt < year.startsAt)
    return `This is the ${target.year} series: date its sessions in ${target.year}.`;
  if (startsAt <= now) return 'That time has already passed; choose a later date or time.';
  return null;
}

function snapshot(session: Session): Snapshot {
  return {
    name: session.name,
    startsAt: session.startsAt.toISOString(),
    endsAt: session.endsAt.toISOString(),
    timeZone: session.timeZone,
    location: session.location,
    department: session.department,
    objectives: session.objectives,
    specialties: session.specialties,
    professions: session.professions,
    credits: session.credits,
    claimMinutesBefore: session.claimMinutesBefore,
    claimMinutesAfter: session.claimMinutesAfter,
    requiresRegistration: session.requiresRegistration,
    notes: session.notes,
    evaluationFormId: session.evaluationFormId,
    postTestId: session.postTestId,
  };
}

// ---- Commands ----

export interface CreatedSessions {
  sessions: Session[];
  /** Dates the recurrence asked for after the series' Dec 31, which were not added. */
  cut: number;
  lastDate: string;
  recurrence: string;
}

async function createSessions(
  deps: SessionDeps,
  target: Series,
  input: SessionInput,
  repeat: RepeatInput,
  by: Actor,
  clientAddress: string | null = null,
): Promise<CreatedSessions> {
  const { db, clock } = deps;
  const now = clock.now();
  const [organization] = await db
    .select()
    .from(organizations)
    .where(eq(organizations.id, target.organizationId));
  if (!organization || organization.id !== by.account.organizationId) throw new DomainError('not_found');
  if (!(await mayChangeSessions(db, target, by))) throw new DomainError('forbidden');
  refuseUnlessOpen(target, organization, now);

  const errors: SessionFieldErrors = {};
  const values = await parseSession(db, organization, input, errors);
  const repeatParsed = repeatSchema.safeParse(repeat);
  let recurrence: Recurrence | null = null;
  if (!repeatParsed.success) issuesToErrors(repeatParsed.error.issues, errors);
  else recurrence = toRecurrence(repeatParsed.data, errors);
  if (!values || !recurrence) throw new InvalidSessionInput(errors);

  if (recurrence.kind !== 'once' && 'until' in recurrence.end && recurrence.end.until < values.date) {
    throw new InvalidSessionInput({ until: 'End the recurrence on or after the first date.' });
  }
  // Dates are cut at Dec 31 of the series year; a zone west of the organization's can also end
  // the year a few hours early, so each start is checked as an instant too.
  const lastDate = `${target.year}-12-31`;
  const planned = occurrences(values.date, recurrence, lastDate);
  if (planned.dates.length > MAX_OCCURRENCES) {
    throw new InvalidSessionInput({
      [recurrence.kind === 'once'
        ? 'date'
        : 'end' in recurrence && 'count' in recurrence.end
          ? 'count'
          : 'until']: `That would be more than ${MAX_OCCURRENCES} sessions; end the recurrence sooner.`,
    });
  }
  const year = seriesYearBounds(target, organization);
  const starts: { startsAt: Date; endsAt: Date }[] = [];
  let cut = planned.cut;
  for (const date of planned.dates) {
    const startsAt = instantAt(date, values.startTime, values.timeZone);
    if (startsAt >= year.endsAt) {
      cut += 1;
      continue;
    }
    starts.push({ startsAt, endsAt: instantAt(date, values.endTime, values.timeZone) });
  }
  const first = starts[0];
  if (!first) {
    throw new InvalidSessionInput(
      cut > 0
        ? {
            date: `The series is approved through ${yearEndWords(target)}; a session cannot be dated after that.`,
          }
        : { form: 'No date matches that recurrence: check its weekdays and its end.' },
    );
  }
  const problem = datingProblem(first.startsAt, target, organization, now);
  if (problem) throw new InvalidSessionInput({ date: problem });

  const recurrenceId = recurrence.kind === 'once' ? null : randomUUID();
  const described = describeRecurrence(recurrence);
  const created = await db.transaction(async (tx) => {
    const codes = await freshAttendanceCodes(tx, organization.id, starts.length);
    const rows = await tx
      .insert(sessions)
      .values(
        starts.map((start, index) => ({
          seriesId: target.id,
          organizationId: organization.id,
          attendanceCode: codes[index] ?? '',
          ...sessionColumns(values),
          startsAt: start.startsAt,
          endsAt: start.endsAt,
          recurrenceId,
          recurrence: recurrenceId ? described : null,
          createdById: by.account.id,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .returning();
    for (const row of rows) {
      await recordChange(tx, now, {
        organizationId: organization.id,
        actorId: by.account.id,
        action: 'session_created',
        seriesId: target.id,
        sessionId: row.id,
        clientAddress,
        after: { ...snapshot(row), attendanceCode: row.attendanceCode, childId: row.childId },
        ...(recurrenceId ? { note: { recurrence: described } } : {}),
      });
    }
    return rows;
  });
  return { sessions: created, cut, lastDate, recurrence: described };
}

export type EditScope = 'this' | 'following';

/**
 * Edits a session, or it and the later sessions of its recurrence. A new date moves them all by the
 * same number of days; the times of day, place and the rest are set on each.
 */
async function updateSession(
  deps: SessionDeps,
  found: SessionWithSeries,
  input: SessionInput,
  scope: EditScope,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Session[]> {
  const { db, clock } = deps;
  const now = clock.now();
  const { session, series: target, organization } = found;
  if (!(await mayChangeSessions(db, target, by))) throw new DomainError('forbidden');
  const closed = sessionClosed(found);
  if (closed) throw new DomainError(closed);
  refuseUnlessOpen(target, organization, now);

  const errors: SessionFieldErrors = {};
  const values = await parseSession(db, organization, input, errors);
  if (!values) throw new InvalidSessionInput(errors);

  const targets =
    scope === 'following' && session.recurrenceId
      ? await db
          .select()
          .from(sessions)
          .where(
            and(
              eq(sessions.recurrenceId, session.recurrenceId),
              gte(sessions.startsAt, session.startsAt),
              isNull(sessions.deactivatedAt),
            ),
          )
          .orderBy(asc(sessions.startsAt))
      : [session];
  const shift = daysBetween(localDate(session.startsAt, session.timeZone), values.date);

  const planned = targets.map((each) => {
    const date =
      each.id === session.id ? values.date : addDays(localDate(each.startsAt, each.timeZone), shift);
    const startsAt = instantAt(date, values.startTime, values.timeZone);
    return { each, startsAt, endsAt: instantAt(date, values.endTime, values.timeZone), date };
  });
  for (const plan of planned) {
    // An unchanged time may be in the past (fixing a typo after the session); a new one may not.
    if (plan.startsAt.getTime() === plan.each.startsAt.getTime()) continue;
    const problem = datingProblem(plan.startsAt, target, organization, now);
    if (problem) {
      throw new InvalidSessionInput({
        date:
          plan.each.id === session.id ? problem : `The session on ${plan.date} would move too: ${problem}`,
      });
    }
  }

  return db.transaction(async (tx) => {
    const updated: Session[] = [];
    for (const plan of planned) {
      const [row] = await tx
        .update(sessions)
        .set({
          ...sessionColumns(values),
          startsAt: plan.startsAt,
          endsAt: plan.endsAt,
          updatedAt: now,
        })
        .where(and(eq(sessions.id, plan.each.id), isNull(sessions.deactivatedAt)))
        .returning();
      if (!row) continue;
      updated.push(row);
      const change = changedFields(snapshot(plan.each), snapshot(row));
      if (!change) continue;
      await recordChange(tx, now, {
        organizationId: organization.id,
        actorId: by.account.id,
        action: 'session_updated',
        seriesId: target.id,
        sessionId: row.id,
        clientAddress,
        ...change,
        ...(scope === 'following' && targets.length > 1 ? { note: { scope: 'this and following' } } : {}),
      });
    }
    return updated;
  });
}

/** Moves one session to another day, keeping its times of day (the calendar's "move"). */
async function moveSession(
  deps: SessionDeps,
  found: SessionWithSeries,
  date: string,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Session> {
  if (!isLocalDate(date)) throw new InvalidSessionInput({ date: 'Enter the new date, like 2026-03-04.' });
  const [moved] = await updateSession(
    deps,
    found,
    { ...sessionInputOf(found.session), date },
    'this',
    by,
    clientAddress,
  );
  if (!moved) throw new DomainError('not_found');
  return moved;
}

/** Deactivated sessions stay on record and in the history; they leave the dashboard and calendars. */
async function deactivateSession(
  deps: SessionDeps,
  found: SessionWithSeries,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Session> {
  const { db, clock } = deps;
  const now = clock.now();
  const { session, series: target, organization } = found;
  if (!(await mayChangeSessions(db, target, by))) throw new DomainError('forbidden');
  const closed = sessionClosed(found);
  if (closed) throw new DomainError(closed);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({ deactivatedAt: now, deactivatedById: by.account.id, updatedAt: now })
      .where(and(eq(sessions.id, session.id), isNull(sessions.deactivatedAt)))
      .returning();
    if (!row) throw new DomainError('session_deactivated');
    await recordChange(tx, now, {
      organizationId: organization.id,
      actorId: by.account.id,
      action: 'session_deactivated',
      seriesId: target.id,
      sessionId: row.id,
      clientAddress,
      before: { deactivatedAt: null },
      after: { deactivatedAt: now.toISOString() },
    });
    await closeTicket(tx, now, {
      organizationId: organization.id,
      seriesId: target.id,
      sessionId: row.id,
      byId: by.account.id,
      because: 'deactivated',
      clientAddress,
    });
    return row;
  });
}

export function sessionOperations(deps: SessionDeps) {
  return {
    createSessions: (
      target: Series,
      input: SessionInput,
      repeat: RepeatInput,
      by: Actor,
      from?: string | null,
    ) => createSessions(deps, target, input, repeat, by, from),
    updateSession: (
      found: SessionWithSeries,
      input: SessionInput,
      scope: EditScope,
      by: Actor,
      from?: string | null,
    ) => updateSession(deps, found, input, scope, by, from),
    moveSession: (found: SessionWithSeries, date: string, by: Actor, from?: string | null) =>
      moveSession(deps, found, date, by, from),
    deactivateSession: (found: SessionWithSeries, by: Actor, from?: string | null) =>
      deactivateSession(deps, found, by, from),
  };
}

/**
 * An access rule over the session named by the path, in the viewer's own organization; `allowed`
 * may read the rest of the request (another id in the path, say).
 */
export function sessionRule(
  allowed: (db: Database, found: SessionWithSeries, viewer: Actor, c: Context<AppEnv>) => Promise<boolean>,
): Rule {
  return async (c) => {
    const viewer = c.get('viewer');
    const organization = c.get('organization');
    const sessionId = c.req.param('sessionId');
    if (!viewer || !organization || !sessionId || viewer.account.organizationId !== organization.id) {
      return false;
    }
    const found = await findSession(c.get('deps').db, organization.id, sessionId);
    return found !== null && allowed(c.get('deps').db, found, viewer, c);
  };
}

/** Access rule for a session's pages: staff, a role on its series, or its own faculty. */
export const maySeeSessionRule = sessionRule((db, found, viewer) => maySeeSession(db, found, viewer));

/** Access rule for changing a session: a coordinator of its series, or staff. */
export const mayChangeSessionRule = sessionRule((db, found, viewer) =>
  mayChangeSessions(db, found.series, viewer),
);

/** Staff, or an owner or coordinator of the session's series: the people who run it (not its faculty). */
export async function runsSession(db: Database, found: SessionWithSeries, actor: Actor): Promise<boolean> {
  if (isStaff(actor)) return true;
  const [held] = await db
    .select({ role: seriesRoles.role })
    .from(seriesRoles)
    .where(and(eq(seriesRoles.seriesId, found.series.id), eq(seriesRoles.accountId, actor.account.id)));
  return held !== undefined;
}

/** Access rule for a session's dashboard thread and messages: the people who run it. */
export const runsSessionRule = sessionRule(runsSession);
