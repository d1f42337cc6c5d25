import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import {
  EVALUATION_QUESTION_KINDS,
  type EvaluationAnswer,
  type EvaluationForm,
  type EvaluationQuestion,
  evaluationForms,
  postTests,
} from '../db/schema';

/** The agreement scale most CME evaluations ask on. */
export const AGREEMENT_SCALE = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'];

/**
 * The ready standard CME evaluation every organization starts with: whether the objectives were
 * met, whether the content was free of commercial bias (accreditors ask this of every activity),
 * the change in practice the learner intends, and their comments. The same questions are written
 * into migration 0015 for organizations that existed before it; a test keeps the two the same.
 */
export const STANDARD_EVALUATION: { name: string; questions: EvaluationQuestion[] } = {
  name: 'Standard CME evaluation',
  questions: [
    {
      id: 'objectives',
      prompt: 'The session met its stated learning objectives.',
      kind: 'rating',
      required: true,
      choices: AGREEMENT_SCALE,
    },
    {
      id: 'bias',
      prompt: 'The content was free of commercial bias.',
      kind: 'single',
      required: true,
      choices: ['Yes', 'No'],
    },
    {
      id: 'practice',
      prompt: 'Will you change your practice as a result of this session?',
      kind: 'single',
      required: true,
      choices: [
        'Yes, I will change my practice',
        'No, it confirmed my current practice',
        'No, it did not apply to my practice',
      ],
    },
    {
      id: 'change',
      prompt: 'If you will change your practice, how?',
      kind: 'text',
      required: false,
      choices: [],
    },
    {
      id: 'comments',
      prompt: 'Comments, including any bias you noticed and topics you would like in future sessions.',
      kind: 'text',
      required: false,
      choices: [],
    },
  ],
};

export const QUESTION_PROMPT_MAX = 500;
export const CHOICE_MAX = 200;
export const ANSWER_TEXT_MAX = 2000;
export const QUESTIONS_MAX = 40;

const choice = z.string().trim().min(1).max(CHOICE_MAX, `Keep each choice under ${CHOICE_MAX} characters.`);

/** A stored question, as the database keeps it: checked whenever a form is saved. */
export const evaluationQuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/),
    prompt: z
      .string()
      .trim()
      .min(1)
      .max(QUESTION_PROMPT_MAX, `Keep each question under ${QUESTION_PROMPT_MAX} characters.`),
    kind: z.enum(EVALUATION_QUESTION_KINDS),
    required: z.boolean(),
    choices: z.array(choice).max(20, 'Give at most 20 choices.'),
  })
  .refine((q) => (q.kind === 'text' ? q.choices.length === 0 : q.choices.length >= 2), {
    message: 'A rating or choice question needs at least two choices; a text question has none.',
  });

export const evaluationQuestionsSchema = z
  .array(evaluationQuestionSchema)
  .min(1)
  .max(QUESTIONS_MAX)
  .refine((questions) => new Set(questions.map((q) => q.id)).size === questions.length, {
    message: 'Two questions share an id.',
  });

/** The form field that carries a question's answer. */
export function answerField(question: Pick<EvaluationQuestion, 'id'>): string {
  return `q-${question.id}`;
}

export type AnswerErrors = Record<string, string>;

/**
 * A learner's submitted form checked against the questions they were given: every required
 * question answered, every choice one of the question's own, every rating on its scale. Returns
 * the answers to store, or a message per field.
 */
export function checkAnswers(
  questions: EvaluationQuestion[],
  submitted: Record<string, string | string[] | undefined>,
): { answers: Record<string, EvaluationAnswer> } | { errors: AnswerErrors } {
  const answers: Record<string, EvaluationAnswer> = {};
  const errors: AnswerErrors = {};
  const one = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';
  for (const question of questions) {
    const field = answerField(question);
    const raw = submitted[field];
    switch (question.kind) {
      case 'rating': {
        const value = one(raw);
        if (value === '') {
          if (question.required) errors[field] = 'Choose one.';
          continue;
        }
        const point = Number(value);
        if (!Number.isInteger(point) || point < 1 || point > question.choices.length) {
          errors[field] = 'Choose one of the points on the scale.';
          continue;
        }
        answers[question.id] = point;
        break;
      }
      case 'single': {
        const value = one(raw);
        if (value === '') {
          if (question.required) errors[field] = 'Choose one.';
          continue;
        }
        if (!question.choices.includes(value)) {
          errors[field] = 'Choose one of the answers shown.';
          continue;
        }
        answers[question.id] = value;
        break;
      }
      case 'multiple': {
        const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
          .map((v) => v.trim())
          .filter(Boolean);
        if (values.some((v) => !question.choices.includes(v))) {
          errors[field] = 'Choose among the answers shown.';
          continue;
        }
        if (values.length === 0) {
          if (question.required) errors[field] = 'Choose at least one.';
          continue;
        }
        answers[question.id] = question.choices.filter((c) => values.includes(c));
        break;
      }
      case 'text': {
        const value = one(raw);
        if (value.length > ANSWER_TEXT_MAX) {
          errors[field] = `Keep it under ${ANSWER_TEXT_MAX} characters.`;
          continue;
        }
        if (value === '') {
          if (question.required) errors[field] = 'Write an answer.';
          continue;
        }
        answers[question.id] = value;
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { answers };
}

/** Gives an organization the standard evaluation if it has none by that name; returns its id. */
export async function ensureStandardEvaluation(db: Database, organizationId: string): Promise<string> {
  await db
    .insert(evaluationForms)
    .values({
      organizationId,
      name: STANDARD_EVALUATION.name,
      questions: STANDARD_EVALUATION.questions,
      standard: true,
    })
    .onConflictDoNothing();
  const [form] = await db
    .select({ id: evaluationForms.id })
    .from(evaluationForms)
    .where(
      and(
        eq(evaluationForms.organizationId, organizationId),
        eq(evaluationForms.name, STANDARD_EVALUATION.name),
      ),
    );
  if (!form) throw new Error('the standard evaluation was not stored');
  return form.id;
}

/** The organization's evaluation forms, the standard first, for pickers and the forms page. */
export function evaluationFormsOf(
  db: Database,
  organizationId: string,
): Promise<Pick<EvaluationForm, 'id' | 'name' | 'standard'>[]> {
  return db
    .select({ id: evaluationForms.id, name: evaluationForms.name, standard: evaluationForms.standard })
    .from(evaluationForms)
    .where(eq(evaluationForms.organizationId, organizationId))
    .orderBy(desc(evaluationForms.standard), asc(evaluationForms.name));
}

/** The evaluations and post-tests a series or session of the organization may ask for. */
export async function creditChoices(db: Database, organizationId: string) {
  const forms = await evaluationFormsOf(db, organizationId);
  const tests = await db
    .select({ id: postTests.id, name: postTests.name })
    .from(postTests)
    .where(eq(postTests.organizationId, organizationId))
    .orderBy(asc(postTests.name));
  return { forms, tests };
}

/**
 * The editor's plain-text form of a template, one question per paragraph: the prompt on the
 * first line (ending "(optional)" when it is), then its kind and choices, e.g.
 *
 *   The content was free of commercial bias.
 *   single: Yes | No
 *
 * Kinds: rating (the scale's labels, lowest first), single, multiple, and text (no choices).
 */
export function formText(questions: EvaluationQuestion[]): string {
  return questions
    .map((q) => {
      const prompt = q.required ? q.prompt : `${q.prompt} (optional)`;
      return q.kind === 'text' ? `${prompt}\ntext` : `${prompt}\n${q.kind}: ${q.choices.join(' | ')}`;
    })
    .join('\n\n');
}

const OPTIONAL = /\s*\(optional\)\s*$/i;

/**
 * Reads the editor's text back into questions, saying what is wrong with which question. A
 * question keeps the id it had (matched by its prompt), so answers already given stay with it.
 */
export function parseFormText(
  text: string,
  existing: EvaluationQuestion[] = [],
): { questions: EvaluationQuestion[] } | { error: string } {
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
  const used = new Set<string>();
  const questions: EvaluationQuestion[] = [];
  for (const [index, lines] of blocks.entries()) {
    const n = index + 1;
    const [first = '', second, ...rest] = lines;
    if (rest.length > 0 || second === undefined) {
      return {
        error: `Question ${n}: write the question on one line and its kind on the next (like "single: Yes | No" or "text"), with an empty line before the next question.`,
      };
    }
    const required = !OPTIONAL.test(first);
    const prompt = first.replace(OPTIONAL, '');
    const kindMatch = /^(rating|single|multiple|text)\s*(?::\s*(.*))?$/i.exec(second);
    if (!kindMatch) {
      return { error: `Question ${n}: the second line must start with rating, single, multiple or text.` };
    }
    const kind = (kindMatch[1] ?? '').toLowerCase() as EvaluationQuestion['kind'];
    const choices = (kindMatch[2] ?? '')
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    if (kind === 'text' && choices.length > 0)
      return { error: `Question ${n}: a text question has no choices.` };
    if (kind !== 'text' && choices.length < 2) {
      return { error: `Question ${n}: give at least two choices, separated by |.` };
    }
    if (new Set(choices).size !== choices.length)
      return { error: `Question ${n}: a choice is written twice.` };
    const kept = existing.find((q) => q.prompt === prompt && !used.has(q.id));
    let id = kept?.id ?? `q${n}`;
    for (let k = n; used.has(id) || (!kept && existing.some((q) => q.id === id)); k++) id = `q${k + 1}`;
    used.add(id);
    questions.push({ id, prompt, kind, required, choices });
  }
  const checked = evaluationQuestionsSchema.safeParse(questions);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const at = typeof issue?.path[0] === 'number' ? `Question ${issue.path[0] + 1}: ` : '';
    return { error: `${at}${issue?.message ?? 'Check the questions.'}` };
  }
  return { questions };
}
