import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { sessions } from './sessions';

/** The dashboard's "Comments": a short thread per session between coordinators and the CME office. */
export const sessionComments = pgTable(
  'session_comments',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    authorId: uuid()
      .notNull()
      .references(() => accounts.id),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('session_comments_session').on(t.sessionId, t.createdAt)],
);

export type SessionComment = typeof sessionComments.$inferSelect;
