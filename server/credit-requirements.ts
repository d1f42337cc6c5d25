import { and, count, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  claims,
  type CreditRequirement,
  creditRequirements,
  type EvaluationAnswer,
  evaluationResponses,
  type Organization,
  type PostTestQuestion,
  postTests,
  series,
  sessions,
  type Series,
  type Session,
  testAttempts,
} from '../db/schema';
import {
  addDays,
  DAY_MS,
  daysBetween,
  instantAt,
  isLocalDate,
  localDate,
  localTime,
} from '../workflows/calendar';
import type { ClaimCredit } from './claims';
import type { CreditProgress } from '../workflows/credit';

/**
 * What a claim's credit waits for (an evaluation, a post-test) and the learner's answers to them.
 * The credit lifecycle (workflows/credit.ts) fixes the requirements and moves them on; the
 * learner's pages write answers here, and tell the lifecycle to look again.
 */

/** A coordinator's reopening offers the learner this many days, to the end of the last one. */
export const REOPEN_DAYS = 14;
/** The furthest a reopening may set the due date: a reopening is a second chance, not a new year. */
export const REOPEN_MAX_DAYS = 180;

/** The day a reopening offers, 'YYYY-MM-DD' in the session's zone. */
export function defaultReopenDay(zone: string, now: Date): string {
  return addDays(localDate(now, zone), REOPEN_DAYS);
}

/**
 * The due date a coordinator typed for a reopening (empty: the day offered), as the instant the
 * day ends in the session's zone, or what is wrong with it.
 */
export function judgeReopenDay(
  typed: string,
  zone: string,
  now: Date,
): { dueAt: Date } | { problem: string } {
  const today = localDate(now, zone);
  const day = typed.trim() || defaultReopenDay(zone, now);
  if (!isLocalDate(day)) return { problem: 'Enter the date the learner has until, such as 2026-12-31.' };
  if (day <= today) return { problem: 'Choose a day after today.' };
  if (daysBetween(today, day) > REOPEN_MAX_DAYS) {
    return { problem: `Choose a day within ${REOPEN_MAX_DAYS} days of today.` };
  }
  // To its last moment, as a learner reads "due April 24": the instant before the next day
  // begins, which is right on days a change of clocks makes 23 or 25 hours long too.
  return { dueAt: new Date(instantAt(addDays(day, 1), '00:00', zone).getTime() - 1) };
}

/**
 * An attendance recorded a day or more after its session (an exception, a sign-in sheet) still
 * gets this long to evaluate.
 */
export const MIN_DAYS_TO_COMPLETE = 7;

/** When the claim's requirements are due, and whether a certificate follows. */
export function resolveCreditPlan(facts: {
  session: Pick<Session, 'endsAt' | 'timeZone'>;
  series: Pick<Series, 'evaluationDueDays' | 'certificatePolicy'>;
  organization: Pick<Organization, 'evaluationDueDays' | 'certificatesForSessions'>;
  now: Date;
}): { dueAt: Date; certificate: boolean } {
  const days = facts.series.evaluationDueDays ?? facts.organization.evaluationDueDays;
  // Calendar days in the session's zone: due at the hour it ended, across a change of clocks too.
  const zone = facts.session.timeZone;
  const due = instantAt(
    addDays(localDate(facts.session.endsAt, zone), days),
    localTime(facts.session.endsAt, zone),
    zone,
  );
  const late = facts.now.getTime() > facts.session.endsAt.getTime() + DAY_MS;
  const dueAt = late
    ? new Date(Math.max(due.getTime(), facts.now.getTime() + MIN_DAYS_TO_COMPLETE * DAY_MS))
    : due;
  const policy =
    facts.series.certificatePolicy ??
    (facts.organization.certificatesForSessions ? 'certificate' : 'transcript_only');
  return { dueAt, certificate: policy === 'certificate' };
}

/** What is owed, in words for a sentence: "the evaluation", "the evaluation and the post-test". */
export function owedWords(owed: { evaluation: boolean; test: boolean }): string {
  return [owed.evaluation && 'the evaluation', owed.test && 'the post-test'].filter(Boolean).join(' and ');
}

/** What the lifecycle's progress still owes, in words; null: nothing. */
export function requirementsOwed(progress: CreditProgress): string | null {
  const owed = {
    evaluation: progress.evaluation && !progress.evaluationDone,
    test: progress.test && !progress.testPassed,
  };
  return owed.evaluation || owed.test ? owedWords(owed) : null;
}

/** The learner's own requirement for a claim in this organization; null when it is not theirs. */
export async function ownRequirement(
  db: Database,
  organizationId: string,
  accountId: string,
  claimId: string,
): Promise<CreditRequirement | null> {
  const [row] = await db
    .select()
    .from(creditRequirements)
    .where(
      and(
        eq(creditRequirements.claimId, claimId),
        eq(creditRequirements.organizationId, organizationId),
        eq(creditRequirements.accountId, accountId),
      ),
    );
  return row ?? null;
}

/** The learner's own requirement for a claim, with the session it is for; null when it is not theirs. */
export async function ownCreditContext(
  db: Database,
  organizationId: string,
  accountId: string,
  claimId: string,
): Promise<{
  requirement: CreditRequirement;
  session: { id: string; name: string; seriesName: string; startsAt: Date; endsAt: Date; timeZone: string };
} | null> {
  const [row] = await db
    .select({
      requirement: creditRequirements,
      session: {
        id: sessions.id,
        name: sessions.name,
        seriesName: series.name,
        startsAt: sessions.startsAt,
        endsAt: sessions.endsAt,
        timeZone: sessions.timeZone,
      },
    })
    .from(creditRequirements)
    .innerJoin(claims, eq(claims.id, creditRequirements.claimId))
    .innerJoin(sessions, eq(sessions.id, claims.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(
      and(
        eq(creditRequirements.claimId, claimId),
        eq(creditRequirements.organizationId, organizationId),
        eq(creditRequirements.accountId, accountId),
      ),
    );
  return row ?? null;
}

/** Why a learner's answers were not taken, in their words. */
export type SubmissionRefusal = 'not_required' | 'already_done' | 'past_due' | 'no_attempts_left';

export const SUBMISSION_REFUSALS: Record<SubmissionRefusal, string> = {
  not_required: 'This session asks for nothing of the kind.',
  already_done: 'You have already completed this.',
  past_due:
    'This was due earlier and has lapsed, so the credit is not on your record. Ask the CME office to reopen it.',
  no_attempts_left:
    'You have used every attempt at this post-test. Ask the CME office if you should have another.',
};

/** Whether a requirement is past its due date now, even if the lifecycle has not lapsed it yet. */
function pastDue(requirement: CreditRequirement, now: Date): boolean {
  return requirement.lapsedAt !== null || requirement.dueAt.getTime() <= now.getTime();
}

/**
 * Stores a learner's evaluation, once, with the claim's evaluation marked done, in one
 * transaction that holds the requirement's row, so an answer and the due date's lapse never both
 * win. The answers were checked against the requirement's own questions by the caller.
 */
export async function submitEvaluation(
  db: Database,
  requirement: CreditRequirement,
  answers: Record<string, EvaluationAnswer>,
  now: Date,
): Promise<{ refusal: SubmissionRefusal } | { sessionId: string }> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, requirement.claimId))
      .for('update');
    if (!held?.evaluationQuestions) return { refusal: 'not_required' as const };
    if (held.evaluationCompletedAt) return { refusal: 'already_done' as const };
    if (pastDue(held, now)) return { refusal: 'past_due' as const };
    const [claim] = await tx
      .select({ sessionId: claims.sessionId })
      .from(claims)
      .where(eq(claims.id, held.claimId));
    if (!claim) return { refusal: 'not_required' as const };
    await tx.insert(evaluationResponses).values({
      claimId: held.claimId,
      organizationId: held.organizationId,
      sessionId: claim.sessionId,
      accountId: held.accountId,
      formId: held.evaluationFormId,
      answers,
      submittedAt: now,
    });
    await tx
      .update(creditRequirements)
      .set({ evaluationCompletedAt: now })
      .where(eq(creditRequirements.claimId, held.claimId));
    return { sessionId: claim.sessionId };
  });
}

export interface GradedAttempt {
  number: number;
  score: number;
  passed: boolean;
  attemptsLeft: number;
  sessionId: string;
}

/** Percent of questions answered right, rounded down; an unanswered question is wrong. */
export function scoreOf(questions: PostTestQuestion[], answers: Record<string, number>): number {
  if (questions.length === 0) return 0;
  const right = questions.filter((q) => answers[q.id] === q.correct).length;
  return Math.floor((right * 100) / questions.length);
}

/**
 * Scores and stores one attempt at a claim's post-test, numbered after the ones before it, under
 * the requirement's row lock: two submissions at once cannot both take the last attempt.
 */
export async function submitTestAttempt(
  db: Database,
  requirement: CreditRequirement,
  answers: Record<string, number>,
  now: Date,
): Promise<{ refusal: SubmissionRefusal } | GradedAttempt> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select()
      .from(creditRequirements)
      .where(eq(creditRequirements.claimId, requirement.claimId))
      .for('update');
    if (!held?.testQuestions || held.passingScore === null) return { refusal: 'not_required' as const };
    if (held.testPassedAt) return { refusal: 'already_done' as const };
    if (pastDue(held, now)) return { refusal: 'past_due' as const };
    const [used] = await tx
      .select({ n: count() })
      .from(testAttempts)
      .where(eq(testAttempts.claimId, held.claimId));
    const number = (used?.n ?? 0) + 1;
    if (number > held.attemptsAllowed) return { refusal: 'no_attempts_left' as const };
    const [claim] = await tx
      .select({ sessionId: claims.sessionId })
      .from(claims)
      .where(eq(claims.id, held.claimId));
    if (!claim) return { refusal: 'not_required' as const };
    const score = scoreOf(held.testQuestions, answers);
    const passed = score >= held.passingScore;
    await tx.insert(testAttempts).values({
      claimId: held.claimId,
      organizationId: held.organizationId,
      number,
      answers,
      score,
      passed,
      submittedAt: now,
    });
    if (passed) {
      await tx
        .update(creditRequirements)
        .set({ testPassedAt: now })
        .where(eq(creditRequirements.claimId, held.claimId));
    }
    return { number, score, passed, attemptsLeft: held.attemptsAllowed - number, sessionId: claim.sessionId };
  });
}

/** A learner's attempts at a claim's post-test, first to last. */
export function attemptsOf(db: Database, claimId: string) {
  return db.select().from(testAttempts).where(eq(testAttempts.claimId, claimId)).orderBy(testAttempts.number);
}

/**
 * A coordinator reopens a lapsed or failed credit: due again at the chosen time (never earlier
 * than it was), and a post-test whose attempts are all used gets its number of attempts again. The
 * claim's lifecycle is marked for the relay to tell again (lifecycleStartedAt cleared, in the same
 * transaction), which wakes it or, if it has ended, starts it anew. Null when there is nothing to
 * reopen: not the organization's, complete, or neither past due nor out of attempts.
 */
export async function reopenCredit(
  db: Database,
  input: { organizationId: string; claimId: string; byId: string; now: Date; dueAt: Date },
): Promise<CreditRequirement | null> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select()
      .from(creditRequirements)
      .where(
        and(
          eq(creditRequirements.claimId, input.claimId),
          eq(creditRequirements.organizationId, input.organizationId),
        ),
      )
      .for('update');
    if (!held) return null;
    const evaluationOwed = held.evaluationQuestions !== null && held.evaluationCompletedAt === null;
    const testOwed = held.testQuestions !== null && held.testPassedAt === null;
    if (!evaluationOwed && !testOwed) return null;
    const [used] = await tx
      .select({ n: count() })
      .from(testAttempts)
      .where(eq(testAttempts.claimId, held.claimId));
    const attemptsUsed = used?.n ?? 0;
    const failedOut = testOwed && attemptsUsed >= held.attemptsAllowed;
    const pastDue = held.lapsedAt !== null || held.dueAt.getTime() <= input.now.getTime();
    if (!pastDue && !failedOut) return null;
    let attemptsAllowed = held.attemptsAllowed;
    if (failedOut) {
      const [test] = held.postTestId
        ? await tx
            .select({ attemptsAllowed: postTests.attemptsAllowed })
            .from(postTests)
            .where(eq(postTests.id, held.postTestId))
        : [];
      attemptsAllowed = attemptsUsed + Math.max(1, test?.attemptsAllowed ?? 1);
    }
    const dueAt = new Date(Math.max(held.dueAt.getTime(), input.dueAt.getTime()));
    const [reopened] = await tx
      .update(creditRequirements)
      .set({ dueAt, lapsedAt: null, reopenedAt: input.now, reopenedById: input.byId, attemptsAllowed })
      .where(eq(creditRequirements.claimId, held.claimId))
      .returning();
    await tx.update(claims).set({ lifecycleStartedAt: null }).where(eq(claims.id, held.claimId));
    return reopened ?? null;
  });
}

/** Where one claim's credit stands for its learner, as My CE words it. */
export type CreditStanding =
  | { kind: 'being_recorded' }
  | { kind: 'on_record'; certificateId: string | null; transcriptOnly: boolean }
  | {
      kind: 'owed';
      dueAt: Date;
      evaluation: boolean;
      test: boolean;
      attemptsLeft: number;
    }
  | { kind: 'lapsed'; dueAt: Date; evaluation: boolean; test: boolean }
  | { kind: 'test_failed' };

export function creditStanding(row: ClaimCredit, now: Date): CreditStanding {
  const requirement = row.requirement;
  const dueAt = requirement?.dueAt;
  if (row.claim.creditRecordedAt) {
    return {
      kind: 'on_record',
      certificateId: row.certificateId,
      transcriptOnly: requirement !== null && !requirement.certificate,
    };
  }
  if (!requirement || !dueAt) return { kind: 'being_recorded' };
  const evaluation = requirement.evaluation && requirement.evaluationCompletedAt === null;
  const test = requirement.test && requirement.testPassedAt === null;
  if (!evaluation && !test) return { kind: 'being_recorded' };
  if (requirement.lapsedAt || dueAt.getTime() <= now.getTime())
    return { kind: 'lapsed', dueAt, evaluation, test };
  const attemptsLeft = Math.max(0, (requirement.attemptsAllowed ?? 0) - row.attemptsUsed);
  if (test && attemptsLeft === 0) return { kind: 'test_failed' };
  return { kind: 'owed', dueAt, evaluation, test, attemptsLeft };
}
