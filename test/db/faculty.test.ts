import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  accounts,
  disclosures,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { mailTo, seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, type Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let coordinator: Account;
let daniel: Account;
let grandRounds: Series;
let session: Session;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z') });
  coordinator = await seedMember(database.db, organization, {
    email: 'coordinator@example.org',
    firstName: 'Cora',
    lastName: 'Coordinator',
  });
  await seedMember(database.db, organization, { email: 'owner@example.org', roles: ['faculty'] });
  daniel = await seedMember(database.db, organization, {
    email: 'daniel.reyes@example.org',
    firstName: 'Daniel',
    lastName: 'Reyes',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db.insert(seriesRoles).values({
    seriesId: grandRounds.id,
    accountId: coordinator.id,
    role: 'coordinator',
  });
  session = await seedSession(database.db, grandRounds, {
    name: 'Sepsis bundles',
    startsAt: new Date('2026-12-08T17:00:00Z'),
  });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/series');
}

async function faculty() {
  return database.db.select().from(sessionFaculty).where(eq(sessionFaculty.sessionId, session.id));
}

describe('managing faculty', () => {
  test('a coordinator finds a speaker by "Last, First"; Request disclosure? is ticked only without an active disclosure, and the request is emailed', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const found = await cora.get(`/river/sessions/${session.id}/faculty?q=${encodeURIComponent('Reyes, D')}`);
    expect(textOf(found.html)).toContain('No disclosure active on the session date.');
    expect(found.html).toMatch(/id="disclosure-[^"]+" name="requestDisclosure" checked/);

    const added = await cora.post(`/river/sessions/${session.id}/faculty`, {
      accountId: daniel.id,
      role: 'speaker',
      requestDisclosure: 'on',
    });
    expect(added.status).toBe(303);
    const page = textOf((await cora.follow(added)).html);
    expect(page).toContain('Added as faculty. A disclosure request was emailed.');
    expect(page).toContain('Reyes, Daniel');
    expect(page).toContain('NO DISCLOSURE ON FILE');
    expect(page).toContain('Incomplete');
    await t.background.idle();
    // The disclosure chase starts for this person and session, and the session's lifecycle hears of it.
    expect(
      t.disclosures.calls.map(({ call, args }) => [call, (args[1] as { id: string }).id, args[2]]),
    ).toEqual([['requested', session.id, daniel.id]]);
    expect(t.sessionApproval.calls.map(({ call, args }) => [call, args[3]])).toEqual([
      ['changed', 'faculty'],
    ]);

    // The session now has faculty, but their disclosure is missing: still INCOMPLETE, saying why.
    const sessionPage = textOf((await cora.get(`/river/sessions/${session.id}`)).html);
    expect(sessionPage).toContain('Status INCOMPLETE');
    expect(sessionPage).toContain('1 faculty member has no disclosure active on the session date.');
    expect(sessionPage).toContain('Faculty added');
  });

  test('someone whose disclosure is active on the session date is offered unticked, and asked anyway only when ticked', async () => {
    await database.db.insert(disclosures).values({
      organizationId: organization.id,
      accountId: daniel.id,
      submittedAt: new Date('2026-03-01T12:00:00Z'),
      attestedAt: new Date('2026-03-01T12:00:00Z'),
      hasRelationships: false,
      signature: 'Daniel Reyes',
    });
    const cora = await visitorAs('coordinator@example.org');
    const found = await cora.get(`/river/sessions/${session.id}/faculty?q=reyes`);
    expect(textOf(found.html)).toContain('Has a disclosure active on the session date.');
    expect(found.html).not.toMatch(/id="disclosure-[^"]+" name="requestDisclosure" checked/);
    expect(found.html).toMatch(/id="disclosure-[^"]+" name="requestDisclosure"/);
    await cora.post(`/river/sessions/${session.id}/faculty`, {
      accountId: daniel.id,
      role: 'speaker',
      requestDisclosure: 'on',
    });
    await t.background.idle();
    expect(t.disclosures.calls.map(({ call }) => call)).toEqual(['requested']);
    const page = textOf((await cora.get(`/river/sessions/${session.id}`)).html);
    expect(page).toContain('Nothing to disclose – Mar 1, 2026');
    expect(page).toContain('Status PENDING');
  });

  test('removing asks first, then takes the person off the session and records it', async () => {
    const cora = await visitorAs('coordinator@example.org');
    await cora.post(`/river/sessions/${session.id}/faculty`, { accountId: daniel.id, role: 'speaker' });
    const confirm = await cora.get(`/river/sessions/${session.id}/faculty/${daniel.id}/remove`);
    expect(textOf(confirm.html)).toContain('Remove Daniel Reyes as faculty of “Sepsis bundles”');
    const removed = await cora.follow(
      await cora.post(`/river/sessions/${session.id}/faculty/${daniel.id}/remove`),
    );
    expect(textOf(removed.html)).toContain('Removed from this session.');
    expect(await faculty()).toHaveLength(0);
    expect(textOf((await cora.get(`/river/sessions/${session.id}`)).html)).toContain('Faculty removed');
  });

  test('a person without an account: refused when the email exists, warned when the name does, then invited', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const path = `/river/sessions/${session.id}/faculty/new-person`;
    const taken = await cora.post(path, {
      firstName: 'Dan',
      lastName: 'Reyes',
      email: ' Daniel.Reyes@Example.org ',
      degree: 'MD',
      requestDisclosure: 'on',
    });
    expect(taken.status).toBe(400);
    expect(fieldError(taken.html, 'email')).toBe(
      'An account with this email already exists: find the person by name above and add them.',
    );
    const sameName = await cora.post(path, {
      firstName: 'Daniel',
      lastName: 'Reyes',
      email: 'dreyes@med.example.org',
      degree: 'MD',
      requestDisclosure: 'on',
    });
    expect(sameName.status).toBe(400);
    expect(textOf(sameName.html)).toContain('Daniel Reyes already has an account under another email.');
    expect(textOf(sameName.html)).toContain('daniel.reyes@example.org');
    expect(await faculty()).toHaveLength(0);

    const confirmed = await cora.post(path, {
      firstName: 'Daniel',
      lastName: 'Reyes',
      email: 'dreyes@med.example.org',
      degree: 'MD',
      requestDisclosure: 'on',
      confirmedDifferent: 'on',
    });
    expect(confirmed.status).toBe(303);
    expect(textOf((await cora.follow(confirmed)).html)).toContain(
      'Added as faculty and emailed a link to choose a password.',
    );
    await t.background.idle();
    const mails = await mailTo(database.db, 'dreyes@med.example.org');
    expect(mails.map((mail) => mail.kind)).toEqual(['faculty-invitation']);
    const [made] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.email, 'dreyes@med.example.org'))
      .orderBy(asc(accounts.createdAt));
    expect(made?.emailConfirmedAt).toBeNull();
    expect(t.disclosures.calls.map(({ call, args }) => [call, args[2]])).toEqual([['requested', made?.id]]);
    expect(await faculty()).toHaveLength(1);
  });

  test('owners and learners cannot manage faculty', async () => {
    const owner = await visitorAs('owner@example.org');
    expect((await owner.get(`/river/sessions/${session.id}/faculty`)).status).toBe(403);
    expect(
      (await owner.post(`/river/sessions/${session.id}/faculty`, { accountId: daniel.id, role: 'speaker' }))
        .status,
    ).toBe(403);
    expect(await faculty()).toHaveLength(0);
  });
});
