import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

/**
 * rating: a scale whose labels run from lowest to highest ("Strongly disagree" … "Strongly agree");
 * single and multiple: choices; text: the learner's own words.
 */
export const EVALUATION_QUESTION_KINDS = ['rating', 'single', 'multiple', 'text'] as const;
export type EvaluationQuestionKind = (typeof EVALUATION_QUESTION_KINDS)[number];

export interface EvaluationQuestion {
  /** Stable within its form ("q1"): answers are keyed by it. */
  id: string;
  prompt: string;
  kind: EvaluationQuestionKind;
  required: boolean;
  /** The scale's labels (rating) or the choices (single, multiple); empty for text. */
  choices: string[];
}

/**
 * rating: the scale's point, 1 for its first label; single: the choice's words; multiple: the
 * chosen words; text: what was written ('' when skipped).
 */
export type EvaluationAnswer = number | string | string[];

/**
 * An evaluation template an organization keeps ("the standard CME evaluation"). A series names one
 * and a session may name another; none means no evaluation. Questions are validated before they
 * are stored (server/evaluation-forms.ts).
 */
export const evaluationForms = pgTable(
  'evaluation_forms',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    questions: jsonb().$type<EvaluationQuestion[]>().notNull(),
    /** The ready standard CME evaluation every organization starts with. */
    standard: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('evaluation_forms_organization_name').on(t.organizationId, t.name)],
);

export type EvaluationForm = typeof evaluationForms.$inferSelect;
