import { eq } from 'drizzle-orm';
import mammoth from 'mammoth';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  disclosureRelationships,
  disclosures,
  type Organization,
  organizations,
  relationshipReviews,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { seedMember, signedInVisitor } from '../support/accounts';
import { pdfText } from '../support/pdf';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { textOf, type Visitor } from '../support/http';
import { seedApprovedSession, seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let grandRounds: Series;
let session: Session;
let t: TestApp;
let coordinator: Visitor;
let carla: Account;

const ACCREDITATION =
  'Riverside Health is accredited by the Accreditation Council for Continuing Medical Education (ACCME) to provide continuing medical education for physicians.';
const DESIGNATION =
  'Riverside Health designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™. Physicians should claim only the credit commensurate with the extent of their participation in the activity.';

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, {
    name: 'Riverside Health',
    smsNumber: '+18449860352',
    accreditationStatement: ACCREDITATION,
    creditDesignationStatement: DESIGNATION,
  });
  grandRounds = await seedSeries(database.db, organization, { name: 'Medicine Grand Rounds' });
  const speaker = await seedMember(database.db, organization, {
    firstName: 'Amara',
    lastName: 'Osei',
    degree: 'MD',
  });
  session = await seedApprovedSession(
    database.db,
    grandRounds,
    {
      name: 'Heart failure therapies',
      attendanceCode: 'K7MPQ',
      startsAt: new Date('2026-03-10T17:00:00Z'),
      endsAt: new Date('2026-03-10T18:00:00Z'),
      location: 'Auditorium B',
    },
    { speaker },
  );
  carla = await seedMember(database.db, organization, { email: 'carla@riverside.test' });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
  t = createTestApp(database, { now: new Date('2026-03-03T15:00:00Z') });
  coordinator = await signedInVisitor(
    t.app,
    organization,
    carla.email,
    `/${organization.code}/sessions/${session.id}`,
  );
});

afterEach(async () => {
  await database.drop();
});

describe('the flyer', () => {
  test('the PDF says what the session is, who teaches and what they disclosed, the statements and how to claim', async () => {
    const answer = await coordinator.download(`/${organization.code}/sessions/${session.id}/flyer/pdf`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toContain('attachment;');
    const text = await pdfText(answer.bytes);
    for (const expected of [
      'Heart failure therapies',
      'Medicine Grand Rounds',
      'Tue, Mar 10, 2026, 1:00 PM – 2:00 PM EDT',
      'Auditorium B',
      'Amara Osei, MD',
      'Nothing to disclose.',
      'All relevant financial relationships listed for the individuals above have been mitigated.',
      'Attendance code: K7MPQ',
      'Text K7MPQ to +18449860352',
      `localhost:3000/${organization.code}/claim`,
    ]) {
      expect(text, expected).toContain(expected);
    }
    // The statements are there word for word, ™ included.
    expect(text).toContain('AMA PRA Category 1 Credit™');
    expect(text).toContain('accredited by the Accreditation Council for Continuing Medical Education');
  });

  test('a disclosed relationship is named, and the Word document opens with the same words', async () => {
    const consultant = await seedMember(database.db, organization, {
      firstName: 'Hannah',
      lastName: 'Cho',
      degree: 'PharmD',
    });
    const [disclosure] = await database.db
      .insert(disclosures)
      .values({
        organizationId: organization.id,
        accountId: consultant.id,
        submittedAt: new Date('2026-02-01T15:00:00Z'),
        hasRelationships: true,
        signature: 'Hannah Cho',
        attestedAt: new Date('2026-02-01T15:00:00Z'),
      })
      .returning();
    const [relationship] = await database.db
      .insert(disclosureRelationships)
      .values({ disclosureId: disclosure!.id, company: 'Acme Pharma', nature: 'consultant' })
      .returning();
    await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: consultant.id });
    await database.db.insert(relationshipReviews).values({
      sessionId: session.id,
      relationshipId: relationship!.id,
      outcome: 'mitigated',
      reviewerId: carla.id,
      rationale: 'Peer review of content',
      signature: 'Carla',
      reviewedAt: new Date('2026-02-02T15:00:00Z'),
    });
    const { sessionState } = await import('../../server/session-facts');
    const { sessions } = await import('../../db/schema');
    const state = await sessionState(database.db, session, grandRounds);
    await database.db
      .update(sessions)
      .set({ approvedBasis: state.status.basis })
      .where(eq(sessions.id, session.id));

    const pdf = await pdfText(
      (await coordinator.download(`/${organization.code}/sessions/${session.id}/flyer/pdf`)).bytes,
    );
    expect(pdf).toContain('Hannah Cho, PharmD Consultant, Acme Pharma');
    const docx = await coordinator.download(`/${organization.code}/sessions/${session.id}/flyer/docx`);
    expect(docx.status).toBe(200);
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(docx.bytes) });
    for (const expected of [
      'Heart failure therapies',
      'Consultant, Acme Pharma',
      'Nothing to disclose.',
      DESIGNATION,
      'Attendance code: K7MPQ',
    ]) {
      expect(value, expected).toContain(expected);
    }
  });

  test('no flyer before APPROVED, without faculty, or while a statement is empty; each says why', async () => {
    const pending = await seedSession(database.db, grandRounds, {
      name: 'Sepsis bundles',
      startsAt: new Date('2026-03-12T17:00:00Z'),
    });
    const refused = await coordinator.get(`/${organization.code}/sessions/${pending.id}/flyer/pdf`);
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain(
      'A flyer can be generated only for an APPROVED session; this one is INCOMPLETE.',
    );

    await database.db
      .update(organizations)
      .set({ creditDesignationStatement: ' ' })
      .where(eq(organizations.id, organization.id));
    const blocked = await coordinator.get(`/${organization.code}/sessions/${session.id}/flyer/docx`);
    expect(blocked.status).toBe(409);
    expect(textOf(blocked.html)).toContain(
      'The organization’s credit designation statement is still empty. Ask an admin of the CME office to enter it under Settings.',
    );

    // Both empty: the coordinator is sent to an admin, and an admin is told where to enter them.
    await database.db
      .update(organizations)
      .set({ accreditationStatement: '' })
      .where(eq(organizations.id, organization.id));
    expect(
      textOf((await coordinator.get(`/${organization.code}/sessions/${session.id}/flyer/pdf`)).html),
    ).toContain(
      'The organization’s accreditation statement and credit designation statement are still empty. Ask an admin of the CME office to enter them under Settings.',
    );
    const admin = await seedMember(database.db, organization, {
      email: 'office@riverside.test',
      roles: ['admin'],
    });
    const office = await signedInVisitor(t.app, organization, admin.email, `/${organization.code}/my-ce`);
    const told = await office.get(`/${organization.code}/sessions/${session.id}/flyer/pdf`);
    expect(told.status).toBe(409);
    expect(textOf(told.html)).toContain(
      'The organization’s accreditation statement and credit designation statement are still empty. Enter them under Settings, then generate the flyer.',
    );
  });

  test('learners and faculty get no flyer from here', async () => {
    const learner = await seedMember(database.db, organization, { email: 'ann@riverside.test' });
    const visitor = await signedInVisitor(t.app, organization, learner.email, `/${organization.code}/my-ce`);
    expect((await visitor.get(`/${organization.code}/sessions/${session.id}/flyer/pdf`)).status).toBe(403);
  });
});
