import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { EvaluationPage, PostTestPage, TestResultsPage } from '../../views/evaluation-pages';
import { MyCePage } from '../../views/my-ce-page';
import { allow, signedIn } from '../access';
import { audit } from '../audit';
import { certificateFileName, ownCertificate } from '../certificates';
import { claimsOf } from '../claims';
import { exceptionsOfLearner } from '../claim-exceptions';
import type { AppEnv } from '../context';
import {
  attemptsOf,
  ownCreditContext,
  SUBMISSION_REFUSALS,
  submitEvaluation,
  submitTestAttempt,
} from '../credit-requirements';
import { checkAnswers } from '../evaluation-forms';
import { learnerName } from '../transcripts';
import { type FieldErrors, type FormValues, validForm, validParams } from '../forms';
import { chrome, viewerOf } from '../page';
import { attachmentDisposition } from '../presentation-types';
import { renderError } from '../respond';

/**
 * My CE, the learner's own place: what is left to complete (evaluations, post-tests), certificates
 * to download, test results, and every attendance on record. Every claim, requirement and
 * certificate is looked up within the organization and for the signed-in learner alone.
 */
export const myCeRoutes = new Hono<AppEnv>();

async function myCePage(c: Context<AppEnv>, said?: string) {
  const organization = c.get('organization');
  const viewer = viewerOf(c);
  const { db, clock } = c.get('deps');
  const claims = await claimsOf(db, organization.id, viewer.account.id);
  const exceptions = await exceptionsOfLearner(db, organization.id, viewer.account.id);
  return c.html(
    <MyCePage
      {...chrome(c)}
      organization={organization}
      claims={claims}
      exceptions={exceptions}
      now={clock.now()}
      said={said}
    />,
  );
}

myCeRoutes.get('/my-ce', allow(signedIn), (c) => myCePage(c));

const claimParam = validParams(z.object({ claimId: z.uuid() }));

/** The signed-in learner's requirement for the claim in the path, or null (not theirs, or none). */
function ownContext(c: Context<AppEnv>, claimId: string) {
  const { db } = c.get('deps');
  return ownCreditContext(db, c.get('organization').id, viewerOf(c).account.id, claimId);
}

/** Tells the learner's credit lifecycle to look again; what it reads is already committed. */
async function tellLifecycle(c: Context<AppEnv>, sessionId: string) {
  const deps = c.get('deps');
  try {
    await deps.credits.requirementsChanged(sessionId, viewerOf(c).account.id);
  } catch (error) {
    // The answers are stored: the lifecycle finds them at its next reminder or the due date.
    deps.log.warn('the credit lifecycle was not told of new answers; it will find them later', error);
  }
}

/** Whatever the browser sent, each field as a string or a list of strings: the questions judge it. */
const answersForm = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

async function evaluationPage(
  c: Context<AppEnv>,
  claimId: string,
  form: { values: FormValues; errors: FieldErrors },
  status: 200 | 400 | 409 = 200,
) {
  const context = await ownContext(c, claimId);
  const questions = context?.requirement.evaluationQuestions;
  if (!context || !questions) return renderError(c, 'not_found');
  const { requirement, session } = context;
  const now = c.get('deps').clock.now();
  const refusal = requirement.evaluationCompletedAt
    ? SUBMISSION_REFUSALS.already_done
    : requirement.lapsedAt || requirement.dueAt <= now
      ? SUBMISSION_REFUSALS.past_due
      : undefined;
  return c.html(
    <EvaluationPage
      {...chrome(c)}
      session={session}
      questions={questions}
      dueAt={requirement.dueAt}
      action={`/${c.get('organization').code}/my-ce/evaluations/${claimId}`}
      values={form.values}
      errors={form.errors}
      refusal={refusal}
    />,
    status,
  );
}

myCeRoutes.get('/my-ce/evaluations/:claimId', allow(signedIn), claimParam, (c) =>
  evaluationPage(c, c.req.valid('param').claimId, { values: {}, errors: {} }),
);

myCeRoutes.post(
  '/my-ce/evaluations/:claimId',
  allow(signedIn),
  claimParam,
  validForm(answersForm, (c, rejected) => evaluationPage(c, c.req.param('claimId') ?? '', rejected, 400)),
  async (c) => {
    const { claimId } = c.req.valid('param');
    const deps = c.get('deps');
    const context = await ownContext(c, claimId);
    if (!context?.requirement.evaluationQuestions) return renderError(c, 'not_found');
    const submitted = c.req.valid('form');
    const checked = checkAnswers(context.requirement.evaluationQuestions, submitted);
    if ('errors' in checked)
      return evaluationPage(c, claimId, { values: submitted, errors: checked.errors }, 400);
    const outcome = await submitEvaluation(deps.db, context.requirement, checked.answers, deps.clock.now());
    if ('refusal' in outcome) {
      return evaluationPage(
        c,
        claimId,
        { values: submitted, errors: { form: SUBMISSION_REFUSALS[outcome.refusal] } },
        409,
      );
    }
    await audit(c, 'evaluation_submitted', {
      accountId: viewerOf(c).account.id,
      sessionId: outcome.sessionId,
      detail: { claimId },
    });
    await tellLifecycle(c, outcome.sessionId);
    const next =
      context.requirement.testQuestions && !context.requirement.testPassedAt
        ? 'Thank you: your evaluation is submitted. Take the post-test for your credit.'
        : context.requirement.certificate
          ? 'Thank you: your evaluation is submitted. Your credit is being recorded, and your certificate will be here and in your email in a moment.'
          : 'Thank you: your evaluation is submitted. Your credit is being recorded on your transcript.';
    return myCePage(c, next);
  },
);

async function testPage(
  c: Context<AppEnv>,
  claimId: string,
  form: { values: FormValues; errors: FieldErrors },
  status: 200 | 400 | 409 = 200,
) {
  const context = await ownContext(c, claimId);
  const { requirement } = context ?? {};
  if (!context || !requirement?.testQuestions || requirement.passingScore === null) {
    return renderError(c, 'not_found');
  }
  const now = c.get('deps').clock.now();
  const attempts = await attemptsOf(c.get('deps').db, claimId);
  const attemptsLeft = Math.max(0, requirement.attemptsAllowed - attempts.length);
  const refusal = requirement.testPassedAt
    ? SUBMISSION_REFUSALS.already_done
    : requirement.lapsedAt || requirement.dueAt <= now
      ? SUBMISSION_REFUSALS.past_due
      : attemptsLeft === 0
        ? SUBMISSION_REFUSALS.no_attempts_left
        : undefined;
  return c.html(
    <PostTestPage
      {...chrome(c)}
      session={context.session}
      questions={requirement.testQuestions}
      passingScore={requirement.passingScore}
      attemptsLeft={attemptsLeft}
      dueAt={requirement.dueAt}
      action={`/${c.get('organization').code}/my-ce/tests/${claimId}`}
      values={form.values}
      errors={form.errors}
      refusal={refusal}
    />,
    status,
  );
}

myCeRoutes.get('/my-ce/tests/:claimId', allow(signedIn), claimParam, (c) =>
  testPage(c, c.req.valid('param').claimId, { values: {}, errors: {} }),
);

myCeRoutes.post(
  '/my-ce/tests/:claimId',
  allow(signedIn),
  claimParam,
  validForm(answersForm, (c, rejected) => testPage(c, c.req.param('claimId') ?? '', rejected, 400)),
  async (c) => {
    const { claimId } = c.req.valid('param');
    const deps = c.get('deps');
    const context = await ownContext(c, claimId);
    const questions = context?.requirement.testQuestions;
    if (!context || !questions) return renderError(c, 'not_found');
    const submitted = c.req.valid('form');
    const answers: Record<string, number> = {};
    const errors: Record<string, string> = {};
    for (const question of questions) {
      const raw = submitted[`q-${question.id}`];
      const value = Array.isArray(raw) ? raw.at(-1) : raw;
      const choice = value === undefined || value === '' ? Number.NaN : Number(value);
      if (!Number.isInteger(choice) || choice < 0 || choice >= question.choices.length) {
        errors[`q-${question.id}`] = 'Choose an answer.';
      } else {
        answers[question.id] = choice;
      }
    }
    if (Object.keys(errors).length > 0) return testPage(c, claimId, { values: submitted, errors }, 400);
    const outcome = await submitTestAttempt(deps.db, context.requirement, answers, deps.clock.now());
    if ('refusal' in outcome) {
      return testPage(
        c,
        claimId,
        { values: submitted, errors: { form: SUBMISSION_REFUSALS[outcome.refusal] } },
        409,
      );
    }
    await audit(c, 'test_attempted', {
      accountId: viewerOf(c).account.id,
      sessionId: outcome.sessionId,
      detail: { claimId, attempt: outcome.number, score: outcome.score, passed: outcome.passed },
    });
    await tellLifecycle(c, outcome.sessionId);
    return c.redirect(`/${c.get('organization').code}/my-ce/tests/${claimId}/results`, 303);
  },
);

myCeRoutes.get('/my-ce/tests/:claimId/results', allow(signedIn), claimParam, async (c) => {
  const { claimId } = c.req.valid('param');
  const context = await ownContext(c, claimId);
  const { requirement } = context ?? {};
  if (!context || !requirement?.testQuestions || requirement.passingScore === null) {
    return renderError(c, 'not_found');
  }
  const attempts = await attemptsOf(c.get('deps').db, claimId);
  const { account } = viewerOf(c);
  return c.html(
    <TestResultsPage
      {...chrome(c)}
      session={context.session}
      learnerName={learnerName(account)}
      questions={requirement.testQuestions}
      passingScore={requirement.passingScore}
      attempts={attempts}
      attemptsLeft={Math.max(0, requirement.attemptsAllowed - attempts.length)}
      testUrl={`/${c.get('organization').code}/my-ce/tests/${claimId}`}
    />,
  );
});

/** The learner's certificate, the same PDF every time. */
myCeRoutes.get(
  '/my-ce/certificates/:certificateId',
  allow(signedIn),
  validParams(z.object({ certificateId: z.uuid() })),
  async (c) => {
    const { db } = c.get('deps');
    const certificate = await ownCertificate(
      db,
      c.get('organization').id,
      viewerOf(c).account.id,
      c.req.valid('param').certificateId,
    );
    if (!certificate) return renderError(c, 'not_found');
    return c.body(new Uint8Array(certificate.pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': attachmentDisposition(certificateFileName(certificate)),
      'Cache-Control': 'private, no-store',
    });
  },
);
