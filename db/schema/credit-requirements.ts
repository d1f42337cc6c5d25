import { boolean, index, integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { claims } from './claims';
import { type EvaluationQuestion, evaluationForms } from './evaluation-forms';
import { organizations } from './organizations';
import { type PostTestQuestion, postTests } from './post-tests';

/**
 * What a claim's credit waits for, fixed when the learner's credit lifecycle opens it: the
 * evaluation and post-test the activity named then (their questions copied, so a template edited
 * later does not change what a learner was asked), the date they are due, and whether a
 * certificate follows. The lifecycle (workflows/credit.ts) moves it on; pages read it.
 */
export const creditRequirements = pgTable(
  'credit_requirements',
  {
    claimId: uuid()
      .primaryKey()
      .references(() => claims.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    evaluationFormId: uuid().references(() => evaluationForms.id),
    /** Null: no evaluation is required. */
    evaluationQuestions: jsonb().$type<EvaluationQuestion[]>(),
    postTestId: uuid().references(() => postTests.id),
    /** Null: no post-test is required. */
    testQuestions: jsonb().$type<PostTestQuestion[]>(),
    passingScore: integer(),
    /** Attempts the learner has in all; a coordinator's reopening grants the test's number again. */
    attemptsAllowed: integer().notNull().default(0),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    /** False where the organization or series gives credit on the transcript only. */
    certificate: boolean().notNull(),
    openedAt: timestamp({ withTimezone: true }).notNull(),
    evaluationCompletedAt: timestamp({ withTimezone: true }),
    testPassedAt: timestamp({ withTimezone: true }),
    remindersSent: integer().notNull().default(0),
    /** Past due with something missing: no credit, until a coordinator reopens it. */
    lapsedAt: timestamp({ withTimezone: true }),
    reopenedAt: timestamp({ withTimezone: true }),
    reopenedById: uuid().references(() => accounts.id),
  },
  (t) => [index('credit_requirements_account').on(t.accountId)],
);

export type CreditRequirement = typeof creditRequirements.$inferSelect;
