import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { organizations } from './organizations';
import { sessions } from './sessions';

/**
 * A faculty member's statement of every financial relationship with an ineligible company in the
 * prior 24 months (ACCME Standard 3). Active for a session when submitted less than one year before
 * the session date; a newer one supersedes the older. Never edited: a change is a new disclosure.
 */
export const disclosures = pgTable(
  'disclosures',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    submittedAt: timestamp({ withTimezone: true }).notNull(),
    /** False: "nothing to disclose". */
    hasRelationships: boolean().notNull(),
    /** The person owns or is employed by an ineligible company: flagged for reviewers. */
    ownerOrEmployee: boolean().notNull().default(false),
    /** The typed-name signature and the date it was signed on. */
    signature: text().notNull(),
    attestedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('disclosures_account_submitted').on(t.accountId, t.submittedAt)],
);

/** The nature of a financial relationship, in ACCME's words. */
export const RELATIONSHIP_NATURES = [
  'employee',
  'researcher',
  'consultant',
  'advisor',
  'speaker',
  'independent_contractor',
  'royalties',
  'executive_role',
  'ownership_interest',
  'other',
] as const;
export type RelationshipNature = (typeof RELATIONSHIP_NATURES)[number];

export const disclosureRelationships = pgTable(
  'disclosure_relationships',
  {
    id: uuid().primaryKey().defaultRandom(),
    disclosureId: uuid()
      .notNull()
      .references(() => disclosures.id, { onDelete: 'cascade' }),
    company: text().notNull(),
    nature: text({ enum: RELATIONSHIP_NATURES }).notNull(),
    /** What "other" means, in the person's words. */
    natureOther: text().notNull().default(''),
    /** Ended relationships within the 24 months still count; when it ended ('YYYY-MM-DD'). */
    endedOn: text(),
  },
  (t) => [index('disclosure_relationships_disclosure').on(t.disclosureId)],
);

export const REVIEW_OUTCOMES = ['not_relevant', 'mitigated', 'immitigable'] as const;
export const MITIGATION_STEPS = ['divest', 'peer_review', 'evidence_attestation', 'other'] as const;
export type MitigationStep = (typeof MITIGATION_STEPS)[number];

/**
 * A reviewer's judgement of one relationship for one session: not relevant to this content;
 * relevant and mitigated (with the steps, a rationale and the reviewer's signature); or immitigable.
 */
export const relationshipReviews = pgTable(
  'relationship_reviews',
  {
    id: uuid().primaryKey().defaultRandom(),
    sessionId: uuid()
      .notNull()
      .references(() => sessions.id),
    relationshipId: uuid()
      .notNull()
      .references(() => disclosureRelationships.id),
    outcome: text({ enum: REVIEW_OUTCOMES }).notNull(),
    steps: text({ enum: MITIGATION_STEPS }).array().notNull().default(sql`'{}'::text[]`),
    otherStep: text().notNull().default(''),
    rationale: text().notNull().default(''),
    signature: text().notNull(),
    reviewerId: uuid()
      .notNull()
      .references(() => accounts.id),
    reviewedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('relationship_reviews_session_relationship').on(t.sessionId, t.relationshipId)],
);

export type Disclosure = typeof disclosures.$inferSelect;
export type DisclosureRelationship = typeof disclosureRelationships.$inferSelect;
export type RelationshipReview = typeof relationshipReviews.$inferSelect;
