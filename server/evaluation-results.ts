import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { csvText } from './csv';
import {
  accounts,
  creditRequirements,
  type EvaluationAnswer,
  type EvaluationQuestion,
  evaluationResponses,
  series,
  sessions,
} from '../db/schema';
import { localDate } from '../workflows/calendar';

/**
 * What learners said in their evaluations, for the people who run the sessions: per question the
 * count of each answer (and a rating's average), and the free-text comments, for one session or a
 * whole series. Answers are read against the questions each learner was given (their claim's
 * requirement), so a template edited between sessions still adds up question by question.
 */
export interface QuestionResult {
  prompt: string;
  kind: EvaluationQuestion['kind'];
  answered: number;
  /** Each choice or scale point with how many chose it, in the question's order. */
  counts: { label: string; n: number }[];
  /** A rating's mean point (1 = its first label), to two decimals; null for other kinds. */
  average: string | null;
  /** Free text as written, newest last. */
  comments: string[];
}

export interface EvaluationResults {
  responses: number;
  questions: QuestionResult[];
}

interface ResponseRow {
  sessionId: string;
  sessionName: string;
  sessionStartsAt: Date;
  timeZone: string;
  submittedAt: Date;
  answers: Record<string, EvaluationAnswer>;
  questions: EvaluationQuestion[] | null;
}

/** The responses for these sessions of the organization, oldest first. */
async function responsesFor(
  db: Database,
  organizationId: string,
  sessionIds: string[],
): Promise<ResponseRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .select({
      sessionId: evaluationResponses.sessionId,
      sessionName: sessions.name,
      sessionStartsAt: sessions.startsAt,
      timeZone: sessions.timeZone,
      submittedAt: evaluationResponses.submittedAt,
      answers: evaluationResponses.answers,
      questions: creditRequirements.evaluationQuestions,
    })
    .from(evaluationResponses)
    .innerJoin(sessions, eq(sessions.id, evaluationResponses.sessionId))
    .leftJoin(creditRequirements, eq(creditRequirements.claimId, evaluationResponses.claimId))
    .where(
      and(
        eq(evaluationResponses.organizationId, organizationId),
        inArray(evaluationResponses.sessionId, sessionIds),
      ),
    )
    .orderBy(asc(evaluationResponses.submittedAt));
}

function tally(rows: ResponseRow[]): EvaluationResults {
  // Questions are matched by id and prompt, so a reworded question counts as another.
  const results = new Map<string, QuestionResult & { sum: number }>();
  for (const row of rows) {
    for (const question of row.questions ?? []) {
      const key = `${question.id}\u0000${question.prompt}`;
      let result = results.get(key);
      if (!result) {
        result = {
          prompt: question.prompt,
          kind: question.kind,
          answered: 0,
          counts: question.choices.map((label) => ({ label, n: 0 })),
          average: null,
          comments: [],
          sum: 0,
        };
        results.set(key, result);
      }
      const answer = row.answers[question.id];
      if (answer === undefined || answer === '') continue;
      result.answered += 1;
      const count = (label: string) => {
        const found = result.counts.find((c) => c.label === label);
        if (found) found.n += 1;
        else result.counts.push({ label, n: 1 });
      };
      if (question.kind === 'rating' && typeof answer === 'number') {
        count(question.choices[answer - 1] ?? String(answer));
        result.sum += answer;
      } else if (question.kind === 'multiple' && Array.isArray(answer)) {
        for (const label of answer) count(label);
      } else if (question.kind === 'single' && typeof answer === 'string') {
        count(answer);
      } else if (question.kind === 'text' && typeof answer === 'string') {
        result.comments.push(answer);
      }
    }
  }
  return {
    responses: rows.length,
    questions: [...results.values()].map(({ sum, ...result }) => ({
      ...result,
      average: result.kind === 'rating' && result.answered > 0 ? (sum / result.answered).toFixed(2) : null,
    })),
  };
}

export async function sessionEvaluationResults(
  db: Database,
  organizationId: string,
  sessionId: string,
): Promise<EvaluationResults> {
  return tally(await responsesFor(db, organizationId, [sessionId]));
}

export async function seriesEvaluationResults(
  db: Database,
  organizationId: string,
  seriesId: string,
): Promise<EvaluationResults> {
  const ids = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.organizationId, organizationId), eq(sessions.seriesId, seriesId)));
  return tally(
    await responsesFor(
      db,
      organizationId,
      ids.map((s) => s.id),
    ),
  );
}

/**
 * Every evaluation answer of the organization, one row per answer, for a spreadsheet: the
 * session, its date, when it was submitted, the question and the answer. Learners are not named:
 * evaluations are read as a body, and the planners see them that way.
 */
export async function organizationEvaluationsCsv(db: Database, organizationId: string): Promise<string> {
  const rows = await db
    .select({
      seriesName: series.name,
      sessionName: sessions.name,
      sessionStartsAt: sessions.startsAt,
      timeZone: sessions.timeZone,
      submittedAt: evaluationResponses.submittedAt,
      answers: evaluationResponses.answers,
      questions: creditRequirements.evaluationQuestions,
      responseId: evaluationResponses.claimId,
    })
    .from(evaluationResponses)
    .innerJoin(sessions, eq(sessions.id, evaluationResponses.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .innerJoin(accounts, eq(accounts.id, evaluationResponses.accountId))
    .leftJoin(creditRequirements, eq(creditRequirements.claimId, evaluationResponses.claimId))
    .where(eq(evaluationResponses.organizationId, organizationId))
    .orderBy(asc(sessions.startsAt), asc(evaluationResponses.submittedAt));
  const lines = [['Series', 'Session', 'Session date', 'Response', 'Submitted', 'Question', 'Answer']];
  rows.forEach((row, index) => {
    for (const question of row.questions ?? []) {
      const answer = row.answers[question.id];
      if (answer === undefined) continue;
      const words =
        question.kind === 'rating' && typeof answer === 'number'
          ? `${answer} (${question.choices[answer - 1] ?? ''})`
          : Array.isArray(answer)
            ? answer.join('; ')
            : String(answer);
      lines.push([
        row.seriesName,
        row.sessionName,
        localDate(row.sessionStartsAt, row.timeZone),
        String(index + 1),
        row.submittedAt.toISOString(),
        question.prompt,
        words,
      ]);
    }
  });
  return csvText(lines);
}
