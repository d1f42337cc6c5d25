import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import {
  type Account,
  auditEvents,
  type Claim,
  claims,
  creditRequirements,
  evaluationForms,
  messages,
  type Organization,
  organizations,
  type Series,
  type Session,
  seriesRoles,
  sessions,
} from '../../db/schema';
import { checkAnswers, ensureStandardEvaluation } from '../../server/evaluation-forms';
import { ownRequirement, submitEvaluation } from '../../server/credit-requirements';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf } from '../support/http';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let t: TestApp;
let organization: Organization;
let grandRounds: Series;
let session: Session;
let coordinator: Account;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { name: 'Riverside Health' });
  const standard = await ensureStandardEvaluation(database.db, organization.id);
  grandRounds = await seedSeries(database.db, organization, {
    evaluationFormId: standard,
    status: 'approved',
  });
  session = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis update',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:00:00Z'),
  });
  coordinator = await seedMember(database.db, organization, { email: 'cora@riverside.test' });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: coordinator.id, role: 'coordinator' });
  t = createTestApp(database, { now: new Date('2026-03-04T14:00:00Z') });
});
afterEach(async () => {
  await database.drop();
});

function lifecycle() {
  return createCreditActivities({
    db: database.db,
    clock: t.clock,
    mailer: t.mailer,
    publicUrl: t.config.publicUrl,
  });
}

async function attendee(email: string): Promise<{ account: Account; claim: Claim }> {
  const account = await seedMember(database.db, organization, { email });
  const claim = await seedClaim(database.db, session, account, {
    claimedAt: new Date('2026-03-03T18:05:00Z'),
  });
  await lifecycle().openCreditRequirements({ claimId: claim.id });
  return { account, claim };
}

async function evaluate(claim: Claim, account: Account, answers: Record<string, string>) {
  const requirement = await ownRequirement(database.db, organization.id, account.id, claim.id);
  const checked = checkAnswers(requirement!.evaluationQuestions!, answers);
  if (!('answers' in checked)) throw new Error(JSON.stringify(checked.errors));
  await submitEvaluation(database.db, requirement!, checked.answers, t.clock.now());
}

describe('evaluation results', () => {
  test('the session’s coordinator sees counts, the average rating and every comment; a learner is refused', async () => {
    const ann = await attendee('ann@riverside.test');
    const bob = await attendee('bob@riverside.test');
    await attendee('cy@riverside.test');
    await evaluate(ann.claim, ann.account, {
      'q-objectives': '5',
      'q-bias': 'Yes',
      'q-practice': 'Yes, I will change my practice',
      'q-comments': 'More on fluids.',
    });
    await evaluate(bob.claim, bob.account, {
      'q-objectives': '4',
      'q-bias': 'No',
      'q-practice': 'No, it confirmed my current practice',
      'q-comments': 'Slides were sponsored.',
    });

    const visitor = await signedInVisitor(
      t.app,
      organization,
      coordinator.email,
      `/${organization.code}/my-ce`,
    );
    const page = await visitor.get(`/${organization.code}/sessions/${session.id}/evaluations`);
    expect(page.status).toBe(200);
    const words = textOf(page.html);
    expect(words).toContain('2 evaluations completed.');
    expect(words).toContain(
      '2 answered; average 4.50 on a scale of 1 (Strongly disagree) to 5 (Strongly agree).',
    );
    expect(words).toContain('Agree150%');
    expect(words).toContain('More on fluids.');
    expect(words).toContain('Slides were sponsored.');
    // Learners are not named on results.
    expect(words).not.toContain('ann@riverside.test');

    const seriesPage = textOf(
      (await visitor.get(`/${organization.code}/series/${grandRounds.id}/evaluations`)).html,
    );
    expect(seriesPage).toContain('2 evaluations completed.');

    const learner = await signedInVisitor(
      t.app,
      organization,
      ann.account.email,
      `/${organization.code}/my-ce`,
    );
    expect((await learner.get(`/${organization.code}/sessions/${session.id}/evaluations`)).status).toBe(403);
    expect((await learner.get(`/${organization.code}/admin/evaluations/csv`)).status).toBe(403);
  });

  test('the CME office exports every answer as CSV, one row per answer', async () => {
    const ann = await attendee('ann@riverside.test');
    await evaluate(ann.claim, ann.account, {
      'q-objectives': '2',
      'q-bias': 'Yes',
      'q-practice': 'No, it did not apply to my practice',
      'q-comments': '=cmd()',
    });
    const reviewer = await seedMember(database.db, organization, {
      email: 'rita@riverside.test',
      roles: ['reviewer'],
    });
    const visitor = await signedInVisitor(t.app, organization, reviewer.email, `/${organization.code}/my-ce`);
    const csv = await visitor.download(`/${organization.code}/admin/evaluations/csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = new TextDecoder().decode(csv.bytes).trim().split('\r\n');
    expect(rows[0]).toBe('"Series","Session","Session date","Response","Submitted","Question","Answer"');
    expect(rows).toContain(
      '"Medicine Grand Rounds","Sepsis update","2026-03-03","1","2026-03-04T14:00:00.000Z","The session met its stated learning objectives.","2 (Disagree)"',
    );
    expect(rows.at(-1)).toContain(`"'=cmd()"`);
  });
});

describe('reopening a lapsed credit', () => {
  test('the coordinator reopens it from Who attended to a day they choose (two weeks offered), the learner mailed, the lifecycle told, audited', async () => {
    const ann = await attendee('ann@riverside.test');
    t.clock.set(new Date('2026-04-03T12:00:00Z'));
    await lifecycle().closeRequirements({ claimId: ann.claim.id, at: t.clock.now().toISOString() });

    const visitor = await signedInVisitor(
      t.app,
      organization,
      coordinator.email,
      `/${organization.code}/sessions/${session.id}/attendance`,
    );
    const attendance = await visitor.get(`/${organization.code}/sessions/${session.id}/attendance`);
    expect(textOf(attendance.html)).toContain(
      'Lapsed: the evaluation was not done by Apr 2, 2026, 1:00 PM EDT',
    );
    // Two weeks are offered, to the end of the day in the session's zone.
    expect(attendance.html).toContain('name="due" type="date" value="2026-04-17"');
    const reopenPath = `/${organization.code}/sessions/${session.id}/credits/${ann.claim.id}/reopen`;

    // A day that is not after today is refused, kept as typed, and nothing is reopened.
    const refused = await visitor.post(reopenPath, { due: '2026-04-03' });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain('Choose a day after today.');
    expect(refused.html).toContain('value="2026-04-03"');
    expect((await visitor.post(reopenPath, { due: '2026-13-40' })).status).toBe(400);
    expect(textOf((await visitor.post(reopenPath, { due: '2027-04-03' })).html)).toContain(
      'Choose a day within 180 days of today.',
    );
    const [untouched] = await database.db
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, ann.claim.id));
    expect(untouched?.lapsedAt).not.toBeNull();
    expect(t.credits.calls).toEqual([]);

    const reopened = await visitor.post(reopenPath, { due: '2026-04-24' });
    expect(reopened.status).toBe(200);
    expect(textOf(reopened.html)).toContain('has until Apr 24, 2026, 11:59 PM EDT and has been emailed.');
    const [requirement] = await database.db
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, ann.claim.id));
    expect(requirement?.lapsedAt).toBeNull();
    expect(requirement?.dueAt).toEqual(new Date('2026-04-25T03:59:59.999Z'));
    // Reopened, it has no form to reopen it again: any day posted is answered by what is so.
    const again = await visitor.post(reopenPath, { due: 'soon' });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain(
      'Nothing to reopen: that credit is not past due or out of attempts.',
    );
    // The lifecycle is told at once, and the claim is marked for the relay should that fail.
    expect(t.credits.calls.map((c) => c.call)).toEqual(['attendanceRecorded']);
    expect(t.credits.calls[0]?.args[0]).toMatchObject({ id: ann.claim.id, accountId: ann.account.id });
    const [marked] = await database.db.select().from(claims).where(eq(claims.id, ann.claim.id));
    expect(marked?.lifecycleStartedAt).toBeNull();
    const [mail] = await database.db.select().from(messages).where(eq(messages.kind, 'credit-reopened'));
    expect(mail?.to).toBe('ann@riverside.test');
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'credit_reopened'));
    expect(audited).toMatchObject({ actorId: coordinator.id, accountId: ann.account.id });

    // A learner cannot reopen their own.
    const learner = await signedInVisitor(
      t.app,
      organization,
      ann.account.email,
      `/${organization.code}/my-ce`,
    );
    expect(
      (await learner.post(`/${organization.code}/sessions/${session.id}/credits/${ann.claim.id}/reopen`))
        .status,
    ).toBe(403);
  });
});

describe('settings', () => {
  test('an admin sets the due days, transcript-only sessions and the signer; a wrong number is refused', async () => {
    const admin = await seedMember(database.db, organization, {
      email: 'ada@riverside.test',
      roles: ['admin'],
    });
    const visitor = await signedInVisitor(
      t.app,
      organization,
      admin.email,
      `/${organization.code}/admin/settings`,
    );
    const form = await visitor.get(`/${organization.code}/admin/settings`);
    const values = Object.fromEntries(
      [...form.html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const refused = await visitor.post(`/${organization.code}/admin/settings`, {
      ...values,
      evaluationDueDays: '0',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'evaluationDueDays')).toBe(
      'Evaluations due: a whole number of days from 1 to 365.',
    );
  });

  test('stored settings shape the next credit: due days and no certificate', async () => {
    await database.db
      .update(organizations)
      .set({ evaluationDueDays: 10, certificatesForSessions: false })
      .where(eq(organizations.id, organization.id));
    const ann = await attendee('ann@riverside.test');
    const [requirement] = await database.db
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, ann.claim.id));
    // Ten days after the session ends, at the hour it ended (1 PM, EDT by then). Recorded on time,
    // it is not given the late attendance's week.
    expect(requirement?.dueAt).toEqual(new Date('2026-03-13T17:00:00Z'));
    expect(requirement?.certificate).toBe(false);
  });

  test('a session that names its own evaluation asks for it instead of the series’', async () => {
    const [own] = await database.db
      .insert(evaluationForms)
      .values({
        organizationId: organization.id,
        name: 'Case conference evaluation',
        questions: [
          {
            id: 'q1',
            prompt: 'Was the case well chosen?',
            kind: 'single',
            required: true,
            choices: ['Yes', 'No'],
          },
        ],
      })
      .returning();
    await database.db.update(sessions).set({ evaluationFormId: own!.id }).where(eq(sessions.id, session.id));
    const ann = await attendee('ann@riverside.test');
    const [requirement] = await database.db
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, ann.claim.id));
    expect(requirement?.evaluationFormId).toBe(own!.id);
    expect(requirement?.evaluationQuestions?.map((q) => q.prompt)).toEqual(['Was the case well chosen?']);
  });
});
