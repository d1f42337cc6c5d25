import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { type Account, type Organization, type Role, accountRoles, messages, series } from '../../db/schema';
import type { Clock } from '../../server/clock';
import { loadConfig } from '../../server/config';
import type { SeriesYearLifecycle } from '../../server/lifecycles/series-year';
import { createLog } from '../../server/log';
import { createMailer } from '../../server/mail';
import {
  type Actor,
  InvalidSeriesInput,
  type SeriesInput,
  type SeriesOperations,
  seriesOperations,
} from '../../server/series';
import { DomainError, type ErrorCode } from '../../workflows/errors';
import type { SeriesYearInput } from '../../workflows/series-year';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedAccount, seedOrganization } from '../support/seed';

/** Stands in for Temporal: records what the series code asked of the lifecycle. */
function recordingLifecycle() {
  const calls = {
    start: [] as SeriesYearInput[],
    renewalApproved: [] as {
      previous: { seriesId: string; year: number };
      renewal: { seriesId: string; year: number };
    }[],
  };
  let failStart: Error | null = null;
  const lifecycle: SeriesYearLifecycle = {
    async start(input) {
      calls.start.push(input);
      if (failStart) throw failStart;
    },
    async renewalApproved(previous, renewal) {
      calls.renewalApproved.push({ previous, renewal });
    },
    async describe() {
      return null;
    },
    async organizationPolicyChanged() {},
  };
  return {
    lifecycle,
    calls,
    failStartWith(error: Error | null) {
      failStart = error;
    },
  };
}

function settableClock(iso: string) {
  let now = new Date(iso);
  const clock: Clock = { now: () => now };
  return {
    clock,
    set(next: string) {
      now = new Date(next);
    },
  };
}

const actor = (account: Account, ...roles: Role[]): Actor => ({ account, roles: new Set(roles) });

async function refusal(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, but it succeeded');
}

async function fieldErrorsOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidSeriesInput) return error.fields;
    throw error;
  }
  throw new Error('expected the form to be refused, but it was accepted');
}

async function reload(db: Database, id: string) {
  const [row] = await db.select().from(series).where(eq(series.id, id));
  if (!row) throw new Error(`series ${id} is gone`);
  return row;
}

let database: TestDatabase;
let db: Database;
let organization: Organization;
let reviewer: Actor;
let owner: Account;
let coordinator: Account;
let learner: Account;
let recorder: ReturnType<typeof recordingLifecycle>;
let time: ReturnType<typeof settableClock>;
let operations: SeriesOperations;

beforeEach(async () => {
  database = await createTestDatabase();
  db = database.db;
  organization = await seedOrganization(db, {
    timeZone: 'America/Chicago',
    renewalReminderDates: ['09-15', '10-15'],
  });
  reviewer = actor(
    await seedAccount(db, organization, { firstName: 'Rita', lastName: 'Reviewer' }),
    'reviewer',
  );
  owner = await seedAccount(db, organization, { firstName: 'Omar', lastName: 'Owner' });
  coordinator = await seedAccount(db, organization, { firstName: 'Cora', lastName: 'Coordinator' });
  learner = await seedAccount(db, organization, { firstName: 'Lee', lastName: 'Learner' });
  recorder = recordingLifecycle();
  time = settableClock('2026-06-01T15:00:00Z');
  operations = seriesOperations({
    db,
    clock: time.clock,
    seriesYear: recorder.lifecycle,
    mailer: createMailer({ config: loadConfig({}), db, clock: time.clock }),
    log: createLog('error'),
    publicUrl: 'https://cme.example.org',
  });
});

afterEach(async () => {
  await database.drop();
});

function grandRounds(overrides: Partial<SeriesInput> = {}): SeriesInput {
  return {
    name: 'Medicine Grand Rounds',
    department: 'Internal Medicine',
    year: 2026,
    owners: [owner.id],
    coordinators: [coordinator.id],
    specialties: ['Cardiology', 'Nephrology'],
    professions: ['Physician', 'Nurse'],
    creditsPerSession: '1.25',
    ...overrides,
  };
}

describe('creating a series', () => {
  it('a reviewer creates a series that waits for review with its owners and coordinators', async () => {
    const created = await operations.createSeries(grandRounds(), reviewer);

    expect(created).toMatchObject({
      status: 'submitted',
      name: 'Medicine Grand Rounds',
      year: 2026,
      creditsPerSession: '1.25',
      specialties: ['Cardiology', 'Nephrology'],
      professions: ['Physician', 'Nurse'],
      createdById: reviewer.account.id,
      approvedAt: null,
    });
    const detail = await operations.getSeries(organization.id, created.id);
    expect(detail?.owners.map((person) => person.id)).toEqual([owner.id]);
    expect(detail?.coordinators.map((person) => person.id)).toEqual([coordinator.id]);
    expect(recorder.calls.start).toEqual([]);
  });

  it('an empty form names every field that needs attention and saves nothing', async () => {
    const fields = await fieldErrorsOf(
      operations.createSeries(
        {
          name: ' ',
          department: '',
          year: '',
          owners: [],
          coordinators: [''],
          specialties: [],
          professions: [],
          creditsPerSession: '',
        },
        reviewer,
      ),
    );

    expect(fields).toEqual({
      name: 'Enter the series name.',
      department: 'Enter the department.',
      year: 'Enter the year, like 2027.',
      owners: 'Choose at least one owner.',
      coordinators: 'Choose at least one coordinator.',
      professions: 'Choose at least one profession.',
      creditsPerSession: 'Enter credits per session from 0.25 to 99, with at most two decimals.',
    });
    expect(await operations.listSeries(organization.id)).toEqual([]);
  });

  it.each([
    ['0.1', 'under a quarter credit'],
    ['1.255', 'three decimals'],
    ['100', 'over 99'],
    ['one', 'not a number'],
  ])('credits per session of %s (%s) are refused', async (credits) => {
    const fields = await fieldErrorsOf(
      operations.createSeries(grandRounds({ creditsPerSession: credits }), reviewer),
    );
    expect(fields).toEqual({
      creditsPerSession: 'Enter credits per session from 0.25 to 99, with at most two decimals.',
    });
  });

  it('credits from a quarter to 99 with two decimals are accepted', async () => {
    const quarter = await operations.createSeries(grandRounds({ creditsPerSession: 0.25 }), reviewer);
    const most = await operations.createSeries(grandRounds({ creditsPerSession: '99' }), reviewer);
    expect([quarter.creditsPerSession, most.creditsPerSession]).toEqual(['0.25', '99.00']);
  });

  it('owners and coordinators must be accounts of this organization', async () => {
    const elsewhere = await seedOrganization(db);
    const stranger = await seedAccount(db, elsewhere);

    const fields = await fieldErrorsOf(
      operations.createSeries(
        grandRounds({ owners: [stranger.id], coordinators: [coordinator.id, stranger.id] }),
        reviewer,
      ),
    );

    expect(fields).toEqual({
      owners: 'Choose owners from this organization’s accounts.',
      coordinators: 'Choose coordinators from this organization’s accounts.',
    });
  });

  it('professions come from the organization’s list', async () => {
    const fields = await fieldErrorsOf(
      operations.createSeries(grandRounds({ professions: ['Physician', 'Astronaut'] }), reviewer),
    );
    expect(fields).toEqual({
      professions: 'Choose professions from the organization’s list (not Astronaut).',
    });
  });

  it('a series cannot be created for a year that has already ended', async () => {
    const fields = await fieldErrorsOf(operations.createSeries(grandRounds({ year: 2025 }), reviewer));
    expect(fields).toEqual({ year: '2025 has already ended; choose the current year or a later one.' });
  });

  it('a past year and a stranger as owner are named alongside the other fields that need attention', async () => {
    const fields = await fieldErrorsOf(
      operations.createSeries(
        grandRounds({ year: '2025', department: '', owners: ['someone-else'] }),
        reviewer,
      ),
    );
    expect(fields).toEqual({
      year: '2025 has already ended; choose the current year or a later one.',
      department: 'Enter the department.',
      owners: 'Choose owners from this organization’s accounts.',
    });
  });

  it('only reviewers and admins create series', async () => {
    expect(await refusal(operations.createSeries(grandRounds(), actor(owner, 'faculty')))).toBe('forbidden');
    const admin = actor(await seedAccount(db, organization), 'admin');
    await expect(operations.createSeries(grandRounds(), admin)).resolves.toMatchObject({
      status: 'submitted',
    });
  });
});

describe('approving a series', () => {
  it('starts the series year in the organization’s time zone with its renewal reminder dates', async () => {
    const submitted = await operations.createSeries(grandRounds({ year: 2027 }), reviewer);

    const approved = await operations.approveSeries(submitted.id, reviewer);

    expect(approved).toMatchObject({ status: 'approved', approvedById: reviewer.account.id });
    expect(approved.approvedAt).toEqual(new Date('2026-06-01T15:00:00Z'));
    expect(recorder.calls.start).toEqual([
      {
        seriesId: submitted.id,
        organizationId: organization.id,
        year: 2027,
        timeZone: 'America/Chicago',
        reminderDates: ['09-15', '10-15'],
      },
    ]);
    expect(recorder.calls.renewalApproved).toEqual([]);
  });

  it('this year’s series can still be approved late on Dec 31 in the organization’s zone, after UTC has moved on', async () => {
    const submitted = await operations.createSeries(grandRounds({ year: 2026 }), reviewer);
    // 23:30 on Dec 31 in Chicago (UTC-6).
    time.set('2027-01-01T05:30:00Z');

    await operations.approveSeries(submitted.id, reviewer);

    expect((await reload(db, submitted.id)).status).toBe('approved');
    expect(recorder.calls.start).toHaveLength(1);
  });

  it('once the year has ended in the organization’s zone, approving it gives a clear message and changes nothing', async () => {
    const submitted = await operations.createSeries(grandRounds({ year: 2026 }), reviewer);
    // 00:00:01 on Jan 1 in Chicago.
    time.set('2027-01-01T06:00:01Z');

    expect(await refusal(operations.approveSeries(submitted.id, reviewer))).toBe('series_year_past');

    expect(await reload(db, submitted.id)).toEqual(submitted);
    expect(recorder.calls.start).toEqual([]);
  });

  it('approving twice says it is already approved, and starts nothing more', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);
    const approved = await operations.approveSeries(submitted.id, reviewer);
    const otherReviewer = actor(await seedAccount(db, organization), 'reviewer');
    time.set('2026-06-02T15:00:00Z');

    expect(await refusal(operations.approveSeries(submitted.id, otherReviewer))).toBe(
      'series_already_approved',
    );

    expect(await reload(db, submitted.id)).toEqual(approved);
    expect(recorder.calls.start).toHaveLength(1);
  });

  it('an expired series cannot be approved again', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);
    await db.update(series).set({ status: 'expired' }).where(eq(series.id, submitted.id));

    expect(await refusal(operations.approveSeries(submitted.id, reviewer))).toBe('series_not_submitted');
    expect(recorder.calls.start).toEqual([]);
  });

  it('when the series year cannot start, the series stays submitted so the reviewer can try again', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);
    recorder.failStartWith(new Error('Temporal is unreachable'));

    expect(await refusal(operations.approveSeries(submitted.id, reviewer))).toBe('unavailable');
    expect(await reload(db, submitted.id)).toEqual(submitted);

    recorder.failStartWith(null);
    await operations.approveSeries(submitted.id, reviewer);
    expect((await reload(db, submitted.id)).status).toBe('approved');
  });

  it('an owner or coordinator cannot approve their own series', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);

    expect(await refusal(operations.approveSeries(submitted.id, actor(owner, 'faculty')))).toBe('forbidden');
    expect(await refusal(operations.approveSeries(submitted.id, actor(coordinator, 'learner')))).toBe(
      'forbidden',
    );

    expect(await reload(db, submitted.id)).toEqual(submitted);
    expect(recorder.calls.start).toEqual([]);
  });

  it('a reviewer of another organization cannot find the series', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);
    const elsewhere = await seedOrganization(db);
    const outsider = actor(await seedAccount(db, elsewhere), 'reviewer');

    expect(await refusal(operations.approveSeries(submitted.id, outsider))).toBe('not_found');
    expect(await reload(db, submitted.id)).toEqual(submitted);
  });
});

describe('renewing a series', () => {
  async function approvedSeries(overrides: Partial<SeriesInput> = {}) {
    const submitted = await operations.createSeries(grandRounds(overrides), reviewer);
    return operations.approveSeries(submitted.id, reviewer);
  }

  it('a coordinator’s renewal copies the series to next year with the same owners and coordinators', async () => {
    const current = await approvedSeries();
    time.set('2026-10-02T14:00:00Z');

    const renewal = await operations.requestRenewal(current.id, actor(coordinator));

    expect(renewal).toMatchObject({
      status: 'submitted',
      year: 2027,
      name: 'Medicine Grand Rounds',
      department: 'Internal Medicine',
      specialties: ['Cardiology', 'Nephrology'],
      professions: ['Physician', 'Nurse'],
      creditsPerSession: '1.25',
      renewedFromId: current.id,
      createdById: coordinator.id,
      approvedAt: null,
    });
    const detail = await operations.getSeries(organization.id, renewal.id);
    expect(detail?.owners.map((person) => person.id)).toEqual([owner.id]);
    expect(detail?.coordinators.map((person) => person.id)).toEqual([coordinator.id]);
    expect(detail?.renews?.id).toBe(current.id);
    expect((await operations.getSeries(organization.id, current.id))?.renewal?.id).toBe(renewal.id);
    // The draft goes to the reviewers; nothing starts until they approve it.
    expect(recorder.calls.start).toHaveLength(1);
  });

  it('each reviewer of the organization is emailed once about a renewal awaiting review, with a link to the draft', async () => {
    const rita = await seedAccount(db, organization, { email: 'rita@example.org', firstName: 'Rita' });
    const stranger = await seedAccount(db, await seedOrganization(db), { email: 'other@example.org' });
    await db.insert(accountRoles).values([
      { accountId: rita.id, role: 'reviewer' },
      { accountId: stranger.id, role: 'reviewer' },
    ]);
    const current = await approvedSeries();
    time.set('2026-10-02T14:00:00Z');

    const renewal = await operations.requestRenewal(current.id, actor(coordinator));

    const sent = await db.select().from(messages).where(eq(messages.kind, 'series-renewal-requested'));
    // Only Rita holds the reviewer role in this organization.
    expect(sent.map((m) => m.to)).toEqual(['rita@example.org']);
    expect(sent[0]?.subject).toBe('Renewal of Medicine Grand Rounds for 2027 awaits review');
    expect(sent[0]?.text).toContain('Cora Coordinator requested renewal of Medicine Grand Rounds for 2027');
    expect(sent[0]?.html).toContain(`https://cme.example.org/${organization.code}/series/${renewal.id}`);
  });

  it('an owner can request the renewal too', async () => {
    const current = await approvedSeries();
    await expect(operations.requestRenewal(current.id, actor(owner))).resolves.toMatchObject({ year: 2027 });
  });

  it('requesting renewal twice says it was already requested and makes no second draft', async () => {
    const current = await approvedSeries();
    await operations.requestRenewal(current.id, actor(coordinator));

    expect(await refusal(operations.requestRenewal(current.id, actor(owner)))).toBe('series_already_renewed');

    expect(await operations.listSeries(organization.id, { year: 2027 })).toHaveLength(1);
  });

  it('two renewal requests at the same moment make one draft', async () => {
    const current = await approvedSeries();

    const outcomes = await Promise.allSettled(
      [coordinator, owner, coordinator, owner].map((person) =>
        operations.requestRenewal(current.id, actor(person)),
      ),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        expect(outcome.reason).toMatchObject({ code: 'series_already_renewed' });
    }
    expect(await operations.listSeries(organization.id, { year: 2027 })).toHaveLength(1);
  });

  it('a series still awaiting review cannot be renewed', async () => {
    const submitted = await operations.createSeries(grandRounds(), reviewer);

    expect(await refusal(operations.requestRenewal(submitted.id, actor(owner)))).toBe('series_not_renewable');
    expect(await operations.listSeries(organization.id, { year: 2027 })).toEqual([]);
  });

  it('a series whose year is over cannot be renewed', async () => {
    const current = await approvedSeries();
    time.set('2027-01-02T15:00:00Z');

    expect(await refusal(operations.requestRenewal(current.id, actor(owner)))).toBe('series_not_renewable');

    await db.update(series).set({ status: 'expired' }).where(eq(series.id, current.id));
    expect(await refusal(operations.requestRenewal(current.id, actor(owner)))).toBe('series_not_renewable');
    expect(await operations.listSeries(organization.id, { year: 2027 })).toEqual([]);
  });

  it('someone who is neither owner nor coordinator cannot request renewal', async () => {
    const current = await approvedSeries();

    expect(await refusal(operations.requestRenewal(current.id, actor(learner, 'learner')))).toBe('forbidden');
    expect(await operations.listSeries(organization.id, { year: 2027 })).toEqual([]);
  });

  it('approving the renewal starts next year and stops last year’s reminders', async () => {
    const current = await approvedSeries();
    time.set('2026-10-02T14:00:00Z');
    const renewal = await operations.requestRenewal(current.id, actor(coordinator));

    await operations.approveSeries(renewal.id, reviewer);

    expect(recorder.calls.start.map((input) => [input.seriesId, input.year])).toEqual([
      [current.id, 2026],
      [renewal.id, 2027],
    ]);
    expect(recorder.calls.renewalApproved).toEqual([
      { previous: { seriesId: current.id, year: 2026 }, renewal: { seriesId: renewal.id, year: 2027 } },
    ]);
    expect((await reload(db, renewal.id)).status).toBe('approved');
  });
});

describe('finding series', () => {
  it('reviewers list every series of the organization, filtered by year and status', async () => {
    const grand = await operations.createSeries(grandRounds({ name: 'Medicine Grand Rounds' }), reviewer);
    await operations.createSeries(grandRounds({ name: 'Tumor Board', year: 2027 }), reviewer);
    await operations.approveSeries(grand.id, reviewer);
    const elsewhere = await seedOrganization(db);
    const outsider = actor(await seedAccount(db, elsewhere), 'reviewer');
    const theirs = [outsider.account.id];
    await operations.createSeries(
      grandRounds({ name: 'Elsewhere Rounds', owners: theirs, coordinators: theirs }),
      outsider,
    );

    const names = async (filter?: Parameters<SeriesOperations['listSeries']>[1]) =>
      (await operations.listSeries(organization.id, filter)).map((found) => found.name);

    expect(await names()).toEqual(['Tumor Board', 'Medicine Grand Rounds']);
    expect(await names({ year: 2026 })).toEqual(['Medicine Grand Rounds']);
    expect(await names({ status: 'submitted' })).toEqual(['Tumor Board']);
    expect(await names({ year: 2026, status: 'submitted' })).toEqual([]);
  });

  it('an owner or coordinator’s list holds only the series they own or coordinate, with their roles', async () => {
    await operations.createSeries(grandRounds({ name: 'Medicine Grand Rounds' }), reviewer);
    await operations.createSeries(
      grandRounds({ name: 'Tumor Board', owners: [coordinator.id], coordinators: [coordinator.id] }),
      reviewer,
    );

    const ofOwner = await operations.listSeriesOf(owner);
    const ofCoordinator = await operations.listSeriesOf(coordinator);

    expect(ofOwner.map((entry) => [entry.series.name, entry.roles])).toEqual([
      ['Medicine Grand Rounds', ['owner']],
    ]);
    expect(ofCoordinator.map((entry) => [entry.series.name, entry.roles])).toEqual([
      ['Medicine Grand Rounds', ['coordinator']],
      ['Tumor Board', ['coordinator', 'owner']],
    ]);
  });

  it('a learner has no series of their own and no role on anyone else’s', async () => {
    const created = await operations.createSeries(grandRounds(), reviewer);

    expect(await operations.listSeriesOf(learner)).toEqual([]);
    expect(await operations.seriesRolesOf(created.id, learner.id)).toEqual([]);
    expect(await operations.seriesRolesOf(created.id, owner.id)).toEqual(['owner']);
  });

  it('a series id that is not one of the organization’s finds nothing', async () => {
    const created = await operations.createSeries(grandRounds(), reviewer);
    const elsewhere = await seedOrganization(db);

    expect(await operations.getSeries(elsewhere.id, created.id)).toBeNull();
    expect(await operations.getSeries(organization.id, 'not-a-uuid')).toBeNull();
  });
});
