import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  disclosureRelationships,
  disclosures,
  type Organization,
  relationshipReviews,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let daniel: Account;
let reviewer: Account;
let grandRounds: Series;
let session: Session;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z') });
  const coordinator = await seedMember(database.db, organization, { email: 'coordinator@example.org' });
  reviewer = await seedMember(database.db, organization, {
    email: 'reviewer@example.org',
    roles: ['reviewer'],
  });
  daniel = await seedMember(database.db, organization, {
    email: 'daniel.reyes@example.org',
    firstName: 'Daniel',
    lastName: 'Reyes',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: coordinator.id, role: 'coordinator' });
  session = await seedSession(database.db, grandRounds, {
    name: 'Sepsis bundles',
    startsAt: new Date('2026-12-08T17:00:00Z'),
  });
  await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: daniel.id });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/disclosure');
}

const signed = { signature: 'Daniel Reyes, MD', attest: 'on' };

describe('the disclosure form', () => {
  test('its one stable link asks a signed-out person to sign in first, then shows the definition and the look-back', async () => {
    const stranger = new Visitor(t.app);
    const away = await stranger.get('/river/disclosure');
    expect(away.status).toBe(303);
    expect(away.location).toBe('/river/sign-in?next=%2Friver%2Fdisclosure');
    const dan = await visitorAs('daniel.reyes@example.org');
    const form = textOf((await dan.get('/river/disclosure')).html);
    expect(form).toContain('past 24 months');
    expect(form).toContain('primary business is producing, marketing, selling, re-selling or distributing');
    expect(form).toContain('Signed and dated Nov 24, 2026.');
  });

  test('a relationship disclosed puts the session IN REVIEW, shows on it, and is recorded in its history', async () => {
    const dan = await visitorAs('daniel.reyes@example.org');
    const submitted = await dan.post('/river/disclosure', {
      answer: 'some',
      rows: '3',
      'company-0': 'Acme Pharma',
      'nature-0': 'consultant',
      'company-1': 'Beta Devices',
      'nature-1': 'other',
      'natureOther-1': 'Data safety board',
      'endedOn-1': '2025-08-31',
      ...signed,
    });
    expect(submitted.status).toBe(303);
    const mine = textOf((await dan.follow(submitted)).html);
    expect(mine).toContain('Thank you: your disclosure is on file.');
    expect(mine).toContain('Active through Nov 24, 2027');
    expect(mine).toContain('Beta Devices: Data safety board (ended 2025-08-31)');

    const sessionPage = textOf((await dan.get(`/river/sessions/${session.id}`)).html);
    expect(sessionPage).toContain('Status IN REVIEW');
    expect(sessionPage).toContain('Acme Pharma (consultant)');
    expect(sessionPage).toContain('2 relationships awaiting the reviewers’ judgement.');
    expect(sessionPage).toContain('Disclosure submitted');

    const mySessions = textOf((await dan.get('/river/my-sessions')).html);
    expect(mySessions).toContain('Sepsis bundles');
    expect(mySessions).toContain('Speaker: Pending.');
  });

  test('nothing to disclose makes the session PENDING approval', async () => {
    const dan = await visitorAs('daniel.reyes@example.org');
    await dan.post('/river/disclosure', { answer: 'none', rows: '3', ...signed });
    const sessionPage = textOf((await dan.get(`/river/sessions/${session.id}`)).html);
    expect(sessionPage).toContain('Status PENDING');
    expect(sessionPage).toContain('Nothing to disclose – Nov 24, 2026');
  });

  test('a form that needs attention names every field and stores nothing', async () => {
    const dan = await visitorAs('daniel.reyes@example.org');
    const refused = await dan.post('/river/disclosure', {
      answer: 'some',
      rows: '3',
      'company-0': 'Acme Pharma',
      'company-1': 'Gamma Labs',
      'nature-1': 'other',
      'company-2': 'Delta Bio',
      'nature-2': 'advisor',
      'endedOn-2': '2027-01-01',
      signature: 'Someone Else',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'nature-0')).toBe('Choose the nature of the relationship.');
    expect(fieldError(refused.html, 'natureOther-1')).toBe('Describe the relationship.');
    expect(fieldError(refused.html, 'endedOn-2')).toBe(
      'That date is still to come; leave it empty if it continues.',
    );
    expect(fieldError(refused.html, 'signature')).toBe(
      'Sign with your own full name, as your account shows it.',
    );
    expect(fieldError(refused.html, 'attest')).toBe('Confirm that the disclosure is complete and accurate.');
    expect(refused.html).toContain('value="Gamma Labs"');
    expect(await database.db.select().from(disclosures)).toHaveLength(0);

    const more = await dan.post('/river/disclosure', { answer: 'some', rows: '3', more: '1' });
    expect(more.html).toContain('id="field-company-5"');
  });

  test('a newer disclosure supersedes a reviewed one: the session shows Disclosure Updated and goes back for review', async () => {
    const [old] = await database.db
      .insert(disclosures)
      .values({
        organizationId: organization.id,
        accountId: daniel.id,
        submittedAt: new Date('2026-05-01T12:00:00Z'),
        attestedAt: new Date('2026-05-01T12:00:00Z'),
        hasRelationships: true,
        signature: 'Daniel Reyes',
      })
      .returning();
    const [relationship] = await database.db
      .insert(disclosureRelationships)
      .values({ disclosureId: old?.id ?? '', company: 'Acme Pharma', nature: 'consultant' })
      .returning();
    await database.db.insert(relationshipReviews).values({
      sessionId: session.id,
      relationshipId: relationship?.id ?? '',
      outcome: 'not_relevant',
      signature: 'Priya Shah',
      reviewerId: reviewer.id,
      reviewedAt: new Date('2026-05-02T12:00:00Z'),
    });
    const dan = await visitorAs('daniel.reyes@example.org');
    expect(textOf((await dan.get(`/river/sessions/${session.id}`)).html)).toContain('Status PENDING');
    await dan.post('/river/disclosure', {
      answer: 'some',
      rows: '3',
      'company-0': 'Acme Pharma',
      'nature-0': 'speaker',
      ...signed,
    });
    const page = textOf((await dan.get(`/river/sessions/${session.id}`)).html);
    expect(page).toContain('Status IN REVIEW');
    expect(page).toContain('Disclosure Updated');
    expect(page).toContain('A new disclosure arrived: 1 relationship to review again.');
    const stored = await database.db.select().from(disclosures).where(eq(disclosures.accountId, daniel.id));
    expect(stored).toHaveLength(2);
  });
});
