import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  disclosureRelationships,
  disclosures,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, type Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let daniel: Account;
let grandRounds: Series;
let session: Session;
let relationships: { id: string; company: string }[];

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z') });
  const coordinator = await seedMember(database.db, organization, { email: 'coordinator@example.org' });
  await seedMember(database.db, organization, {
    email: 'priya@example.org',
    firstName: 'Priya',
    lastName: 'Shah',
    roles: ['reviewer'],
  });
  daniel = await seedMember(database.db, organization, {
    email: 'daniel@example.org',
    firstName: 'Daniel',
    lastName: 'Reyes',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: coordinator.id, role: 'coordinator' });
  session = await seedSession(database.db, grandRounds, {
    name: 'Heart failure therapies',
    startsAt: new Date('2026-12-08T17:00:00Z'),
  });
  await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: daniel.id });
  const [disclosure] = await database.db
    .insert(disclosures)
    .values({
      organizationId: organization.id,
      accountId: daniel.id,
      submittedAt: new Date('2026-10-01T12:00:00Z'),
      attestedAt: new Date('2026-10-01T12:00:00Z'),
      hasRelationships: true,
      ownerOrEmployee: true,
      signature: 'Daniel Reyes',
    })
    .returning();
  relationships = await database.db
    .insert(disclosureRelationships)
    .values([
      { disclosureId: disclosure?.id ?? '', company: 'Acme Pharma', nature: 'consultant' },
      { disclosureId: disclosure?.id ?? '', company: 'Beta Devices', nature: 'speaker' },
    ])
    .returning();
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/review');
}

const relationship = (company: string) => relationships.find((one) => one.company === company)?.id ?? '';
const reviewPath = () => `/river/sessions/${session.id}/review`;
const statusOf = async (visitor: Visitor) =>
  /Status (INCOMPLETE|IN REVIEW|PENDING|APPROVED|REJECTED)/.exec(
    textOf((await visitor.get(`/river/sessions/${session.id}`)).html),
  )?.[1];

describe('reviewing and approving a session', () => {
  test('a reviewer judges each relationship from the queue, approves, and the session is APPROVED with exceptions', async () => {
    const priya = await visitorAs('priya@example.org');
    const queue = textOf((await priya.get('/river/review')).html);
    expect(queue).toContain('Relationships awaiting review (1)');
    expect(queue).toContain('Heart failure therapies');
    const page = textOf((await priya.get(reviewPath())).html);
    expect(page).toContain('Flag: owns or is employed by an ineligible company.');
    expect(page).toContain('Acme Pharma (Consultant)');

    await priya.post(`${reviewPath()}/${relationship('Acme Pharma')}`, {
      outcome: 'not_relevant',
      signature: 'Priya Shah',
    });
    expect(await statusOf(priya)).toBe('IN REVIEW');
    const saved = await priya.post(`${reviewPath()}/${relationship('Beta Devices')}`, {
      outcome: 'mitigated',
      steps: ['peer_review', 'evidence_attestation'],
      rationale: 'Devices are not discussed; slides reviewed by Dr. Kim.',
      signature: 'Priya Shah',
    });
    expect(saved.status).toBe(303);
    expect(textOf((await priya.follow(saved)).html)).toContain('Judgement saved.');
    expect(await statusOf(priya)).toBe('PENDING');
    expect(textOf((await priya.get('/river/review')).html)).toContain('Sessions awaiting approval (1)');

    const approved = await priya.follow(await priya.post(`/river/sessions/${session.id}/approve`));
    expect(textOf(approved.html)).toContain('Approved. Coordinators can now make its flyer.');
    const sessionPage = textOf((await priya.get(`/river/sessions/${session.id}`)).html);
    expect(sessionPage).toContain('Status APPROVED');
    expect(sessionPage).toContain('Approved with exceptions');
    expect(sessionPage).toContain('Session approved');
    expect(sessionPage).toContain('Relationship reviewed');

    // A renamed session needs approval again.
    const cora = await visitorAs('coordinator@example.org');
    const form = await cora.get(`/river/sessions/${session.id}/edit`);
    expect(form.status).toBe(200);
    await cora.post(`/river/sessions/${session.id}/edit`, {
      name: 'Heart failure therapies in 2027',
      date: '2026-12-08',
      startTime: '12:00',
      endTime: '13:00',
      timeZone: 'America/New_York',
      professions: 'Physician',
      credits: '1',
    });
    expect(await statusOf(cora)).toBe('PENDING');
    expect(textOf((await cora.get(`/river/sessions/${session.id}`)).html)).toContain(
      'Changed since it was approved: awaiting approval again.',
    );
  });

  test('a judgement that needs attention names each field and changes nothing', async () => {
    const priya = await visitorAs('priya@example.org');
    const refused = await priya.post(`${reviewPath()}/${relationship('Acme Pharma')}`, {
      outcome: 'mitigated',
      signature: 'Someone Else',
    });
    expect(refused.status).toBe(400);
    const id = relationship('Acme Pharma');
    expect(fieldError(refused.html, `steps-${id}`)).toBe('Choose at least one mitigation step.');
    expect(fieldError(refused.html, `rationale-${id}`)).toBe('Give the rationale for this judgement.');
    expect(fieldError(refused.html, `signature-${id}`)).toBe('Sign with your own full name.');
    expect(await statusOf(priya)).toBe('IN REVIEW');
  });

  test('an immitigable relationship REJECTS the session, which cannot be approved until that person is replaced', async () => {
    const priya = await visitorAs('priya@example.org');
    await priya.post(`${reviewPath()}/${relationship('Acme Pharma')}`, {
      outcome: 'immitigable',
      rationale: 'Speaks on Acme’s product.',
      signature: 'Priya Shah',
    });
    expect(await statusOf(priya)).toBe('REJECTED');
    const refused = await priya.post(`/river/sessions/${session.id}/approve`);
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain('Only a PENDING session can be approved');
    expect(textOf((await priya.get(`/river/sessions/${session.id}`)).html)).toContain(
      'A relationship could not be mitigated: remove this person and assign someone else.',
    );
  });

  test('a doubted name keeps the session INCOMPLETE until a reviewer accepts it', async () => {
    const priya = await visitorAs('priya@example.org');
    const cora = await visitorAs('coordinator@example.org');
    await cora.get(`/river/sessions/${session.id}/edit`);
    await cora.post(`/river/sessions/${session.id}/edit`, {
      name: 'Grand Rounds',
      date: '2026-12-08',
      startTime: '12:00',
      endTime: '13:00',
      timeZone: 'America/New_York',
      professions: 'Physician',
      credits: '1',
    });
    expect(await statusOf(priya)).toBe('INCOMPLETE');
    expect(textOf((await priya.get(`/river/sessions/${session.id}`)).html)).toContain(
      'Name: The name includes “grand rounds”, which names a series, not a topic.',
    );
    await priya.get(reviewPath());
    await priya.post(`/river/sessions/${session.id}/accept-name`);
    expect(await statusOf(priya)).toBe('IN REVIEW');
  });

  test('coordinators, owners and faculty can neither judge nor approve', async () => {
    for (const email of ['coordinator@example.org', 'daniel@example.org']) {
      const member = await visitorAs(email);
      expect((await member.get(reviewPath())).status).toBe(403);
      expect(
        (
          await member.post(`${reviewPath()}/${relationship('Acme Pharma')}`, {
            outcome: 'not_relevant',
            signature: 'Daniel Reyes',
          })
        ).status,
      ).toBe(403);
      expect((await member.post(`/river/sessions/${session.id}/approve`)).status).toBe(403);
      expect((await member.post(`/river/sessions/${session.id}/accept-name`)).status).toBe(403);
    }
    const priya = await visitorAs('priya@example.org');
    expect(await statusOf(priya)).toBe('IN REVIEW');
  });
});
