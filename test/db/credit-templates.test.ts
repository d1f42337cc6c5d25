import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { auditEvents, evaluationForms, type Organization, postTests } from '../../db/schema';
import {
  ensureStandardEvaluation,
  formText,
  parseFormText,
  STANDARD_EVALUATION,
} from '../../server/evaluation-forms';
import { parseTestText, testText } from '../../server/post-tests';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf } from '../support/http';
import { seedOrganization } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let t: TestApp;
let organization: Organization;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db);
  await ensureStandardEvaluation(database.db, organization.id);
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

const admin = (rest: string) => `/${organization.code}/admin${rest}`;

test('the editor’s text reads back to the same questions, ids kept', () => {
  expect(parseFormText(formText(STANDARD_EVALUATION.questions), STANDARD_EVALUATION.questions)).toEqual({
    questions: STANDARD_EVALUATION.questions,
  });
  const test = [
    { id: 'q1', prompt: 'First-line vasopressor?', choices: ['Dopamine', 'Norepinephrine'], correct: 1 },
  ];
  expect(parseTestText(testText(test))).toEqual({ questions: test });
  expect(parseFormText('How was it?\nsingle: Good')).toEqual({
    error: 'Question 1: give at least two choices, separated by |.',
  });
  expect(parseTestText('Pick one\n- A\n- B')).toEqual({
    error: 'Question 1: star the right answer (* instead of -).',
  });
});

describe('the CME office keeps evaluations and post-tests', () => {
  test('a reviewer writes a new evaluation; a question it cannot read is named; a learner is refused', async () => {
    const rita = await seedMember(database.db, organization, {
      email: 'rita@example.org',
      roles: ['reviewer'],
    });
    const visitor = await signedInVisitor(t.app, organization, rita.email, admin('/evaluations'));
    expect(textOf((await visitor.get(admin('/evaluations'))).html)).toContain(
      'Standard CME evaluation (the standard CME evaluation)',
    );
    await visitor.get(admin('/evaluations/new'));
    const unread = await visitor.post(admin('/evaluations/new'), {
      name: 'Tumor board evaluation',
      questions: 'Was the case discussion useful?\nsingle: Yes | No\n\nWhat would you change\nsomething',
    });
    expect(unread.status).toBe(400);
    expect(fieldError(unread.html, 'questions')).toBe(
      'Question 2: the second line must start with rating, single, multiple or text.',
    );
    expect(unread.html).toContain('Was the case discussion useful?');
    const saved = await visitor.post(admin('/evaluations/new'), {
      name: 'Tumor board evaluation',
      questions:
        'Was the case discussion useful?\nsingle: Yes | No\n\nWhat would you change? (optional)\ntext',
    });
    expect(saved.status).toBe(303);
    const [form] = await database.db
      .select()
      .from(evaluationForms)
      .where(eq(evaluationForms.name, 'Tumor board evaluation'));
    expect(form?.questions).toEqual([
      {
        id: 'q1',
        prompt: 'Was the case discussion useful?',
        kind: 'single',
        required: true,
        choices: ['Yes', 'No'],
      },
      { id: 'q2', prompt: 'What would you change?', kind: 'text', required: false, choices: [] },
    ]);
    const clash = await visitor.post(admin('/evaluations/new'), {
      name: 'Tumor board evaluation',
      questions: 'Again?\nsingle: Yes | No',
    });
    expect(fieldError(clash.html, 'name')).toBe('Another evaluation has that name.');
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'evaluation_form_saved'));
    expect(audited?.actorId).toBe(rita.id);

    const ann = await seedMember(database.db, organization, { email: 'ann@example.org' });
    const learner = await signedInVisitor(t.app, organization, ann.email, `/${organization.code}/my-ce`);
    expect((await learner.get(admin('/evaluations'))).status).toBe(403);
    expect(
      (await learner.post(admin(`/evaluations/${form!.id}`), { name: 'x', questions: 'y\ntext' })).status,
    ).toBe(403);
  });

  test('a post-test with its passing score and attempts; every problem named at once', async () => {
    const rita = await seedMember(database.db, organization, { email: 'rita@example.org', roles: ['admin'] });
    const visitor = await signedInVisitor(t.app, organization, rita.email, admin('/post-tests/new'));
    const refused = await visitor.post(admin('/post-tests/new'), {
      name: 'Sepsis post-test',
      passingScore: '180',
      attemptsAllowed: '0',
      questions: 'First-line vasopressor?\n- Dopamine\n- Norepinephrine',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'passingScore')).toBe('Passing score: a percent from 1 to 100.');
    expect(fieldError(refused.html, 'attemptsAllowed')).toBe('Attempts: a whole number from 1 to 10.');
    expect(fieldError(refused.html, 'questions')).toBe('Question 1: star the right answer (* instead of -).');
    const saved = await visitor.post(admin('/post-tests/new'), {
      name: 'Sepsis post-test',
      passingScore: '80',
      attemptsAllowed: '2',
      questions: 'First-line vasopressor?\n- Dopamine\n* Norepinephrine',
    });
    expect(saved.status).toBe(303);
    const [test] = await database.db.select().from(postTests);
    expect(test).toMatchObject({ passingScore: 80, attemptsAllowed: 2 });
    expect(test?.questions[0]?.correct).toBe(1);
    const edit = await visitor.get(admin(`/post-tests/${test!.id}`));
    expect(edit.html).toContain('* Norepinephrine');
  });
});
