import { foreignKey, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { bytea } from './bytea';
import { organizations } from './organizations';
import { sessionFaculty, sessions } from './sessions';

/** What a presentation's bytes can be (server/presentation-types.ts tells them apart). */
export const PRESENTATION_KIND_NAMES = ['pdf', 'pptx', 'ppsx', 'docx', 'odp', 'key', 'ppt', 'doc'] as const;
export type PresentationKind = (typeof PRESENTATION_KIND_NAMES)[number];

/**
 * A faculty member's presentation for one session ("Upload / Download / Delete presentation" in
 * the manual). Kept in the database, so one backup holds everything; one per faculty member per
 * session, replaced by a new upload. Lists select the columns they need, never `content`.
 */
export const presentations = pgTable(
  'presentations',
  {
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** As uploaded, for people to recognise; the download name is derived from it and `kind`. */
    fileName: text().notNull(),
    /** What the content is, found from its bytes (server/presentation-types.ts). */
    kind: text({ enum: PRESENTATION_KIND_NAMES }).notNull(),
    sizeBytes: integer().notNull(),
    /** Hex SHA-256 of the content: the download's ETag, and proof of what was served. */
    sha256: text().notNull(),
    content: bytea().notNull(),
    uploadedById: uuid()
      .notNull()
      .references(() => accounts.id),
    uploadedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    // Removing someone from a session removes their slides with them.
    foreignKey({
      columns: [t.sessionId, t.accountId],
      foreignColumns: [sessionFaculty.sessionId, sessionFaculty.accountId],
    }).onDelete('cascade'),
    primaryKey({ columns: [t.sessionId, t.accountId] }),
  ],
);

export type Presentation = typeof presentations.$inferSelect;
