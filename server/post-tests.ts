import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { type PostTest, type PostTestQuestion, postTests } from '../db/schema';
import { CHOICE_MAX, QUESTION_PROMPT_MAX, QUESTIONS_MAX } from './evaluation-forms';

/**
 * Post-tests an organization keeps: questions with one right answer each, the score that passes
 * and the attempts a learner has. Written in the editor as plain text, one question per paragraph,
 * its choices on the lines below, the right one starred:
 *
 *   What is the first-line vasopressor in septic shock?
 *   - Dopamine
 *   * Norepinephrine
 */
export function testText(questions: PostTestQuestion[]): string {
  return questions
    .map((q) =>
      [q.prompt, ...q.choices.map((choice, i) => `${i === q.correct ? '*' : '-'} ${choice}`)].join('\n'),
    )
    .join('\n\n');
}

export function parseTestText(text: string): { questions: PostTestQuestion[] } | { error: string } {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .filter((lines) => lines.length > 0);
  if (blocks.length === 0) return { error: 'Write at least one question.' };
  if (blocks.length > QUESTIONS_MAX) return { error: `Keep it to ${QUESTIONS_MAX} questions.` };
  const questions: PostTestQuestion[] = [];
  for (const [index, [prompt = '', ...lines]] of blocks.entries()) {
    const n = index + 1;
    if (prompt.length > QUESTION_PROMPT_MAX)
      return { error: `Question ${n}: keep it under ${QUESTION_PROMPT_MAX} characters.` };
    if (/^[-*]\s/.test(prompt)) return { error: `Question ${n}: start with the question, then its choices.` };
    const choices: string[] = [];
    let correct = -1;
    for (const line of lines) {
      const match = /^([-*])\s*(.+)$/.exec(line);
      if (!match)
        return {
          error: `Question ${n}: write each choice on its own line, starting with - (or * for the right one).`,
        };
      const choice = (match[2] ?? '').trim();
      if (choice.length > CHOICE_MAX)
        return { error: `Question ${n}: keep each choice under ${CHOICE_MAX} characters.` };
      if (match[1] === '*') {
        if (correct !== -1) return { error: `Question ${n}: star one right answer only.` };
        correct = choices.length;
      }
      choices.push(choice);
    }
    if (choices.length < 2) return { error: `Question ${n}: give at least two choices.` };
    if (choices.length > 20) return { error: `Question ${n}: give at most 20 choices.` };
    if (correct === -1) return { error: `Question ${n}: star the right answer (* instead of -).` };
    questions.push({ id: `q${n}`, prompt, choices, correct });
  }
  return { questions };
}

/** The post-test form's fields besides its questions. */
export const postTestFields = z.object({
  name: z.string().trim().min(1, 'Name the post-test.').max(200, 'Keep the name under 200 characters.'),
  passingScore: z
    .string()
    .trim()
    .refine(
      (s) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100,
      'Passing score: a percent from 1 to 100.',
    )
    .transform(Number),
  attemptsAllowed: z
    .string()
    .trim()
    .refine(
      (s) => /^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 10,
      'Attempts: a whole number from 1 to 10.',
    )
    .transform(Number),
});

export function postTestsOf(db: Database, organizationId: string): Promise<PostTest[]> {
  return db
    .select()
    .from(postTests)
    .where(eq(postTests.organizationId, organizationId))
    .orderBy(asc(postTests.name));
}

export async function postTestOf(db: Database, organizationId: string, id: string): Promise<PostTest | null> {
  const [row] = await db
    .select()
    .from(postTests)
    .where(and(eq(postTests.id, id), eq(postTests.organizationId, organizationId)));
  return row ?? null;
}
