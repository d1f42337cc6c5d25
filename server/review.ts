import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  disclosureRelationships,
  disclosures,
  MITIGATION_STEPS,
  REVIEW_OUTCOMES,
  type MitigationStep,
  relationshipReviews,
  series,
  sessions,
} from '../db/schema';
import { DomainError } from '../workflows/errors';
import { closeTicket } from './escalations';
import { recordChange } from './history';
import { signedAs } from './identifiers';
import type { Actor } from './series';
import { isStaff } from './staff';
import { everyFacultyMayBeDisclosed, type SessionState, sessionState, sessionStates } from './session-facts';
import type { ReviewOutcome } from './session-status';
import type { SessionWithSeries } from './sessions';

/**
 * The reviewers' side (ACCME Standard 3): judge each disclosed relationship for each session's
 * content, mitigate or reject, accept a doubted name, approve. Only reviewers and admins; every
 * judgement and approval is recorded with the reviewer's typed signature.
 */

export const MITIGATION_LABELS: Record<MitigationStep, string> = {
  divest: 'The person divests the relationship',
  peer_review: 'Peer review of the content before it is presented',
  evidence_attestation:
    'The person attests that recommendations are evidence-based and free of commercial bias',
  other: 'Other',
};

export interface ReviewInput {
  outcome: string;
  steps: string[];
  otherStep: string;
  rationale: string;
  signature: string;
}

export type ReviewErrors = Partial<Record<keyof ReviewInput | 'form', string>>;

export class InvalidReview extends DomainError {
  constructor(readonly fields: ReviewErrors) {
    super('invalid_input');
    this.name = 'InvalidReview';
  }
}

function refuseUnlessReviewer(by: Actor): void {
  if (!isStaff(by)) throw new DomainError('forbidden');
}

function judge(input: ReviewInput, reviewerLastName: string) {
  const errors: ReviewErrors = {};
  const outcome = (REVIEW_OUTCOMES as readonly string[]).includes(input.outcome)
    ? (input.outcome as ReviewOutcome)
    : null;
  if (!outcome) errors.outcome = 'Choose whether the relationship is relevant, and if so how it was handled.';
  const steps = [...new Set(input.steps)].filter((step): step is MitigationStep =>
    (MITIGATION_STEPS as readonly string[]).includes(step),
  );
  if (outcome === 'mitigated' && steps.length === 0) errors.steps = 'Choose at least one mitigation step.';
  if (outcome === 'mitigated' && steps.includes('other') && input.otherStep.trim() === '') {
    errors.otherStep = 'Describe the other step.';
  }
  if (input.otherStep.length > 1000) errors.otherStep = 'Keep this under 1,000 characters.';
  if (outcome && outcome !== 'not_relevant' && input.rationale.trim() === '') {
    errors.rationale = 'Give the rationale for this judgement.';
  }
  if (input.rationale.length > 4000) errors.rationale = 'Keep the rationale under 4,000 characters.';
  const signature = input.signature.trim();
  if (signature === '') errors.signature = 'Type your full name to sign.';
  else if (!signedAs(signature, reviewerLastName)) {
    errors.signature = 'Sign with your own full name.';
  }
  if (Object.keys(errors).length > 0 || !outcome) throw new InvalidReview(errors);
  return {
    outcome,
    steps: outcome === 'mitigated' ? steps : [],
    otherStep: outcome === 'mitigated' && steps.includes('other') ? input.otherStep.trim() : '',
    rationale: input.rationale.trim(),
    signature,
  };
}

export interface ReviewDeps {
  db: Database;
  now: () => Date;
}

/** Records (or replaces) a reviewer's judgement of one relationship for one session. */
export async function reviewRelationship(
  deps: ReviewDeps,
  found: SessionWithSeries,
  relationshipId: string,
  input: ReviewInput,
  by: Actor & { account: { lastName: string; firstName: string } },
  clientAddress: string | null = null,
): Promise<void> {
  refuseUnlessReviewer(by);
  if (found.session.deactivatedAt) throw new DomainError('session_deactivated');
  const state = await sessionState(deps.db, found.session, found.series);
  // Only a relationship of a current faculty member's active disclosure is reviewed for this session.
  const owner = state.faculty.find((member) =>
    member.coi.active?.relationships.some((relationship) => relationship.id === relationshipId),
  );
  const relationship = owner?.coi.active?.relationships.find((one) => one.id === relationshipId);
  if (!owner || !relationship) throw new DomainError('not_found');
  const valid = judge(input, by.account.lastName);
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    const [previous] = await tx
      .select()
      .from(relationshipReviews)
      .where(
        and(
          eq(relationshipReviews.sessionId, found.session.id),
          eq(relationshipReviews.relationshipId, relationshipId),
        ),
      );
    const values = { ...valid, reviewerId: by.account.id, reviewedAt: now };
    if (previous) {
      await tx.update(relationshipReviews).set(values).where(eq(relationshipReviews.id, previous.id));
    } else {
      await tx.insert(relationshipReviews).values({ ...values, sessionId: found.session.id, relationshipId });
    }
    await recordChange(tx, now, {
      organizationId: found.organization.id,
      actorId: by.account.id,
      accountId: owner.id,
      action: 'relationship_reviewed',
      seriesId: found.series.id,
      sessionId: found.session.id,
      clientAddress,
      before: previous
        ? { outcome: previous.outcome, steps: previous.steps, rationale: previous.rationale }
        : null,
      after: {
        relationship: `${owner.lastName}, ${owner.firstName}: ${relationship.company} (${relationship.nature})`,
        outcome: valid.outcome,
        steps: valid.steps,
        rationale: valid.rationale,
        signature: valid.signature,
      },
    });
  });
}

/** A reviewer accepts a name the name-fit check doubted; it counts while the name stays the same. */
export async function acceptName(
  deps: ReviewDeps,
  found: SessionWithSeries,
  by: Actor,
  clientAddress: string | null = null,
): Promise<void> {
  refuseUnlessReviewer(by);
  if (found.session.deactivatedAt) throw new DomainError('session_deactivated');
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ nameAcceptedAs: found.session.name })
      .where(eq(sessions.id, found.session.id));
    await recordChange(tx, now, {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'session_name_accepted',
      seriesId: found.series.id,
      sessionId: found.session.id,
      clientAddress,
      after: { name: found.session.name },
    });
  });
}

/**
 * Approves a session that is PENDING: the facts it rests on are recorded with the approval, which
 * stands only while they hold (server/session-status.ts).
 */
export async function approveSession(
  deps: ReviewDeps,
  found: SessionWithSeries,
  by: Actor,
  clientAddress: string | null = null,
): Promise<SessionState> {
  refuseUnlessReviewer(by);
  if (found.session.deactivatedAt) throw new DomainError('session_deactivated');
  const state = await sessionState(deps.db, found.session, found.series);
  if (state.status.status === 'approved') throw new DomainError('session_already_approved');
  // Why it is not ready is on the page already, in the status panel.
  if (state.status.status !== 'pending') throw new DomainError('session_not_ready');
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ approvedBasis: state.status.basis, approvedAt: now, approvedById: by.account.id })
      .where(eq(sessions.id, found.session.id));
    await recordChange(tx, now, {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'session_approved',
      seriesId: found.series.id,
      sessionId: found.session.id,
      clientAddress,
      after: { status: 'APPROVED' },
    });
    await closeTicket(tx, now, {
      organizationId: found.organization.id,
      seriesId: found.series.id,
      sessionId: found.session.id,
      byId: by.account.id,
      because: 'approved',
      clientAddress,
    });
  });
  return sessionState(deps.db, { ...found.session, approvedBasis: state.status.basis }, found.series);
}

export interface QueueEntry {
  session: typeof sessions.$inferSelect;
  series: typeof series.$inferSelect;
  state: SessionState;
}

/**
 * The reviewers' queues, soonest first: sessions awaiting approval, and sessions with relationships
 * to judge. Upcoming sessions that have faculty are read a page at a time and their status derived
 * in batch, until each queue has `limit` entries.
 */
export async function reviewQueues(
  db: Database,
  organizationId: string,
  now: Date,
  limit = 50,
): Promise<{ awaitingApproval: QueueEntry[]; awaitingReview: QueueEntry[] }> {
  const awaitingApproval: QueueEntry[] = [];
  const awaitingReview: QueueEntry[] = [];
  const PAGE = 250;
  for (let offset = 0; offset < 5000; offset += PAGE) {
    const rows = await db
      .select({ session: sessions, series })
      .from(sessions)
      .innerJoin(series, eq(series.id, sessions.seriesId))
      .where(
        and(
          eq(sessions.organizationId, organizationId),
          gt(sessions.startsAt, now),
          isNull(sessions.deactivatedAt),
          eq(series.status, 'approved'),
          // Neither queue holds an INCOMPLETE session: skip those before deriving.
          everyFacultyMayBeDisclosed(),
        ),
      )
      .orderBy(asc(sessions.startsAt), asc(sessions.childId))
      .limit(PAGE)
      .offset(offset);
    const states = await sessionStates(db, rows);
    for (const row of rows) {
      const state = states.get(row.session.id);
      if (!state) continue;
      if (state.status.status === 'pending' && awaitingApproval.length < limit)
        awaitingApproval.push({ ...row, state });
      if (state.status.status === 'in_review' && awaitingReview.length < limit)
        awaitingReview.push({ ...row, state });
    }
    if (rows.length < PAGE || (awaitingApproval.length >= limit && awaitingReview.length >= limit)) break;
  }
  return { awaitingApproval, awaitingReview };
}

/** This session's judgements, by relationship. */
export async function reviewsOf(db: Database, sessionId: string) {
  const rows = await db
    .select()
    .from(relationshipReviews)
    .where(eq(relationshipReviews.sessionId, sessionId));
  return new Map(rows.map((row) => [row.relationshipId, row]));
}

/** The disclosure details a reviewer needs beside each relationship (when it ended, "other" text). */
export async function relationshipDetails(db: Database, relationshipIds: string[]) {
  if (relationshipIds.length === 0) {
    return new Map<string, { natureOther: string; endedOn: string | null; ownerOrEmployee: boolean }>();
  }
  const rows = await db
    .select({
      id: disclosureRelationships.id,
      natureOther: disclosureRelationships.natureOther,
      endedOn: disclosureRelationships.endedOn,
      ownerOrEmployee: disclosures.ownerOrEmployee,
    })
    .from(disclosureRelationships)
    .innerJoin(disclosures, eq(disclosures.id, disclosureRelationships.disclosureId))
    .where(inArray(disclosureRelationships.id, relationshipIds));
  return new Map(rows.map((row) => [row.id, row]));
}
