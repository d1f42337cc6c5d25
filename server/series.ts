import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { type Person, personColumns } from './people';
import { changedFields, recordChange } from './history';
import {
  type Account,
  accountRoles,
  accounts,
  CERTIFICATE_POLICIES,
  CREDIT_TYPES,
  type CertificatePolicy,
  evaluationForms,
  type Organization,
  organizations,
  postTests,
  type Role,
  SERIES_STATUSES,
  type Series,
  type SeriesRole,
  type SeriesStatus,
  series,
  seriesRoles,
} from '../db/schema';
import { render } from '@react-email/components';
import { createElement } from 'react';
import { RenewalRequested, renewalRequestedSubject } from '../views/mail/renewal-requested';
import { currentYearIn } from '../workflows/calendar';
import { DomainError } from '../workflows/errors';
import type { Rule } from './access';
import type { Clock } from './clock';
import type { SeriesYearLifecycle } from './lifecycles/series-year';
import type { Log } from './log';
import type { Mailer } from './mail';
import { isStaff } from './staff';

/**
 * Series: created by reviewers, approved one calendar year at a time, renewed each fall by their
 * owners and coordinators. Approval starts the series-year workflow; these functions are the only
 * place that decides when.
 */

export interface SeriesDeps {
  db: Database;
  clock: Clock;
  seriesYear: SeriesYearLifecycle;
  /** Reviewers are told of renewal requests by mail. */
  mailer: Mailer;
  log: Log;
  /** For links in mail. */
  publicUrl: string;
}

/** Whoever acts: a signed-in viewer, or a script acting as an account. */
export interface Actor {
  account: Pick<Account, 'id' | 'organizationId'>;
  roles: ReadonlySet<Role>;
}

/** Who an owner or coordinator is, as pages show them. */
/** A series' owner or coordinator, as its pages show them. */
export type SeriesPerson = Person;

export interface SeriesDetail {
  series: Series;
  owners: SeriesPerson[];
  coordinators: SeriesPerson[];
  /** Next year's series made from this one, if a renewal was requested. */
  renewal: Series | null;
  /** Last year's series this one renews, if any. */
  renews: Series | null;
}

export type SeriesFieldErrors = Partial<Record<keyof SeriesInput, string>>;

/** A series that fails validation: every field that needs attention, with why. */
export class InvalidSeriesInput extends DomainError {
  constructor(readonly fields: SeriesFieldErrors) {
    super('invalid_input');
    this.name = 'InvalidSeriesInput';
  }
}

export interface SeriesInput {
  name: string;
  department: string;
  year: number | string;
  /** Account ids of this organization. */
  owners: string[];
  coordinators: string[];
  specialties: string[];
  professions: string[];
  /** 0.25–99, at most two decimals ("1", "1.5", 0.75). */
  creditsPerSession: number | string;
  /** Ticked boxes: credit only for the professions above; only for medical staff and affiliates. */
  creditForProfessionsOnly?: boolean | string | undefined;
  affiliatesOnly?: boolean | string | undefined;
  /** One of CREDIT_TYPES; absent: the default (AMA PRA Category 1 Credit™), or unchanged on an edit. */
  creditType?: string | undefined;
  /** An evaluation form or post-test of this organization ('' for none); absent: none, or unchanged. */
  evaluationFormId?: string | undefined;
  postTestId?: string | undefined;
  /** 'certificate', 'transcript_only', or '' for the organization's rule; absent: unchanged. */
  certificatePolicy?: string | undefined;
  /** Days after a session that its evaluation is due, 1–365, or '' for the organization's. */
  evaluationDueDays?: number | string | undefined;
}

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;
/** Credits as typed: up to two digits, up to two decimals ("1", "1.5", "0.75"). */
export const CREDITS_PATTERN = /^\d{1,2}(\.\d{1,2})?$/;

/** What a new series is judged against: the organization's year, accounts and professions. */
interface SeriesContext {
  currentYear: number;
  accountIds: ReadonlySet<string>;
  professions: ReadonlySet<string>;
  evaluationFormIds: ReadonlySet<string>;
  postTestIds: ReadonlySet<string>;
}

/** An id chosen from one of the organization's own lists; '' is none. Absent stays absent. */
const chosenFrom = (ids: ReadonlySet<string>, foreign: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine((id) => id === undefined || id === '' || ids.has(id), foreign)
    .transform((id) => (id === undefined ? undefined : id === '' ? null : id));

const nonEmptyUnique = (list: string[]) => [...new Set(list.filter((entry) => entry !== ''))];

const people = (context: SeriesContext, none: string, foreign: string) =>
  z
    .array(z.string().trim())
    .transform(nonEmptyUnique)
    .pipe(
      z
        .array(z.string())
        .min(1, none)
        .refine((ids) => ids.every((id) => context.accountIds.has(id)), foreign),
    );

/** Each field is judged on its own, so a refused form names every field that needs attention. */
const seriesInputSchema = (context: SeriesContext) =>
  z.object({
    name: z.string().trim().min(1, 'Enter the series name.').max(200, 'Keep the name under 200 characters.'),
    department: z
      .string()
      .trim()
      .min(1, 'Enter the department.')
      .max(200, 'Keep the department under 200 characters.'),
    year: z
      .union([z.number(), z.string().trim()])
      .transform((year) => (year === '' ? Number.NaN : Number(year)))
      .pipe(
        z
          .number({ error: 'Enter the year, like 2027.' })
          .int('Enter the year, like 2027.')
          .min(MIN_YEAR, 'Enter the year, like 2027.')
          .max(MAX_YEAR, 'Enter the year, like 2027.'),
      )
      .superRefine((year, ctx) => {
        if (year < context.currentYear) {
          ctx.addIssue({
            code: 'custom',
            message: `${year} has already ended; choose the current year or a later one.`,
          });
        }
      }),
    owners: people(context, 'Choose at least one owner.', 'Choose owners from this organization’s accounts.'),
    coordinators: people(
      context,
      'Choose at least one coordinator.',
      'Choose coordinators from this organization’s accounts.',
    ),
    specialties: z
      .array(z.string().trim().max(100, 'Keep each specialty under 100 characters.'))
      .transform(nonEmptyUnique),
    professions: z
      .array(z.string().trim())
      .transform(nonEmptyUnique)
      .pipe(z.array(z.string()).min(1, 'Choose at least one profession.'))
      .superRefine((list, ctx) => {
        const unknown = list.filter((profession) => !context.professions.has(profession));
        if (unknown.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `Choose professions from the organization’s list (not ${unknown.join(', ')}).`,
          });
        }
      }),
    creditsPerSession: z
      .union([z.number(), z.string().trim()])
      .transform((credits) => (typeof credits === 'number' ? String(credits) : credits))
      .refine(
        (credits) => CREDITS_PATTERN.test(credits) && Number(credits) >= 0.25 && Number(credits) <= 99,
        'Enter credits per session from 0.25 to 99, with at most two decimals.',
      ),
    creditForProfessionsOnly: ticked,
    affiliatesOnly: ticked,
    creditType: z
      .string()
      .optional()
      .transform((type) => (type === '' ? undefined : type))
      .refine(
        (type) => type === undefined || (CREDIT_TYPES as readonly string[]).includes(type),
        'Choose a credit type from the list.',
      ),
    evaluationFormId: chosenFrom(context.evaluationFormIds, 'Choose one of the organization’s evaluations.'),
    postTestId: chosenFrom(context.postTestIds, 'Choose one of the organization’s post-tests.'),
    certificatePolicy: z
      .enum(['', ...CERTIFICATE_POLICIES], { error: 'Choose whether its sessions give certificates.' })
      .optional()
      .transform((policy) => (policy === undefined ? undefined : policy === '' ? null : policy)),
    evaluationDueDays: z
      .union([z.number(), z.string().trim()])
      .optional()
      .transform((days) => (days === undefined ? undefined : days === '' ? null : Number(days)))
      .refine(
        (days) => days === undefined || days === null || (Number.isInteger(days) && days >= 1 && days <= 365),
        'Enter whole days from 1 to 365, or leave it empty for the organization’s.',
      ),
  });

/** The credit settings a form or caller gave; the ones left out are not written. */
function creditSettings(values: {
  creditType?: string | undefined;
  evaluationFormId?: string | null | undefined;
  postTestId?: string | null | undefined;
  certificatePolicy?: CertificatePolicy | null | undefined;
  evaluationDueDays?: number | null | undefined;
}) {
  return {
    ...(values.creditType !== undefined ? { creditType: values.creditType } : {}),
    ...(values.evaluationFormId !== undefined ? { evaluationFormId: values.evaluationFormId } : {}),
    ...(values.postTestId !== undefined ? { postTestId: values.postTestId } : {}),
    ...(values.certificatePolicy !== undefined ? { certificatePolicy: values.certificatePolicy } : {}),
    ...(values.evaluationDueDays !== undefined ? { evaluationDueDays: values.evaluationDueDays } : {}),
  };
}

/** A checkbox as a form sends it (present: "on"), or a boolean from code. */
const ticked = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((value) => value === true || value === 'on' || value === 'true');

async function organizationOf(db: Database, actor: Actor): Promise<Organization> {
  const [organization] = await db
    .select()
    .from(organizations)
    .where(eq(organizations.id, actor.account.organizationId))
    .limit(1);
  if (!organization) throw new DomainError('not_found');
  return organization;
}

/** A series of the actor's organization; another organization's series does not exist for them. */
export async function findSeries(
  db: Database,
  organizationId: string,
  seriesId: string,
): Promise<Series | null> {
  if (!z.guid().safeParse(seriesId).success) return null;
  const [found] = await db
    .select()
    .from(series)
    .where(and(eq(series.id, seriesId), eq(series.organizationId, organizationId)))
    .limit(1);
  return found ?? null;
}

/** The year as the organization sees it now: a year is over after Dec 31 23:59:59 in its zone. */
function yearNow(clock: Clock, organization: Organization): number {
  return currentYearIn(organization.timeZone, clock.now());
}

/**
 * Postgres unique violations arrive wrapped in drizzle's DrizzleQueryError; postgres.js names the
 * constraint `constraint_name`, PGlite `constraint`.
 */
function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const fields = current as Error & { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (fields.code === '23505') return (fields.constraint_name ?? fields.constraint) === constraint;
  }
  return false;
}

function unavailable(cause: unknown): DomainError {
  const error = new DomainError('unavailable');
  error.cause = cause;
  return error;
}

/** The series form judged against the organization: every field that needs attention, at once. */
async function validSeriesInput(
  db: Database,
  organization: Organization,
  input: SeriesInput,
  currentYear: number,
) {
  // Owners and coordinators must be this organization's accounts: look up the ids given.
  const given = [...(input.owners ?? []), ...(input.coordinators ?? [])].filter(
    (id) => typeof id === 'string' && z.guid().safeParse(id.trim()).success,
  );
  const known =
    given.length === 0
      ? []
      : await db
          .select({ id: accounts.id })
          .from(accounts)
          .where(
            and(
              eq(accounts.organizationId, organization.id),
              inArray(
                accounts.id,
                given.map((id) => id.trim()),
              ),
            ),
          );
  const forms = await db
    .select({ id: evaluationForms.id })
    .from(evaluationForms)
    .where(eq(evaluationForms.organizationId, organization.id));
  const tests = await db
    .select({ id: postTests.id })
    .from(postTests)
    .where(eq(postTests.organizationId, organization.id));
  const parsed = seriesInputSchema({
    currentYear,
    accountIds: new Set(known.map((account) => account.id)),
    professions: new Set(organization.professions),
    evaluationFormIds: new Set(forms.map((form) => form.id)),
    postTestIds: new Set(tests.map((test) => test.id)),
  }).safeParse(input);
  if (!parsed.success) {
    const fields: SeriesFieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof SeriesInput | undefined;
      if (field && !fields[field]) fields[field] = issue.message;
    }
    throw new InvalidSeriesInput(fields);
  }
  return parsed.data;
}

/** A reviewer's new series, awaiting approval. Every field that needs attention is named at once. */
async function createSeries(
  deps: SeriesDeps,
  input: SeriesInput,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Series> {
  const { db, clock } = deps;
  if (!isStaff(by)) throw new DomainError('forbidden');
  const organization = await organizationOf(db, by);

  const values = await validSeriesInput(db, organization, input, yearNow(clock, organization));

  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(series)
      .values({
        organizationId: organization.id,
        name: values.name,
        department: values.department,
        year: values.year,
        status: 'submitted',
        specialties: values.specialties,
        professions: values.professions,
        creditsPerSession: values.creditsPerSession,
        creditForProfessionsOnly: values.creditForProfessionsOnly,
        affiliatesOnly: values.affiliatesOnly,
        ...creditSettings(values),
        createdById: by.account.id,
      })
      .returning();
    if (!created) throw new Error('series insert returned no row');
    await tx.insert(seriesRoles).values([
      ...values.owners.map((accountId) => ({ seriesId: created.id, accountId, role: 'owner' as const })),
      ...values.coordinators.map((accountId) => ({
        seriesId: created.id,
        accountId,
        role: 'coordinator' as const,
      })),
    ]);
    await recordChange(tx, clock.now(), {
      organizationId: organization.id,
      actorId: by.account.id,
      action: 'series_created',
      seriesId: created.id,
      clientAddress,
      after: { name: created.name, year: created.year },
    });
    return created;
  });
}

/** "Lee, Ann" for each account, in the order given: how the history names people. */
async function namesOf(db: Pick<Database, 'select'>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: accounts.id, firstName: accounts.firstName, lastName: accounts.lastName })
    .from(accounts)
    .where(inArray(accounts.id, ids));
  return rows.map((row) => `${row.lastName}, ${row.firstName}`).sort();
}

/**
 * A reviewer changes a series' details: name, department, owners, coordinators, credits and
 * audience. The year stays (a series is approved for one year). Recorded with before and after.
 */
async function updateSeries(
  deps: SeriesDeps,
  seriesId: string,
  input: Omit<SeriesInput, 'year'>,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Series> {
  const { db, clock } = deps;
  if (!isStaff(by)) throw new DomainError('forbidden');
  const organization = await organizationOf(db, by);
  const found = await findSeries(db, organization.id, seriesId);
  if (!found) throw new DomainError('not_found');
  const values = await validSeriesInput(db, organization, { ...input, year: found.year }, found.year);

  return db.transaction(async (tx) => {
    const people = await tx
      .select({ accountId: seriesRoles.accountId, role: seriesRoles.role })
      .from(seriesRoles)
      .where(eq(seriesRoles.seriesId, found.id));
    const before = {
      name: found.name,
      department: found.department,
      creditsPerSession: found.creditsPerSession,
      specialties: found.specialties,
      professions: found.professions,
      creditForProfessionsOnly: found.creditForProfessionsOnly,
      affiliatesOnly: found.affiliatesOnly,
      owners: await namesOf(
        tx,
        people.filter((p) => p.role === 'owner').map((p) => p.accountId),
      ),
      coordinators: await namesOf(
        tx,
        people.filter((p) => p.role === 'coordinator').map((p) => p.accountId),
      ),
    };
    const [updated] = await tx
      .update(series)
      .set({
        name: values.name,
        department: values.department,
        creditsPerSession: values.creditsPerSession,
        specialties: values.specialties,
        professions: values.professions,
        creditForProfessionsOnly: values.creditForProfessionsOnly,
        affiliatesOnly: values.affiliatesOnly,
        ...creditSettings(values),
      })
      .where(eq(series.id, found.id))
      .returning();
    if (!updated) throw new DomainError('not_found');
    await tx.delete(seriesRoles).where(eq(seriesRoles.seriesId, found.id));
    await tx.insert(seriesRoles).values([
      ...values.owners.map((accountId) => ({ seriesId: found.id, accountId, role: 'owner' as const })),
      ...values.coordinators.map((accountId) => ({
        seriesId: found.id,
        accountId,
        role: 'coordinator' as const,
      })),
    ]);
    const after = {
      name: updated.name,
      department: updated.department,
      creditsPerSession: updated.creditsPerSession,
      specialties: updated.specialties,
      professions: updated.professions,
      creditForProfessionsOnly: updated.creditForProfessionsOnly,
      affiliatesOnly: updated.affiliatesOnly,
      owners: await namesOf(tx, values.owners),
      coordinators: await namesOf(tx, values.coordinators),
    };
    const change = changedFields(before, after);
    if (change) {
      await recordChange(tx, clock.now(), {
        organizationId: organization.id,
        actorId: by.account.id,
        action: 'series_updated',
        seriesId: found.id,
        clientAddress,
        ...change,
      });
    }
    return updated;
  });
}

/**
 * A reviewer approves a submitted series for its year. The approval and the start of its
 * series-year workflow commit together: if the workflow cannot start, the series stays submitted.
 * Approving a renewal also tells last year's workflow, which stops its renewal reminders.
 */
async function approveSeries(
  deps: SeriesDeps,
  seriesId: string,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Series> {
  const { db, clock, seriesYear } = deps;
  if (!isStaff(by)) throw new DomainError('forbidden');
  const organization = await organizationOf(db, by);
  const found = await findSeries(db, organization.id, seriesId);
  if (!found) throw new DomainError('not_found');
  refuseApproval(found, yearNow(clock, organization));

  return db.transaction(async (tx) => {
    const [approved] = await tx
      .update(series)
      .set({ status: 'approved', approvedById: by.account.id, approvedAt: clock.now() })
      .where(and(eq(series.id, found.id), eq(series.status, 'submitted')))
      .returning();
    if (!approved) {
      // Another reviewer got there between our read and this update.
      const [now] = await tx.select().from(series).where(eq(series.id, found.id));
      refuseApproval(now ?? found, yearNow(clock, organization));
      throw new DomainError('series_not_submitted');
    }

    const previous = approved.renewedFromId
      ? ((await tx.select().from(series).where(eq(series.id, approved.renewedFromId)))[0] ?? null)
      : null;
    try {
      await seriesYear.start({
        seriesId: approved.id,
        organizationId: organization.id,
        year: approved.year,
        timeZone: organization.timeZone,
        reminderDates: organization.renewalReminderDates,
      });
      if (previous) {
        await seriesYear.renewalApproved(
          { seriesId: previous.id, year: previous.year },
          { seriesId: approved.id, year: approved.year },
        );
      }
    } catch (error) {
      throw unavailable(error);
    }
    await recordChange(tx, clock.now(), {
      organizationId: organization.id,
      actorId: by.account.id,
      action: 'series_approved',
      seriesId: approved.id,
      clientAddress,
      before: { status: 'submitted' },
      after: { status: 'approved' },
    });
    return approved;
  });
}

function refuseApproval(target: Series, currentYear: number): void {
  if (target.status === 'approved') throw new DomainError('series_already_approved');
  if (target.status !== 'submitted') throw new DomainError('series_not_submitted');
  if (target.year < currentYear) throw new DomainError('series_year_past');
}

/**
 * An owner or coordinator asks for next year: a draft copied from this series goes to the
 * reviewers. Each fall's renewal happens once per series (unique renewedFromId).
 */
async function requestRenewal(
  deps: SeriesDeps,
  seriesId: string,
  by: Actor,
  clientAddress: string | null = null,
): Promise<Series> {
  const { db, clock } = deps;
  const organization = await organizationOf(db, by);
  const found = await findSeries(db, organization.id, seriesId);
  if (!found) throw new DomainError('not_found');
  const roles = await seriesRolesOf(db, found.id, by.account.id);
  if (roles.length === 0) throw new DomainError('forbidden');

  const [existing] = await db
    .select({ id: series.id })
    .from(series)
    .where(eq(series.renewedFromId, found.id));
  if (existing) throw new DomainError('series_already_renewed');
  // An expired series cannot be renewed: its year is over (the workflow may not have marked it yet).
  if (found.status !== 'approved' || found.year < yearNow(clock, organization)) {
    throw new DomainError('series_not_renewable');
  }

  let renewal: Series;
  try {
    renewal = await db.transaction(async (tx) => {
      // Requests at the same moment queue on last year's row; the unique index is the backstop.
      await tx.select({ id: series.id }).from(series).where(eq(series.id, found.id)).for('update');
      const [raced] = await tx
        .select({ id: series.id })
        .from(series)
        .where(eq(series.renewedFromId, found.id));
      if (raced) throw new DomainError('series_already_renewed');
      const [renewal] = await tx
        .insert(series)
        .values({
          organizationId: organization.id,
          name: found.name,
          department: found.department,
          year: found.year + 1,
          status: 'submitted',
          specialties: found.specialties,
          professions: found.professions,
          creditsPerSession: found.creditsPerSession,
          creditForProfessionsOnly: found.creditForProfessionsOnly,
          affiliatesOnly: found.affiliatesOnly,
          creditType: found.creditType,
          evaluationFormId: found.evaluationFormId,
          postTestId: found.postTestId,
          evaluationDueDays: found.evaluationDueDays,
          certificatePolicy: found.certificatePolicy,
          renewedFromId: found.id,
          createdById: by.account.id,
        })
        .returning();
      if (!renewal) throw new Error('renewal insert returned no row');
      const people = await tx
        .select({ accountId: seriesRoles.accountId, role: seriesRoles.role })
        .from(seriesRoles)
        .where(eq(seriesRoles.seriesId, found.id));
      if (people.length > 0) {
        await tx.insert(seriesRoles).values(people.map((person) => ({ ...person, seriesId: renewal.id })));
      }
      // On both: last year's series says it was renewed, the draft what it renews.
      for (const [about, note] of [
        [found.id, { renewal: `${renewal.name} ${renewal.year}` }],
        [renewal.id, { renews: `${found.name} ${found.year}` }],
      ] as const) {
        await recordChange(tx, clock.now(), {
          organizationId: organization.id,
          actorId: by.account.id,
          action: 'renewal_requested',
          seriesId: about,
          clientAddress,
          after: note,
        });
      }
      return renewal;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'series_renewed_from_key')) throw new DomainError('series_already_renewed');
    throw error;
  }
  // The renewal stands whether or not the mail goes: it is on the reviewers' list either way.
  try {
    await tellReviewers(deps, organization, renewal, by);
  } catch (error) {
    deps.log.error(`renewal ${renewal.id} requested, but the reviewers could not be emailed`, error);
  }
  return renewal;
}

/** Each reviewer of the organization gets one email about a renewal awaiting review. */
async function tellReviewers(deps: SeriesDeps, organization: Organization, renewal: Series, by: Actor) {
  const { db, mailer, publicUrl } = deps;
  const [requester] = await db
    .select({ firstName: accounts.firstName, lastName: accounts.lastName })
    .from(accounts)
    .where(eq(accounts.id, by.account.id));
  for (const reviewer of await reviewersOf(db, organization.id)) {
    const props = {
      organizationName: organization.name,
      recipientFirstName: reviewer.firstName,
      seriesName: renewal.name,
      year: renewal.year,
      requestedBy: requester ? `${requester.firstName} ${requester.lastName}` : 'A coordinator',
      seriesUrl: `${publicUrl}/${organization.code}/series/${renewal.id}`,
    };
    const element = createElement(RenewalRequested, props);
    await mailer.send({
      idempotencyKey: `series-renewal-requested:${renewal.id}:${reviewer.id}`,
      organizationId: organization.id,
      kind: 'series-renewal-requested',
      to: reviewer.email,
      subject: renewalRequestedSubject(props),
      html: await render(element),
      text: await render(element, { plainText: true }),
    });
  }
}

export interface SeriesFilter {
  year?: number | undefined;
  status?: SeriesStatus | undefined;
}

/** Every series of the organization, for reviewers: newest year first, then by name. */
async function listSeries(db: Database, organizationId: string, filter: SeriesFilter = {}) {
  const conditions: SQL[] = [eq(series.organizationId, organizationId)];
  if (filter.year !== undefined) conditions.push(eq(series.year, filter.year));
  if (filter.status !== undefined) conditions.push(eq(series.status, filter.status));
  return db
    .select()
    .from(series)
    .where(and(...conditions))
    .orderBy(desc(series.year), asc(series.name));
}

/** The series someone owns or coordinates, with the roles they hold on each. */
async function listSeriesOf(
  db: Database,
  account: Pick<Account, 'id' | 'organizationId'>,
): Promise<{ series: Series; roles: SeriesRole[] }[]> {
  const rows = await db
    .select({ series, role: seriesRoles.role })
    .from(seriesRoles)
    .innerJoin(series, eq(series.id, seriesRoles.seriesId))
    .where(and(eq(seriesRoles.accountId, account.id), eq(series.organizationId, account.organizationId)))
    .orderBy(desc(series.year), asc(series.name), asc(seriesRoles.role));
  const byId = new Map<string, { series: Series; roles: SeriesRole[] }>();
  for (const row of rows) {
    const entry = byId.get(row.series.id) ?? { series: row.series, roles: [] };
    entry.roles.push(row.role);
    byId.set(row.series.id, entry);
  }
  return [...byId.values()];
}

/** One series with its people and its renewal chain; null when the organization has no such series. */
async function getSeries(
  db: Database,
  organizationId: string,
  seriesId: string,
): Promise<SeriesDetail | null> {
  const found = await findSeries(db, organizationId, seriesId);
  if (!found) return null;
  const people = await db
    .select({ ...personColumns, role: seriesRoles.role })
    .from(seriesRoles)
    .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
    .where(eq(seriesRoles.seriesId, found.id))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
  const [renewal] = await db.select().from(series).where(eq(series.renewedFromId, found.id)).limit(1);
  const renews = found.renewedFromId ? await findSeries(db, organizationId, found.renewedFromId) : null;
  const person = ({ role: _role, ...rest }: (typeof people)[number]): SeriesPerson => rest;
  return {
    series: found,
    owners: people.filter((p) => p.role === 'owner').map(person),
    coordinators: people.filter((p) => p.role === 'coordinator').map(person),
    renewal: renewal ?? null,
    renews,
  };
}

/** The roles an account holds on a series (none for a stranger). */
async function seriesRolesOf(db: Database, seriesId: string, accountId: string): Promise<SeriesRole[]> {
  if (!z.guid().safeParse(seriesId).success) return [];
  const rows = await db
    .select({ role: seriesRoles.role })
    .from(seriesRoles)
    .where(and(eq(seriesRoles.seriesId, seriesId), eq(seriesRoles.accountId, accountId)));
  return rows.map((row) => row.role);
}

/** The organization's accounts, for choosing owners and coordinators. */

/**
 * The series operations over their dependencies. Commands throw DomainError (InvalidSeriesInput
 * for a form that needs attention) and change nothing when they refuse.
 */
export function seriesOperations(deps: SeriesDeps) {
  return {
    createSeries: (input: SeriesInput, by: Actor, from?: string | null) =>
      createSeries(deps, input, by, from),
    updateSeries: (seriesId: string, input: Omit<SeriesInput, 'year'>, by: Actor, from?: string | null) =>
      updateSeries(deps, seriesId, input, by, from),
    approveSeries: (seriesId: string, by: Actor, from?: string | null) =>
      approveSeries(deps, seriesId, by, from),
    requestRenewal: (seriesId: string, by: Actor, from?: string | null) =>
      requestRenewal(deps, seriesId, by, from),
    listSeries: (organizationId: string, filter?: SeriesFilter) =>
      listSeries(deps.db, organizationId, filter),
    listSeriesOf: (account: Pick<Account, 'id' | 'organizationId'>) => listSeriesOf(deps.db, account),
    getSeries: (organizationId: string, seriesId: string) => getSeries(deps.db, organizationId, seriesId),
    seriesRolesOf: (seriesId: string, accountId: string) => seriesRolesOf(deps.db, seriesId, accountId),
  };
}

export type SeriesOperations = ReturnType<typeof seriesOperations>;

export function isSeriesStatus(value: string): value is SeriesStatus {
  return (SERIES_STATUSES as readonly string[]).includes(value);
}

/**
 * Access rule for /series/:id routes: the viewer holds one of these roles on that series (in the
 * viewer's own organization).
 */
export const isSeriesMember =
  (...roles: SeriesRole[]): Rule =>
  async (c) => {
    const viewer = c.get('viewer');
    const organization = c.get('organization');
    const seriesId = c.req.param('id');
    if (!viewer || !organization || !seriesId) return false;
    if (viewer.account.organizationId !== organization.id) return false;
    const found = await findSeries(c.get('deps').db, organization.id, seriesId);
    if (!found) return false;
    const held = await seriesRolesOf(c.get('deps').db, found.id, viewer.account.id);
    return held.some((role) => roles.includes(role));
  };

/**
 * Who is told about a series' sessions (status checks, escalations, lapsed disclosures): its
 * coordinators, or its owners when it has none. By series id, each list by last name.
 */
export async function sessionContacts(db: Database, seriesIds: string[]): Promise<Map<string, Person[]>> {
  const contacts = new Map<string, Person[]>();
  if (seriesIds.length === 0) return contacts;
  const rows = await db
    .select({ seriesId: seriesRoles.seriesId, role: seriesRoles.role, ...personColumns })
    .from(seriesRoles)
    .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
    .where(inArray(seriesRoles.seriesId, seriesIds))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
  for (const seriesId of new Set(seriesIds)) {
    const roles = rows.filter((row) => row.seriesId === seriesId);
    const coordinators = roles.filter((row) => row.role === 'coordinator');
    const told = coordinators.length > 0 ? coordinators : roles.filter((row) => row.role === 'owner');
    contacts.set(
      seriesId,
      told.map(({ id, firstName, lastName, email, degree }) => ({ id, firstName, lastName, email, degree })),
    );
  }
  return contacts;
}

/** The organization's reviewers, who are emailed what awaits their review. */
export async function reviewersOf(db: Database, organizationId: string): Promise<Person[]> {
  return db
    .select(personColumns)
    .from(accounts)
    .innerJoin(accountRoles, eq(accountRoles.accountId, accounts.id))
    .where(and(eq(accounts.organizationId, organizationId), eq(accountRoles.role, 'reviewer')));
}
