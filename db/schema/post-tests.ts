import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';

export interface PostTestQuestion {
  /** Stable within its test ("q1"): answers are keyed by it. */
  id: string;
  prompt: string;
  choices: string[];
  /** Index into choices of the right answer. Never sent to the learner's page. */
  correct: number;
}

/**
 * A post-test an activity may require: questions with one right answer each, the score that passes
 * (percent) and how many attempts a learner has. A series names one and a session may name another.
 */
export const postTests = pgTable(
  'post_tests',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    questions: jsonb().$type<PostTestQuestion[]>().notNull(),
    passingScore: integer().notNull(),
    attemptsAllowed: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('post_tests_organization_name').on(t.organizationId, t.name)],
);

export type PostTest = typeof postTests.$inferSelect;
