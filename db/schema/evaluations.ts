import { index, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { claims } from './claims';
import { type EvaluationAnswer, evaluationForms } from './evaluation-forms';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * A learner's answers to the evaluation a claim owed, validated against the questions they were
 * given (credit_requirements.evaluation_questions). One per claim.
 */
export const evaluationResponses = pgTable(
  'evaluation_responses',
  {
    claimId: uuid()
      .primaryKey()
      .references(() => claims.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    formId: uuid().references(() => evaluationForms.id),
    answers: jsonb().$type<Record<string, EvaluationAnswer>>().notNull(),
    submittedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('evaluation_responses_session').on(t.sessionId)],
);

export type EvaluationResponse = typeof evaluationResponses.$inferSelect;
