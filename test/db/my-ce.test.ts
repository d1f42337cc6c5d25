import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import {
  type Account,
  auditEvents,
  certificates,
  type Claim,
  evaluationResponses,
  type Organization,
  postTests,
  type Session,
  series,
} from '../../db/schema';
import { formatSerial } from '../../server/certificates';
import { ensureStandardEvaluation } from '../../server/evaluation-forms';
import { LIMITS } from '../../server/rate-limits';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, Visitor } from '../support/http';
import { pdfText } from '../support/pdf';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let t: TestApp;
let organization: Organization;
let session: Session;
let ann: Account;
let claim: Claim;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { name: 'Riverside Health' });
  const standard = await ensureStandardEvaluation(database.db, organization.id);
  const grandRounds = await seedSeries(database.db, organization, { evaluationFormId: standard });
  session = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis update',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:00:00Z'),
  });
  ann = await seedMember(database.db, organization, {
    email: 'ann@riverside.test',
    firstName: 'Ann',
    lastName: 'Lee',
    degree: 'MD',
  });
  claim = await seedClaim(database.db, session, ann, { claimedAt: new Date('2026-03-03T18:05:00Z') });
  t = createTestApp(database, { now: new Date('2026-03-04T14:00:00Z') });
});
afterEach(async () => {
  await database.drop();
});

/** What the worker does for a claim: the lifecycle's own activities, on the app's clock and mailer. */
function lifecycle() {
  return createCreditActivities({
    db: database.db,
    clock: t.clock,
    mailer: t.mailer,
    publicUrl: t.config.publicUrl,
  });
}

const base = () => `/${organization.code}`;

describe('My CE', () => {
  test('says what to do next when nothing is owed and nothing is certified', async () => {
    const visitor = await signedInVisitor(t.app, organization, ann.email, `${base()}/my-ce`);
    const page = textOf((await visitor.get(`${base()}/my-ce`)).html);
    expect(page).toContain('Nothing to complete.');
    expect(page).toContain('None yet. A certificate appears here once you complete what a session asks for');
  });

  test('an evaluation to complete, due in the session’s zone; answered, it is stored, audited and the lifecycle told', async () => {
    await lifecycle().openCreditRequirements({ claimId: claim.id });
    const visitor = await signedInVisitor(t.app, organization, ann.email, `${base()}/my-ce`);
    const myCe = textOf((await visitor.get(`${base()}/my-ce`)).html);
    // 30 days after the session ended, at the hour it ended there: 1 PM EST, then 1 PM EDT.
    expect(myCe).toContain('Due by Apr 2, 2026, 1:00 PM EDT.');
    expect(myCe).toContain('Complete evaluation for Sepsis update');

    const path = `${base()}/my-ce/evaluations/${claim.id}`;
    const form = await visitor.get(path);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain('The session met its stated learning objectives.');

    // A required answer missing: the form comes back with the answers kept.
    const missing = await visitor.post(path, { 'q-objectives': '4', 'q-comments': 'Great cases.' });
    expect(missing.status).toBe(400);
    expect(fieldError(missing.html, 'q-bias')).toBe('Choose one.');
    expect(missing.html).toContain('Great cases.');
    expect(await database.db.select().from(evaluationResponses)).toEqual([]);

    const done = await visitor.post(path, {
      'q-objectives': '4',
      'q-bias': 'Yes',
      'q-practice': 'No, it confirmed my current practice',
      'q-comments': 'Great cases.',
    });
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain('Thank you: your evaluation is submitted.');
    const [stored] = await database.db.select().from(evaluationResponses);
    expect(stored?.answers).toEqual({
      objectives: 4,
      bias: 'Yes',
      practice: 'No, it confirmed my current practice',
      comments: 'Great cases.',
    });
    expect(t.credits.calls).toContainEqual({ call: 'requirementsChanged', args: [session.id, ann.id] });
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'evaluation_submitted'));
    expect(audited).toMatchObject({ actorId: ann.id, sessionId: session.id });
    // Once is enough: a second submission is refused and changes nothing.
    const again = await visitor.post(path, {
      'q-objectives': '1',
      'q-bias': 'No',
      'q-practice': 'Yes, I will change my practice',
    });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain('You have already completed this.');
  });

  test('another learner cannot open, answer or download what is Ann’s', async () => {
    await lifecycle().openCreditRequirements({ claimId: claim.id });
    const bob = await seedMember(database.db, organization, { email: 'bob@riverside.test' });
    const visitor = await signedInVisitor(t.app, organization, bob.email, `${base()}/my-ce`);
    expect((await visitor.get(`${base()}/my-ce/evaluations/${claim.id}`)).status).toBe(404);
    const answer = await visitor.post(`${base()}/my-ce/evaluations/${claim.id}`, {
      'q-objectives': '1',
      'q-bias': 'No',
      'q-practice': 'Yes, I will change my practice',
    });
    expect(answer.status).toBe(404);
    expect(await database.db.select().from(evaluationResponses)).toEqual([]);
    await database.db.update(series).set({ evaluationFormId: null });
    const other = await seedClaim(database.db, session, await seedMember(database.db, organization), {
      claimedAt: new Date('2026-03-03T18:05:00Z'),
    });
    await lifecycle().openCreditRequirements({ claimId: other.id });
    await lifecycle().issueCertificate({ claimId: other.id });
    const [certificate] = await database.db.select().from(certificates);
    expect((await visitor.download(`${base()}/my-ce/certificates/${certificate!.id}`)).status).toBe(404);
  });

  test('a past-due evaluation is refused with what to do, and My CE says the credit lapsed', async () => {
    await lifecycle().openCreditRequirements({ claimId: claim.id });
    t.clock.set(new Date('2026-04-03T12:00:00Z'));
    await lifecycle().closeRequirements({ claimId: claim.id, at: t.clock.now().toISOString() });
    const visitor = await signedInVisitor(t.app, organization, ann.email, `${base()}/my-ce`);
    const myCe = textOf((await visitor.get(`${base()}/my-ce`)).html);
    expect(myCe).toContain('was not completed, so this credit is not on your record');
    const form = textOf((await visitor.get(`${base()}/my-ce/evaluations/${claim.id}`)).html);
    expect(form).toContain('Ask the CME office to reopen it.');
  });

  test('a post-test: a wrong answer scores and says how many attempts are left; the right ones pass', async () => {
    const [postTest] = await database.db
      .insert(postTests)
      .values({
        organizationId: organization.id,
        name: 'Sepsis post-test',
        passingScore: 100,
        attemptsAllowed: 3,
        questions: [
          {
            id: 'q1',
            prompt: 'First-line vasopressor?',
            choices: ['Dopamine', 'Norepinephrine'],
            correct: 1,
          },
        ],
      })
      .returning();
    await database.db.update(series).set({ evaluationFormId: null, postTestId: postTest!.id });
    await lifecycle().openCreditRequirements({ claimId: claim.id });
    const visitor = await signedInVisitor(t.app, organization, ann.email, `${base()}/my-ce`);
    const path = `${base()}/my-ce/tests/${claim.id}`;
    const form = await visitor.get(path);
    // The answer key never reaches the learner's page.
    expect(form.html).not.toContain('correct');
    expect((await visitor.post(path, {})).status).toBe(400);
    const failed = await visitor.follow(await visitor.post(path, { 'q-q1': '0' }));
    expect(textOf(failed.html)).toContain('You scored 0%; 100% passes. You have 2 attempts left.');
    const passed = await visitor.follow(await visitor.post(path, { 'q-q1': '1' }));
    expect(textOf(passed.html)).toContain('Test Complete: you passed with 100%.');
    const myCe = textOf((await visitor.get(`${base()}/my-ce`)).html);
    expect(myCe).toContain('Test Complete: passed with 100%.');
  });
});

describe('certificates', () => {
  test('downloaded by their learner as the stored PDF; verified by anyone, forged numbers refused', async () => {
    await database.db.update(series).set({ evaluationFormId: null });
    await lifecycle().openCreditRequirements({ claimId: claim.id });
    await lifecycle().recordCredit({ claimId: claim.id });
    const issued = await lifecycle().issueCertificate({ claimId: claim.id });
    const [certificate] = await database.db
      .select()
      .from(certificates)
      .where(and(eq(certificates.claimId, claim.id)));
    expect(certificate?.serial).toBe(issued?.serial);

    const visitor = await signedInVisitor(t.app, organization, ann.email, `${base()}/my-ce`);
    const myCe = textOf((await visitor.get(`${base()}/my-ce`)).html);
    expect(myCe).toContain('Download certificate for Sepsis update');
    const download = await visitor.download(`${base()}/my-ce/certificates/${certificate!.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain('certificate-sepsis-update-');
    expect(Buffer.from(download.bytes).equals(certificate!.pdf)).toBe(true);
    expect(await pdfText(download.bytes)).toContain('Ann Lee, MD');

    const stranger = new Visitor(t.app, '198.51.100.7');
    const serial = formatSerial(certificate!.serial);
    const genuine = await stranger.get(`/verify/${serial}`);
    expect(genuine.status).toBe(200);
    const words = textOf(genuine.html);
    expect(words).toContain(`Genuine. Certificate ${serial} was issued by Riverside Health`);
    expect(words).toContain('Ann Lee, MD');
    expect(words).toContain('Sepsis update');
    expect(words).toContain('1.00 AMA PRA Category 1 Credit™');
    expect(words).not.toContain(ann.email);
    // Typed in lower case with spaces, as people do.
    expect(
      (await stranger.get(`/verify?serial=${encodeURIComponent(serial.toLowerCase().replaceAll('-', ' '))}`))
        .status,
    ).toBe(200);

    // One character changed: not a certificate this office issued.
    const forged = `${serial.slice(0, -1)}${serial.endsWith('0') ? '1' : '0'}`;
    const refused = await stranger.get(`/verify/${forged}`);
    expect(refused.status).toBe(404);
    expect(textOf(refused.html)).toContain(`No certificate has the number ${forged}.`);
    expect(textOf(refused.html)).not.toContain('Ann Lee');
    const malformed = await stranger.get('/verify/not-a-serial');
    expect(malformed.status).toBe(400);
  });

  test('verification is rate limited per address', async () => {
    const sweeper = new Visitor(t.app, '198.51.100.99');
    for (let i = 0; i < LIMITS['verify-certificate'].points; i++) {
      expect((await sweeper.get('/verify/0000-0000-0000')).status).toBe(404);
    }
    const stopped = await sweeper.get('/verify/0000-0000-0001');
    expect(stopped.status).toBe(429);
    expect(stopped.headers.get('retry-after')).not.toBeNull();
    // Another address is not held up.
    expect((await new Visitor(t.app, '198.51.100.100').get('/verify/0000-0000-0001')).status).toBe(404);
  });
});
