import { createHash } from 'node:crypto';
import type { CoiStatus, REVIEW_OUTCOMES, Series, Session, SessionStatus } from '../db/schema';
import { oneYearAfter } from '../workflows/calendar';
import type { ErrorCode } from '../workflows/errors';
import { nameProblem } from './name-fit';

/**
 * A session's "Child Status" and each faculty member's "Presentations & COI Status", derived from
 * the facts every time they are shown, so they are never stale (SPEC: session status). Pure: the
 * facts for a whole page of sessions are loaded in a few queries (server/session-facts.ts).
 */

export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface RelationshipFacts {
  id: string;
  company: string;
  nature: string;
}

export interface DisclosureFacts {
  id: string;
  submittedAt: Date;
  relationships: RelationshipFacts[];
}

export interface FacultyFacts {
  accountId: string;
  /** Every disclosure the person submitted, any order. */
  disclosures: DisclosureFacts[];
  /** This session's reviews of the person's relationships, of any of their disclosures. */
  reviews: { relationshipId: string; outcome: ReviewOutcome }[];
}

export interface SessionFacts {
  name: string;
  seriesName: string;
  startsAt: Date;
  /** The name a reviewer accepted although the check doubted it; counts only while unchanged. */
  nameAcceptedAs: string | null;
  faculty: FacultyFacts[];
  /** The basis the session was approved on; the approval stands only while the facts still match it. */
  approvedBasis: string | null;
}

export interface FacultyStatus {
  accountId: string;
  status: CoiStatus;
  /** Why, in a sentence: shown on hover and on focus. */
  reason: string;
  /** The disclosure active on the session date, if any. */
  active: DisclosureFacts | null;
  /** Relationships of the active disclosure no reviewer has judged for this session. */
  unreviewed: RelationshipFacts[];
}

export interface SessionStatusResult {
  status: SessionStatus;
  /** Everything that keeps the session from the next status, one sentence each. */
  reasons: string[];
  faculty: FacultyStatus[];
  /** What an approval now would be recorded against. */
  basis: string;
  nameProblem: string | null;
}

/**
 * A disclosure is active for a session when submitted less than one year before its date: the
 * newest one submitted before the start. One submitted after a session does not reopen it.
 */
export function activeDisclosure<D extends { submittedAt: Date }>(
  disclosures: D[],
  startsAt: Date,
): D | null {
  let newest: D | null = null;
  for (const disclosure of disclosures) {
    if (disclosure.submittedAt > startsAt) continue;
    if (!newest || disclosure.submittedAt > newest.submittedAt) newest = disclosure;
  }
  if (!newest) return null;
  return disclosureLapsesAt(newest.submittedAt) > startsAt ? newest : null;
}

/** One calendar year after submission (Feb 29 lapses on Mar 1). */
export function disclosureLapsesAt(submittedAt: Date): Date {
  return oneYearAfter(submittedAt);
}

function facultyStatus(person: FacultyFacts, startsAt: Date, approved: boolean): FacultyStatus {
  const active = activeDisclosure(person.disclosures, startsAt);
  if (!active) {
    const reason =
      person.disclosures.length === 0
        ? 'No disclosure on file.'
        : 'The disclosure on file lapses before this session: a new one is needed.';
    return { accountId: person.accountId, status: 'incomplete', reason, active: null, unreviewed: [] };
  }
  const outcomes = new Map(person.reviews.map((review) => [review.relationshipId, review.outcome]));
  const judged = active.relationships.map((relationship) => outcomes.get(relationship.id));
  const unreviewed = active.relationships.filter((relationship) => !outcomes.has(relationship.id));
  const base = { accountId: person.accountId, active, unreviewed };
  if (judged.includes('immitigable')) {
    return {
      ...base,
      status: 'rejected',
      reason: 'A relationship could not be mitigated: remove this person and assign someone else.',
    };
  }
  if (unreviewed.length > 0) {
    // Reviews of an older disclosure, on this session: the new one supersedes what was judged.
    const activeIds = new Set(active.relationships.map((relationship) => relationship.id));
    const reviewedBefore = person.reviews.some((review) => !activeIds.has(review.relationshipId));
    const count = `${unreviewed.length} relationship${unreviewed.length === 1 ? '' : 's'}`;
    return reviewedBefore
      ? {
          ...base,
          status: 'disclosure_updated',
          reason: `A new disclosure arrived: ${count} to review again.`,
        }
      : { ...base, status: 'pending', reason: `${count} awaiting the reviewers’ judgement.` };
  }
  const mitigated = judged.includes('mitigated');
  if (!approved) {
    return {
      ...base,
      status: 'pending',
      reason:
        active.relationships.length === 0
          ? 'Nothing to disclose; awaiting the reviewers’ approval of the session.'
          : 'Relationships reviewed; awaiting the reviewers’ approval of the session.',
    };
  }
  return mitigated
    ? {
        ...base,
        status: 'approved_with_exceptions',
        reason: 'Approved: relevant relationships were mitigated.',
      }
    : {
        ...base,
        status: 'approved',
        reason:
          active.relationships.length === 0
            ? 'Approved: nothing to disclose.'
            : 'Approved: no relevant relationships.',
      };
}

/** What an approval rests on: the name, the start, who teaches with which disclosure, and the reviews. */
export function approvalBasis(facts: SessionFacts): string {
  const faculty = facts.faculty
    .map((person) => {
      const active = activeDisclosure(person.disclosures, facts.startsAt);
      const reviews = person.reviews
        .map((review) => `${review.relationshipId}=${review.outcome}`)
        .sort()
        .join(',');
      return `${person.accountId}:${active?.id ?? 'none'}:${reviews}`;
    })
    .sort()
    .join(';');
  return createHash('sha256')
    .update(`${facts.name}\n${facts.startsAt.toISOString()}\n${faculty}`)
    .digest('base64url');
}

export function deriveSessionStatus(facts: SessionFacts): SessionStatusResult {
  const basis = approvalBasis(facts);
  const approved = facts.approvedBasis !== null && facts.approvedBasis === basis;
  const faculty = facts.faculty.map((person) => facultyStatus(person, facts.startsAt, approved));
  const doubted = nameProblem(facts.name, facts.seriesName);
  const problem = doubted && facts.nameAcceptedAs !== facts.name ? doubted : null;

  const incomplete: string[] = [];
  if (facts.faculty.length === 0) incomplete.push('No faculty assigned.');
  const missing = faculty.filter((person) => person.status === 'incomplete').length;
  if (missing > 0) {
    incomplete.push(
      `${missing} faculty member${missing === 1 ? ' has' : 's have'} no disclosure active on the session date.`,
    );
  }
  if (problem) incomplete.push(`Name: ${problem}`);
  const result = (status: SessionStatus, reasons: string[]): SessionStatusResult => ({
    status,
    reasons,
    faculty,
    basis,
    nameProblem: problem,
  });
  if (incomplete.length > 0) return result('incomplete', incomplete);
  const rejected = faculty.filter((person) => person.status === 'rejected').length;
  if (rejected > 0) {
    return result('rejected', [
      `${rejected} faculty member${rejected === 1 ? ' has' : 's have'} a relationship that could not be mitigated.`,
    ]);
  }
  if (approved) return result('approved', []);
  const toReview = faculty.filter((person) => person.unreviewed.length > 0).length;
  if (toReview > 0) {
    return result('in_review', [
      `Relationships of ${toReview} faculty member${toReview === 1 ? '' : 's'} await the reviewers.`,
    ]);
  }
  return result('pending', [
    facts.approvedBasis
      ? 'Changed since it was approved: awaiting approval again.'
      : 'Awaiting the reviewers’ approval.',
  ]);
}

export const SESSION_STATUS_LABELS: Record<SessionStatus, string> = {
  incomplete: 'INCOMPLETE',
  in_review: 'IN REVIEW',
  pending: 'PENDING',
  approved: 'APPROVED',
  rejected: 'REJECTED',
};

export const COI_STATUS_LABELS: Record<CoiStatus, string> = {
  incomplete: 'Incomplete',
  pending: 'Pending',
  approved: 'Approved',
  approved_with_exceptions: 'Approved with exceptions',
  rejected: 'Rejected',
  disclosure_updated: 'Disclosure Updated',
};

/**
 * Why an existing session can no longer be changed, if it cannot: deactivated, or its series' year
 * is over. New sessions answer to the series' own rule as well (server/sessions.ts). Pure, so pages
 * offer exactly the changes the domain accepts.
 */
export function sessionClosed(found: {
  session: Pick<Session, 'deactivatedAt'>;
  series: Pick<Series, 'status'>;
}): ErrorCode | null {
  if (found.session.deactivatedAt) return 'session_deactivated';
  if (found.series.status === 'expired') return 'series_expired';
  return null;
}
