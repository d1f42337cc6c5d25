import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import {
  type Account,
  certificates,
  claims,
  creditRequirements,
  evaluationResponses,
  messages,
  type Organization,
  organizations,
  postTests,
  type Series,
  type Session,
  series,
} from '../../db/schema';
import type { Clock } from '../../server/clock';
import { createLog } from '../../server/log';
import { loadConfig } from '../../server/config';
import { createMailer } from '../../server/mail';
import { checkAnswers, ensureStandardEvaluation, STANDARD_EVALUATION } from '../../server/evaluation-forms';
import {
  ownRequirement,
  reopenCredit,
  submitEvaluation,
  submitTestAttempt,
} from '../../server/credit-requirements';
import { verificationUrl } from '../../server/certificates';
import { createTexter } from '../../server/texting';
import {
  attendanceRecordedSignal,
  type CreditInput,
  type CreditState,
  creditWorkflowId,
  getStateQuery,
  requirementsChangedSignal,
} from '../../workflows/credit';
import { addDays, localDate, localTime } from '../../workflows/calendar';
import { seedMember } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { pdfText } from '../support/pdf';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../support/temporal';

const DAY = 86_400_000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let database: TestDatabase;
let organization: Organization;
let grandRounds: Series;
let session: Session;
let ann: Account;

beforeAll(async () => {
  env = await createTimeSkippingEnvironment();
  bundle = await bundleWorkflows();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, {
    name: 'Riverside Health',
    accreditationStatement:
      'Riverside Health is accredited by the Accreditation Council for Continuing Medical Education (ACCME) to provide continuing medical education for physicians.',
    creditDesignationStatement:
      'Riverside Health designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™.',
    certificateSigner: 'Jane Roe, MD, Director of CME',
  });
  const standard = await ensureStandardEvaluation(database.db, organization.id);
  grandRounds = await seedSeries(database.db, organization, { evaluationFormId: standard });
  ann = await seedMember(database.db, organization, {
    email: 'ann@riverside.test',
    firstName: 'Ann',
    lastName: 'Lee',
    degree: 'MD',
  });
});
afterEach(async () => {
  await database.drop();
});

/**
 * The real activities over the test database, on the time-skipping server: their clock is the
 * server's (the time an activity was scheduled), so a month of waiting passes in a second.
 */
async function withLifecycle(run: (life: Lifecycle) => Promise<void>) {
  const serverClock: Clock = {
    now: () => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
  };
  const config = loadConfig({ NODE_ENV: 'test' });
  const mailer = createMailer({ config, db: database.db, clock: serverClock });
  const activities = createCreditActivities({
    db: database.db,
    clock: serverClock,
    mailer,
    publicUrl: config.publicUrl,
    texter: createTexter({ db: database.db, clock: serverClock, log: createLog('error') }),
  });
  const taskQueue = `credit-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  await worker.runUntil(() => run(new Lifecycle(taskQueue, config.publicUrl)));
}

class Lifecycle {
  claimId = '';
  constructor(
    readonly taskQueue: string,
    readonly publicUrl: string,
  ) {}

  get handle() {
    return env.client.workflow.getHandle(creditWorkflowId(session.id, ann.id));
  }

  async attend(at: Date) {
    const claim = await seedClaim(database.db, session, ann, { claimedAt: at });
    this.claimId = claim.id;
    const input: CreditInput = { organizationId: organization.id, sessionId: session.id, accountId: ann.id };
    await env.client.workflow.signalWithStart('credit', {
      taskQueue: this.taskQueue,
      workflowId: creditWorkflowId(session.id, ann.id),
      args: [input],
      signal: attendanceRecordedSignal,
      signalArgs: [{ claimId: claim.id }],
    });
    await this.until((state) => state.phase !== 'waiting_for_attendance');
  }

  /** What the relay does for a claim whose lifecycle must be told again: signal-with-start. */
  async tellAgain() {
    const input: CreditInput = { organizationId: organization.id, sessionId: session.id, accountId: ann.id };
    await env.client.workflow.signalWithStart('credit', {
      taskQueue: this.taskQueue,
      workflowId: creditWorkflowId(session.id, ann.id),
      args: [input],
      signal: attendanceRecordedSignal,
      signalArgs: [{ claimId: this.claimId }],
    });
  }

  async now() {
    return new Date(await env.currentTimeMs());
  }

  /** Waits (in real time: the server does not skip while the test polls) for the state to come. */
  async until(ready: (state: CreditState) => boolean): Promise<CreditState> {
    for (let i = 0; i < 200; i++) {
      const state = await this.handle.query(getStateQuery);
      if (ready(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `the lifecycle never got there: ${JSON.stringify(await this.handle.query(getStateQuery))}`,
    );
  }

  async evaluate() {
    const requirement = await ownRequirement(database.db, organization.id, ann.id, this.claimId);
    const checked = checkAnswers(requirement!.evaluationQuestions!, {
      'q-objectives': '5',
      'q-bias': 'Yes',
      'q-practice': 'Yes, I will change my practice',
      'q-comments': 'More on fluids, please.',
    });
    if (!('answers' in checked)) throw new Error(JSON.stringify(checked.errors));
    const outcome = await submitEvaluation(database.db, requirement!, checked.answers, await this.now());
    await this.handle.signal(requirementsChangedSignal);
    return outcome;
  }

  async mailKinds() {
    const rows = await database.db
      .select({ kind: messages.kind, subject: messages.subject, createdAt: messages.createdAt })
      .from(messages)
      .where(eq(messages.to, ann.email))
      .orderBy(messages.createdAt);
    return rows;
  }
}

describe('the learner’s credit lifecycle, on the time-skipping server', () => {
  beforeEach(async () => {
    session = await seedApprovedSession(database.db, grandRounds, {
      name: 'Sepsis update',
      startsAt: new Date(Date.now() - 2 * 3_600_000),
      endsAt: new Date(Date.now() - 3_600_000),
    });
  });

  test('an evaluation done on time: credit on record, certificate issued and mailed, no reminders', async () => {
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      const due = await life.until((s) => s.phase === 'requirements_due');
      // Due 30 days after the session ends (the organization's default), at the hour it ended there.
      const zone = session.timeZone;
      expect(localDate(new Date(due.dueAt!), zone)).toBe(addDays(localDate(session.endsAt, zone), 30));
      expect(localTime(new Date(due.dueAt!), zone)).toBe(localTime(session.endsAt, zone));
      await env.sleep(3 * DAY);
      expect(await life.evaluate()).toEqual({ sessionId: session.id });
      const done = await life.until((s) => s.phase === 'certified');
      const [claim] = await database.db.select().from(claims).where(eq(claims.id, life.claimId));
      expect(claim?.creditRecordedAt).not.toBeNull();
      const [certificate] = await database.db
        .select()
        .from(certificates)
        .where(eq(certificates.claimId, life.claimId));
      expect(certificate?.serial).toBe(done.certificateSerial);
      const text = await pdfText(certificate!.pdf);
      for (const words of [
        'Riverside Health',
        'Certificate of Credit',
        'Ann Lee, MD',
        'Sepsis update',
        'Medicine Grand Rounds',
        'and is awarded 1.00 AMA PRA Category 1 Credit™.',
        'designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™',
        'accredited by the Accreditation Council',
        'Jane Roe, MD, Director of CME',
        verificationUrl(life.publicUrl, certificate!.serial),
      ]) {
        expect(text).toContain(words);
      }
      const mail = (await life.mailKinds()).map((m) => m.kind);
      expect(mail).toEqual(['credit-opened', 'certificate']);
      const [answers] = await database.db
        .select()
        .from(evaluationResponses)
        .where(eq(evaluationResponses.claimId, life.claimId));
      expect(answers?.answers).toEqual({
        objectives: 5,
        bias: 'Yes',
        practice: 'Yes, I will change my practice',
        comments: 'More on fluids, please.',
      });
    });
  });

  test('never evaluated: reminded a week and a day before, lapsed at the due date; reopened, then done late', async () => {
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      await life.until((s) => s.phase === 'requirements_due');
      await env.sleep(31 * DAY);
      const lapsed = await life.until((s) => s.phase === 'lapsed');
      expect(lapsed.remindersSent).toBe(2);
      const mail = await life.mailKinds();
      expect(mail.map((m) => m.kind)).toEqual([
        'credit-opened',
        'credit-reminder',
        'credit-reminder',
        'credit-lapsed',
      ]);
      const [requirement] = await database.db
        .select()
        .from(creditRequirements)
        .where(eq(creditRequirements.claimId, life.claimId));
      const dueAt = requirement!.dueAt.getTime();
      expect(mail.slice(1).map((m) => Math.round((dueAt - m.createdAt.getTime()) / DAY) || 0)).toEqual([
        7, 1, 0,
      ]);
      const [claim] = await database.db.select().from(claims).where(eq(claims.id, life.claimId));
      expect(claim?.creditRecordedAt).toBeNull();
      // Past due, the answers are refused with the reason.
      expect(await life.evaluate()).toEqual({ refusal: 'past_due' });

      const coordinator = await seedMember(database.db, organization);
      const now = await life.now();
      const reopened = await reopenCredit(database.db, {
        organizationId: organization.id,
        claimId: life.claimId,
        byId: coordinator.id,
        now,
        dueAt: new Date(now.getTime() + 14 * DAY),
      });
      expect(reopened?.lapsedAt).toBeNull();
      expect(reopened?.dueAt).toEqual(new Date(now.getTime() + 14 * DAY));
      // As the reopening route (and, failing that, the relay) tells it: the attendance again.
      await life.tellAgain();
      await life.until((s) => s.phase === 'requirements_due');
      await env.sleep(2 * DAY);
      expect(await life.evaluate()).toEqual({ sessionId: session.id });
      await life.until((s) => s.phase === 'certified');
    });
  });

  test('a lapsed credit’s lifecycle ends after 30 days unreopened; a reopening starts it again', async () => {
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      await life.until((s) => s.phase === 'requirements_due');
      await env.sleep(62 * DAY);
      expect(await life.handle.result()).toMatchObject({ phase: 'lapsed' });
      const now = await life.now();
      await reopenCredit(database.db, {
        organizationId: organization.id,
        claimId: life.claimId,
        byId: ann.id,
        now,
        dueAt: new Date(now.getTime() + 14 * DAY),
      });
      await life.tellAgain();
      await life.until((s) => s.phase === 'requirements_due');
      expect(await life.evaluate()).toEqual({ sessionId: session.id });
      await life.until((s) => s.phase === 'certified');
      // Reopened with nothing lapsed or failed, nothing happens.
      expect(
        await reopenCredit(database.db, {
          organizationId: organization.id,
          claimId: life.claimId,
          byId: ann.id,
          now,
          dueAt: new Date(now.getTime() + 14 * DAY),
        }),
      ).toBeNull();
    });
  });

  test('a post-test failed, then passed on the second attempt; a third is refused', async () => {
    const [test] = await database.db
      .insert(postTests)
      .values({
        organizationId: organization.id,
        name: 'Sepsis post-test',
        passingScore: 80,
        attemptsAllowed: 2,
        questions: [
          {
            id: 'q1',
            prompt: 'First-line vasopressor?',
            choices: ['Dopamine', 'Norepinephrine'],
            correct: 1,
          },
          {
            id: 'q2',
            prompt: 'Lactate to repeat when above?',
            choices: ['2 mmol/L', '6 mmol/L'],
            correct: 0,
          },
        ],
      })
      .returning();
    await database.db.update(series).set({ evaluationFormId: null, postTestId: test!.id });
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      await life.until((s) => s.phase === 'requirements_due');
      const requirement = await ownRequirement(database.db, organization.id, ann.id, life.claimId);
      const first = await submitTestAttempt(database.db, requirement!, { q1: 1, q2: 1 }, await life.now());
      expect(first).toMatchObject({ number: 1, score: 50, passed: false, attemptsLeft: 1 });
      await life.handle.signal(requirementsChangedSignal);
      await env.sleep(DAY);
      expect((await life.handle.query(getStateQuery)).phase).toBe('requirements_due');
      const second = await submitTestAttempt(database.db, requirement!, { q1: 1, q2: 0 }, await life.now());
      expect(second).toMatchObject({ number: 2, score: 100, passed: true, attemptsLeft: 0 });
      await life.handle.signal(requirementsChangedSignal);
      await life.until((s) => s.phase === 'certified');
      expect(await submitTestAttempt(database.db, requirement!, { q1: 1, q2: 0 }, await life.now())).toEqual({
        refusal: 'already_done',
      });
    });
  });

  test('every attempt failed: the credit waits for a coordinator, who grants the attempts again', async () => {
    const [test] = await database.db
      .insert(postTests)
      .values({
        organizationId: organization.id,
        name: 'One-question test',
        passingScore: 100,
        attemptsAllowed: 1,
        questions: [{ id: 'q1', prompt: 'Yes?', choices: ['No', 'Yes'], correct: 1 }],
      })
      .returning();
    await database.db.update(series).set({ postTestId: test!.id });
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      await life.until((s) => s.phase === 'requirements_due');
      const requirement = await ownRequirement(database.db, organization.id, ann.id, life.claimId);
      await submitTestAttempt(database.db, requirement!, { q1: 0 }, await life.now());
      await life.handle.signal(requirementsChangedSignal);
      await life.until((s) => s.phase === 'test_failed');
      expect(await submitTestAttempt(database.db, requirement!, { q1: 1 }, await life.now())).toEqual({
        refusal: 'no_attempts_left',
      });
      const now = await life.now();
      await reopenCredit(database.db, {
        organizationId: organization.id,
        claimId: life.claimId,
        byId: ann.id,
        now,
        dueAt: new Date(now.getTime() + 14 * DAY),
      });
      await life.handle.signal(requirementsChangedSignal);
      await life.until((s) => s.phase === 'requirements_due');
      expect(await submitTestAttempt(database.db, requirement!, { q1: 1 }, await life.now())).toMatchObject({
        number: 2,
        passed: true,
      });
      expect(await life.evaluate()).toEqual({ sessionId: session.id });
      await life.handle.signal(requirementsChangedSignal);
      await life.until((s) => s.phase === 'certified');
    });
  });

  test('an organization that gives no certificates for single sessions: the credit goes on record alone', async () => {
    await database.db.update(series).set({ evaluationFormId: null });
    await database.db
      .update(organizations)
      .set({ certificatesForSessions: false })
      .where(eq(organizations.id, organization.id));
    await withLifecycle(async (life) => {
      await life.attend(new Date());
      const state = await life.until((s) => s.phase === 'credited');
      expect(state.creditedAt).not.toBeNull();
      expect(await database.db.select().from(certificates)).toEqual([]);
      const [requirement] = await database.db
        .select()
        .from(creditRequirements)
        .where(and(eq(creditRequirements.claimId, life.claimId)));
      expect(requirement?.certificate).toBe(false);
      expect((await life.mailKinds()).map((m) => m.kind)).toEqual([]);
    });
  });
});

test('the standard evaluation refuses an answer it did not offer and a missing required one', () => {
  const checked = checkAnswers(STANDARD_EVALUATION.questions, {
    'q-objectives': '9',
    'q-bias': 'Maybe',
  });
  expect(checked).toEqual({
    errors: {
      'q-objectives': 'Choose one of the points on the scale.',
      'q-bias': 'Choose one of the answers shown.',
      'q-practice': 'Choose one.',
    },
  });
});
