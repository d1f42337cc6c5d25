import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Account, type Organization, type Series, series, seriesRoles } from '../../db/schema';
import { ERRORS } from '../../workflows/errors';
import type { SeriesYearState } from '../../workflows/series-year';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { alerts, decode, fieldError, fieldValue, Visitor } from '../support/http';
import { seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let owner: Account;
let coordinator: Account;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, {
    code: 'river',
    timeZone: 'America/Chicago',
    renewalReminderDates: ['10-01', '11-01'],
  });
  t = createTestApp(database, { now: new Date('2026-06-01T15:00:00Z') });
  await seedMember(database.db, organization, { email: 'reviewer@example.org', roles: ['reviewer'] });
  owner = await seedMember(database.db, organization, {
    email: 'owner@example.org',
    firstName: 'Omar',
    lastName: 'Owner',
    roles: ['faculty'],
  });
  coordinator = await seedMember(database.db, organization, {
    email: 'coordinator@example.org',
    firstName: 'Cora',
    lastName: 'Coordinator',
    roles: ['learner'],
  });
  await seedMember(database.db, organization, { email: 'learner@example.org', roles: ['learner'] });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/series');
}

/** A series of this organization with its people, as a reviewer would have created it. */
async function grandRounds(overrides: Partial<typeof series.$inferInsert> = {}): Promise<Series> {
  const created = await seedSeries(database.db, organization, {
    name: 'Medicine Grand Rounds',
    year: 2026,
    status: 'submitted',
    professions: ['Physician'],
    ...overrides,
  });
  await database.db.insert(seriesRoles).values([
    { seriesId: created.id, accountId: owner.id, role: 'owner' },
    { seriesId: created.id, accountId: coordinator.id, role: 'coordinator' },
  ]);
  return created;
}

async function stored(id: string): Promise<Series> {
  const [row] = await database.db.select().from(series).where(eq(series.id, id));
  if (!row) throw new Error(`series ${id} is gone`);
  return row;
}

function workflowState(found: Series, overrides: Partial<SeriesYearState> = {}): SeriesYearState {
  return {
    seriesId: found.id,
    year: found.year,
    phase: 'active',
    timeZone: 'America/Chicago',
    endsAt: '2027-01-01T06:00:00.000Z',
    // 9:00 in Chicago on Nov 1, 2026: the clocks went back at 2:00 that morning.
    nextReminderAt: '2026-11-01T15:00:00.000Z',
    remindersSent: ['2026-10-01'],
    renewal: null,
    ...overrides,
  };
}

/** What a reader sees: the page's words, each element's text apart from the next. */
function textOf(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

const starts = () => t.seriesYear.calls.filter((call) => call.call === 'start');

describe('the people picker', () => {
  test('finds people by the start of a last name, first name, email or "Last, First", a bounded number at a time', async () => {
    const reviewer = await visitorAs('reviewer@example.org');
    const find = async (q: string, extra = '') =>
      textOf((await reviewer.get(`/river/people?for=owners&q=${encodeURIComponent(q)}${extra}`)).html);
    expect(await find('coord')).toContain('Coordinator, Cora');
    expect(await find('cor')).toContain('Coordinator, Cora');
    expect(await find('coordinator@')).toContain('Coordinator, Cora');
    expect(await find('Coordinator, C')).toContain('Coordinator, Cora');
    expect(await find('zzz')).toBe('No one matches “zzz”.');
    expect(await find('%')).toBe('No one matches “%”.');
    // An id that is not one (36 letters) is ignored, not a crash.
    expect(await find('coord', `&owners=${'a'.repeat(36)}`)).toContain('Coordinator, Cora');
    // Someone already chosen is not offered again.
    expect(await find('coord', `&owners=${coordinator.id}`)).toBe('No one matches “coord”.');

    for (let i = 0; i < 25; i++) {
      await seedMember(database.db, organization, {
        email: `smith${i}@example.org`,
        lastName: 'Smith',
        firstName: `P${i}`,
      });
    }
    const many = await reviewer.get('/river/people?for=owners&q=smith');
    expect([...many.html.matchAll(/aria-label="Add /g)]).toHaveLength(20);
    expect(textOf(many.html)).toContain('More people match: type more of the name.');
  });

  test('choosing adds the person as a hidden field of the form; people of another organization cannot be chosen', async () => {
    const reviewer = await visitorAs('reviewer@example.org');
    const chosen = await reviewer.get(`/river/people/chosen?for=coordinators&id=${coordinator.id}`);
    expect(chosen.html).toContain(`<input type="hidden" name="coordinators" value="${coordinator.id}"/>`);
    expect(chosen.html).toContain('aria-label="Remove Cora Coordinator"');
    const lake = await seedOrganization(database.db, { code: 'lake' });
    const stranger = await seedMember(database.db, lake, { email: 'stranger@example.org' });
    expect((await reviewer.get(`/river/people/chosen?for=owners&id=${stranger.id}`)).status).toBe(404);
    expect(textOf((await reviewer.get('/river/people?for=owners&q=stranger')).html)).toBe(
      'No one matches “stranger”.',
    );
  });

  test('a form that comes back keeps the people chosen, and learners cannot search people', async () => {
    const reviewer = await visitorAs('reviewer@example.org');
    const back = await reviewer.post('/river/series/new', {
      name: '',
      owners: [owner.id],
      coordinators: [coordinator.id],
    });
    expect(back.status).toBe(400);
    expect(back.html).toContain(`<input type="hidden" name="owners" value="${owner.id}"/>`);
    expect(back.html).toContain(`<input type="hidden" name="coordinators" value="${coordinator.id}"/>`);
    const learner = await visitorAs('learner@example.org');
    expect((await learner.get('/river/people?for=owners&q=own')).status).toBe(403);
  });
});

describe('creating a series', () => {
  test('a reviewer fills in the form and finds the new series awaiting review', async () => {
    const reviewer = await visitorAs('reviewer@example.org');
    const form = await reviewer.get('/river/series/new');
    expect(form.status).toBe(200);
    // Nobody is listed until someone is looked for: the picker finds people as a name is typed.
    expect(form.html).not.toContain('Omar');
    const matches = await reviewer.get('/river/people?for=owners&q=own', { 'HX-Request': 'true' });
    expect(textOf(matches.html)).toContain('Owner, Omar');
    expect(matches.html).toContain(`/river/people/chosen?for=owners&amp;id=${owner.id}`);

    const created = await reviewer.post('/river/series/new', {
      name: 'Tumor Board',
      department: 'Oncology',
      year: '2027',
      owners: [owner.id],
      coordinators: [coordinator.id, owner.id],
      specialties: 'Oncology, Radiology',
      professions: ['Physician', 'Nurse'],
      creditsPerSession: '1.5',
    });
    expect(created.status).toBe(303);

    const page = await reviewer.follow(created);
    const text = textOf(page.html);
    expect(text).toContain('Series created. It now awaits review.');
    // Said once: a reload shows the series, not the news.
    expect(textOf((await reviewer.get(created.location!)).html)).not.toContain('Series created.');
    expect(text).toContain('Tumor Board 2027');
    expect(text).toContain('Awaiting review for 2027.');
    expect(text).toContain('Credits per session 1.50');
    expect(text).toContain('Specialties Oncology, Radiology');
    expect(page.html).toContain('Approve for 2027</button>');

    const list = textOf((await reviewer.get('/river/series')).html);
    expect(list).toContain('Tumor Board Oncology 2027 Awaiting review 1.50');
  });

  test('a refused form shows each field’s message and keeps what was typed', async () => {
    const reviewer = await visitorAs('reviewer@example.org');

    const refused = await reviewer.post('/river/series/new', {
      name: 'Tumor Board',
      department: '',
      year: '2025',
      owners: [owner.id],
      specialties: 'Oncology',
      professions: ['Nurse'],
      creditsPerSession: '0.1',
    });

    expect(refused.status).toBe(400);
    // The summary links each field at fault, in the form's order.
    expect(alerts(refused.html)[0]).toMatch(/^Please check these:Enter the department\./);
    const summaryLinks = [...refused.html.matchAll(/<li><a href="#field-(\w+)">/g)].map((m) => m[1]);
    expect(summaryLinks).toEqual(['department', 'year', 'coordinators', 'creditsPerSession']);
    expect(fieldError(refused.html, 'department')).toBe('Enter the department.');
    expect(fieldError(refused.html, 'year')).toBe(
      '2025 has already ended; choose the current year or a later one.',
    );
    expect(fieldError(refused.html, 'coordinators')).toBe('Choose at least one coordinator.');
    expect(fieldError(refused.html, 'creditsPerSession')).toBe(
      'Enter credits per session from 0.25 to 99, with at most two decimals.',
    );
    expect(fieldValue(refused.html, 'name')).toBe('Tumor Board');
    expect(fieldValue(refused.html, 'year')).toBe('2025');
    expect(fieldValue(refused.html, 'owners')).toBe(owner.id);
    expect(fieldValue(refused.html, 'creditsPerSession')).toBe('0.1');
    expect(refused.html).toMatch(/value="Nurse" checked/);
    expect(await database.db.select().from(series)).toEqual([]);
  });

  test('owners, coordinators and learners cannot open the new-series form', async () => {
    for (const email of ['owner@example.org', 'coordinator@example.org', 'learner@example.org']) {
      const visitor = await visitorAs(email);
      expect((await visitor.get('/river/series/new')).status).toBe(403);
      expect((await visitor.post('/river/series/new', { name: 'Sneaky Rounds' })).status).toBe(403);
    }
    expect(await database.db.select().from(series)).toEqual([]);
  });
});

describe('approving a series', () => {
  test('through htmx, the status panel shows the year, its end in the organization’s zone and the next reminder from the workflow', async () => {
    const submitted = await grandRounds();
    t.seriesYear.describe = async () => workflowState(submitted);
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${submitted.id}`);

    const panel = await reviewer.post(`/river/series/${submitted.id}/approve`, {}, { htmx: true });

    expect(panel.status).toBe(200);
    expect(panel.html).toMatch(/^<section id="series-status"/);
    const text = textOf(panel.html);
    expect(text).toContain('Approved. The series is active now: sessions can be added.');
    expect(text).toContain('Approved for 2026: active through Dec 31, 2026, 11:59 PM CST.');
    expect(text.split('Approved for 2026')).toHaveLength(2);
    expect(text).toContain('Next renewal reminder Nov 1, 2026, 9:00 AM CST');
    expect(text).toContain('Renewal reminders sent Oct 1, 2026');
    expect((await stored(submitted.id)).status).toBe('approved');
    expect(starts()).toEqual([
      {
        call: 'start',
        args: [
          {
            seriesId: submitted.id,
            organizationId: organization.id,
            year: 2026,
            timeZone: 'America/Chicago',
            reminderDates: ['10-01', '11-01'],
          },
        ],
      },
    ]);
  });

  test('approving twice says so in the panel and starts nothing more', async () => {
    const submitted = await grandRounds();
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${submitted.id}`);
    await reviewer.post(`/river/series/${submitted.id}/approve`, {}, { htmx: true });
    const approved = await stored(submitted.id);

    const again = await reviewer.post(`/river/series/${submitted.id}/approve`, {}, { htmx: true });

    expect(again.status).toBe(409);
    expect(alerts(again.html)).toEqual([ERRORS.series_already_approved.message]);
    expect(await stored(submitted.id)).toEqual(approved);
    expect(starts()).toHaveLength(1);
  });

  test('when the series year cannot start, the panel says so and the series stays awaiting review', async () => {
    const submitted = await grandRounds();
    t.seriesYear.start = async () => {
      throw new Error('Temporal is unreachable');
    };
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${submitted.id}`);

    const panel = await reviewer.post(`/river/series/${submitted.id}/approve`, {}, { htmx: true });

    expect(panel.status).toBe(503);
    expect(panel.html).toMatch(/^<section id="series-status"/);
    expect(alerts(panel.html)).toEqual([ERRORS.unavailable.message]);
    expect(panel.html).toContain('Approve for 2026</button>');
    expect(await stored(submitted.id)).toEqual(submitted);
  });

  test('without htmx, approving returns to the series page with a notice', async () => {
    const submitted = await grandRounds();
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${submitted.id}`);

    const answer = await reviewer.post(`/river/series/${submitted.id}/approve`);

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/river/series/${submitted.id}`);
    const page = textOf((await reviewer.follow(answer)).html);
    expect(page).toContain('Approved. The series is active now: sessions can be added.');
    expect(page).toContain('active through Dec 31, 2026, 11:59 PM CST');
    expect(textOf((await reviewer.get(answer.location!)).html)).not.toContain(
      'Approved. The series is active',
    );
  });

  test("approving next year's series says when it becomes active, not that its year has started", async () => {
    const renewal = await grandRounds({ year: 2027 });
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${renewal.id}`);
    const panel = textOf(
      (await reviewer.post(`/river/series/${renewal.id}/approve`, {}, { htmx: true })).html,
    );
    expect(panel).toContain(
      'Approved. It becomes active on Jan 1, 2027; until then the 2026 series carries on.',
    );
    expect(panel).not.toContain('has started');
  });

  test('a series for a year already over shows the message on the page and stays awaiting review', async () => {
    const submitted = await grandRounds({ year: 2025 });
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${submitted.id}`);

    const refused = await reviewer.post(`/river/series/${submitted.id}/approve`);

    expect(refused.status).toBe(409);
    expect(refused.html).toContain('<html');
    expect(alerts(refused.html)).toEqual([ERRORS.series_year_past.message]);
    expect(await stored(submitted.id)).toEqual(submitted);
    expect(starts()).toEqual([]);
  });

  test('an owner cannot approve their series, and is shown no button for it', async () => {
    const submitted = await grandRounds();
    const ownerVisitor = await visitorAs('owner@example.org');

    const page = await ownerVisitor.get(`/river/series/${submitted.id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('Approve for 2026');

    const refused = await ownerVisitor.post(`/river/series/${submitted.id}/approve`);
    expect(refused.status).toBe(403);
    expect(await stored(submitted.id)).toEqual(submitted);
    expect(starts()).toEqual([]);
  });
});

describe('the series page', () => {
  test('when the workflow cannot be read, the page says the schedule is unavailable', async () => {
    const approved = await grandRounds({ status: 'approved' });
    t.seriesYear.describe = async () => {
      throw new Error('Temporal is unreachable');
    };
    const reviewer = await visitorAs('reviewer@example.org');

    const page = await reviewer.get(`/river/series/${approved.id}`);

    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('The reminder schedule is unavailable right now.');
    expect(textOf(page.html)).toContain('active through Dec 31, 2026, 11:59 PM CST');
  });

  test('once the renewal is approved, the page says last year’s reminders stopped', async () => {
    const approved = await grandRounds({ status: 'approved' });
    t.seriesYear.describe = async () =>
      workflowState(approved, { nextReminderAt: null, renewal: { seriesId: approved.id, year: 2027 } });
    const coordinatorVisitor = await visitorAs('coordinator@example.org');

    const page = textOf((await coordinatorVisitor.get(`/river/series/${approved.id}`)).html);

    expect(page).toContain(
      'Next renewal reminder None: the renewal for 2027 was approved, so reminders stopped.',
    );
  });

  test('a learner cannot see another’s series, and their own list is empty', async () => {
    const submitted = await grandRounds();
    const learner = await visitorAs('learner@example.org');

    expect((await learner.get(`/river/series/${submitted.id}`)).status).toBe(403);
    expect((await learner.post(`/river/series/${submitted.id}/renew`)).status).toBe(403);
    const list = await learner.get('/river/series');
    expect(list.status).toBe(200);
    expect(textOf(list.html)).toContain('You are not an owner or coordinator of any series.');
    expect(list.html).not.toContain('Medicine Grand Rounds');
  });

  test('a signed-out visitor is sent to sign in', async () => {
    const submitted = await grandRounds();
    const visitor = new Visitor(t.app);

    const answer = await visitor.get(`/river/series/${submitted.id}`);

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(
      `/river/sign-in?next=${encodeURIComponent(`/river/series/${submitted.id}`)}`,
    );
  });

  test('an address that is not a series is not found', async () => {
    const reviewer = await visitorAs('reviewer@example.org');
    expect((await reviewer.get('/river/series/not-a-series')).status).toBe(404);
    expect((await reviewer.get('/river/series/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('lists', () => {
  test('a reviewer sees every series with a status filter and a link to create one', async () => {
    await grandRounds({ name: 'Medicine Grand Rounds', status: 'approved' });
    await grandRounds({ name: 'Tumor Board', status: 'submitted' });
    const reviewer = await visitorAs('reviewer@example.org');

    const all = await reviewer.get('/river/series');
    expect(all.html).toContain('href="/river/series/new"');
    expect(textOf(all.html)).toContain('Medicine Grand Rounds');
    expect(textOf(all.html)).toContain('Tumor Board');

    const awaiting = await reviewer.get('/river/series?status=submitted');
    expect(textOf(awaiting.html)).toContain('Tumor Board');
    expect(textOf(awaiting.html)).not.toContain('Medicine Grand Rounds');
    expect(fieldValue(awaiting.html, 'status')).toBe('submitted');
  });

  test('an owner sees only the series they own, with their role, and no link to create one', async () => {
    await grandRounds({ name: 'Medicine Grand Rounds' });
    await seedSeries(database.db, organization, { name: 'Pediatrics Case Conference' });
    const ownerVisitor = await visitorAs('owner@example.org');

    const list = await ownerVisitor.get('/river/series');

    expect(textOf(list.html)).toContain('Medicine Grand Rounds 2026 Awaiting review Owner');
    expect(list.html).not.toContain('Pediatrics Case Conference');
    expect(list.html).not.toContain('href="/river/series/new"');
  });
});

describe('renewing a series', () => {
  async function memberVisitor(role: 'owner' | 'coordinator') {
    return visitorAs(`${role}@example.org`);
  }

  test('a coordinator requests renewal through htmx and is taken to next year’s draft', async () => {
    const approved = await grandRounds({ status: 'approved' });
    const visitor = await memberVisitor('coordinator');
    const page = await visitor.get(`/river/series/${approved.id}`);
    expect(page.html).toContain('Request renewal for 2027</button>');

    const answer = await visitor.post(`/river/series/${approved.id}/renew`, {}, { htmx: true });

    expect(answer.status).toBe(200);
    const draftPath = answer.headers.get('HX-Redirect');
    expect(draftPath).toMatch(/^\/river\/series\/[0-9a-f-]{36}$/);
    const draft = textOf((await visitor.get(draftPath ?? '')).html);
    expect(draft).toContain('Renewal requested. This draft for next year now awaits review.');
    expect(draft).toContain('Medicine Grand Rounds 2027');
    expect(draft).toContain('Awaiting review for 2027.');
    expect(draft).toContain('Renews Medicine Grand Rounds 2026');
    expect(draft).toContain('Owners Omar Owner');
    expect(draft).toContain('Coordinators Cora Coordinator');
  });

  test('asking again shows that the renewal was already requested, with a link to it', async () => {
    const approved = await grandRounds({ status: 'approved' });
    const visitor = await memberVisitor('owner');
    await visitor.get(`/river/series/${approved.id}`);
    const first = await visitor.post(`/river/series/${approved.id}/renew`);
    expect(first.status).toBe(303);

    const again = await visitor.post(`/river/series/${approved.id}/renew`);

    expect(again.status).toBe(409);
    expect(alerts(again.html)).toEqual([ERRORS.series_already_renewed.message]);
    expect(textOf(again.html)).toContain('Renewal for 2027: Medicine Grand Rounds');
    const drafts = await database.db.select().from(series).where(eq(series.renewedFromId, approved.id));
    expect(drafts).toHaveLength(1);
  });

  test('a series awaiting review cannot be renewed, and says why in the panel', async () => {
    const submitted = await grandRounds();
    const visitor = await memberVisitor('owner');
    const page = await visitor.get(`/river/series/${submitted.id}`);
    expect(page.html).not.toContain('Request renewal');

    const refused = await visitor.post(`/river/series/${submitted.id}/renew`, {}, { htmx: true });

    expect(refused.status).toBe(409);
    expect(refused.html).toMatch(/^<section id="series-status"/);
    expect(alerts(refused.html)).toEqual([ERRORS.series_not_renewable.message]);
    expect(await database.db.select().from(series).where(eq(series.renewedFromId, submitted.id))).toEqual([]);
  });

  test('a reviewer approving the renewal stops last year’s reminders', async () => {
    const approved = await grandRounds({ status: 'approved' });
    const ownerVisitor = await memberVisitor('owner');
    await ownerVisitor.get(`/river/series/${approved.id}`);
    const draftPath = (await ownerVisitor.post(`/river/series/${approved.id}/renew`)).location ?? '';
    const renewalId = draftPath.split('/')[3]?.split('?')[0] ?? '';
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${renewalId}`);

    const panel = await reviewer.post(`/river/series/${renewalId}/approve`, {}, { htmx: true });

    expect(panel.status).toBe(200);
    expect(t.seriesYear.calls.filter((call) => call.call === 'renewalApproved')).toEqual([
      {
        call: 'renewalApproved',
        args: [
          { seriesId: approved.id, year: 2026 },
          { seriesId: renewalId, year: 2027 },
        ],
      },
    ]);
  });
});

describe('editing a series', () => {
  test('a reviewer renames it, changes its coordinator and credits, and its history shows before and after', async () => {
    const found = await grandRounds({ status: 'approved' });
    const other = await seedMember(database.db, organization, {
      email: 'other@example.org',
      firstName: 'Olga',
      lastName: 'Other',
    });
    const reviewer = await visitorAs('reviewer@example.org');
    const form = await reviewer.get(`/river/series/${found.id}/edit`);
    expect(form.status).toBe(200);
    expect(fieldValue(form.html, 'name')).toBe('Medicine Grand Rounds');
    const saved = await reviewer.post(`/river/series/${found.id}/edit`, {
      name: 'Internal Medicine Grand Rounds',
      department: 'Internal Medicine',
      owners: owner.id,
      coordinators: other.id,
      specialties: 'Hospital Medicine',
      professions: ['Physician', 'Nurse'],
      creditsPerSession: '1.5',
    });
    expect(saved.status).toBe(303);
    const page = textOf((await reviewer.follow(saved)).html);
    expect(page).toContain('Saved. The change is in the series’ history.');
    expect(page).toContain('Series details changed');
    expect(page).toContain('Name: Medicine Grand Rounds → Internal Medicine Grand Rounds');
    expect(page).toContain('Credits per session: 1.00 → 1.50');
    expect(page).toContain('Coordinators: Coordinator, Cora → Other, Olga');
    expect(await stored(found.id)).toMatchObject({ year: 2026, creditsPerSession: '1.50' });
    // Cora no longer coordinates it: she cannot add sessions.
    const cora = await visitorAs('coordinator@example.org');
    expect((await cora.get(`/river/series/${found.id}/sessions/new`)).status).toBe(403);
  });

  test('a reviewer limits who may claim credit, and the history says so', async () => {
    const found = await grandRounds({ status: 'approved' });
    const reviewer = await visitorAs('reviewer@example.org');
    const form = await reviewer.get(`/river/series/${found.id}/edit`);
    expect(form.html).toContain('Only medical staff and affiliates');
    const saved = await reviewer.post(`/river/series/${found.id}/edit`, {
      name: 'Medicine Grand Rounds',
      department: 'Internal Medicine',
      owners: owner.id,
      coordinators: coordinator.id,
      professions: ['Physician'],
      creditsPerSession: '1',
      creditForProfessionsOnly: 'on',
      affiliatesOnly: 'on',
    });
    expect(saved.status).toBe(303);
    expect(await stored(found.id)).toMatchObject({ creditForProfessionsOnly: true, affiliatesOnly: true });
    const page = textOf((await reviewer.follow(saved)).html);
    expect(page).toContain('Credit only for medical staff and affiliates: no → yes');
    const again = await reviewer.get(`/river/series/${found.id}/edit`);
    expect(again.html).toMatch(/id="field-affiliatesOnly"[^>]*checked/);
  });

  test('a form without owners comes back naming the field and changes nothing; coordinators and owners cannot edit', async () => {
    const found = await grandRounds({ status: 'approved' });
    const reviewer = await visitorAs('reviewer@example.org');
    await reviewer.get(`/river/series/${found.id}/edit`);
    const refused = await reviewer.post(`/river/series/${found.id}/edit`, {
      name: 'Renamed',
      department: 'Internal Medicine',
      coordinators: coordinator.id,
      professions: 'Physician',
      creditsPerSession: '1',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'owners')).toBe('Choose at least one owner.');
    expect((await stored(found.id)).name).toBe('Medicine Grand Rounds');
    for (const email of ['coordinator@example.org', 'owner@example.org']) {
      const member = await visitorAs(email);
      expect((await member.get(`/river/series/${found.id}/edit`)).status).toBe(403);
      expect(
        (await member.post(`/river/series/${found.id}/edit`, { name: 'Mine now', owners: owner.id })).status,
      ).toBe(403);
    }
    expect((await stored(found.id)).name).toBe('Medicine Grand Rounds');
  });
});
