import { asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  accounts,
  disclosureRelationships,
  disclosures,
  type FacultyRole,
  relationshipReviews,
  type Series,
  type Session,
  sessionFaculty,
  sessions,
} from '../db/schema';
import type { Person } from './people';
import { type PresentationFacts, presentationKey, presentationsOf } from './presentations';
import {
  type DisclosureFacts,
  deriveSessionStatus,
  type FacultyStatus,
  type SessionStatusResult,
} from './session-status';

/** A faculty member as session pages and the dashboard show them. */
export interface FacultyMember extends Person {
  role: FacultyRole;
  requestDisclosure: boolean;
  requestPresentation: boolean;
  coi: FacultyStatus;
  /** Their newest disclosure, active or not, for "Disclosure submitted" and its summary. */
  latest: (DisclosureFacts & { ownerOrEmployee: boolean }) | null;
  /** Their uploaded presentation for this session, if any. */
  presentation: PresentationFacts | null;
}

export interface SessionState {
  status: SessionStatusResult;
  faculty: FacultyMember[];
}

/**
 * The facts behind the status of many sessions at once, in five queries whatever their number
 * (faculty, their disclosures, those disclosures' relationships, the sessions' reviews, their
 * presentations), so a dashboard page never asks once per row.
 */
export async function sessionStates(
  db: Database,
  rows: { session: Session; series: Pick<Series, 'name'> }[],
): Promise<Map<string, SessionState>> {
  const states = new Map<string, SessionState>();
  if (rows.length === 0) return states;
  const sessionIds = rows.map((row) => row.session.id);
  const faculty = await db
    .select({
      sessionId: sessionFaculty.sessionId,
      role: sessionFaculty.role,
      requestDisclosure: sessionFaculty.requestDisclosure,
      requestPresentation: sessionFaculty.requestPresentation,
      id: accounts.id,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
      email: accounts.email,
      degree: accounts.degree,
    })
    .from(sessionFaculty)
    .innerJoin(accounts, eq(accounts.id, sessionFaculty.accountId))
    .where(inArray(sessionFaculty.sessionId, sessionIds))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
  const people = [...new Set(faculty.map((member) => member.id))];
  const theirDisclosures =
    people.length === 0
      ? []
      : await db
          .select({
            id: disclosures.id,
            accountId: disclosures.accountId,
            submittedAt: disclosures.submittedAt,
            ownerOrEmployee: disclosures.ownerOrEmployee,
          })
          .from(disclosures)
          .where(inArray(disclosures.accountId, people));
  const disclosureIds = theirDisclosures.map((one) => one.id);
  const relationships =
    disclosureIds.length === 0
      ? []
      : await db
          .select({
            id: disclosureRelationships.id,
            disclosureId: disclosureRelationships.disclosureId,
            company: disclosureRelationships.company,
            nature: disclosureRelationships.nature,
          })
          .from(disclosureRelationships)
          .where(inArray(disclosureRelationships.disclosureId, disclosureIds));
  const reviews =
    faculty.length === 0
      ? []
      : await db
          .select({
            sessionId: relationshipReviews.sessionId,
            relationshipId: relationshipReviews.relationshipId,
            outcome: relationshipReviews.outcome,
          })
          .from(relationshipReviews)
          .where(inArray(relationshipReviews.sessionId, sessionIds));
  const slides =
    faculty.length === 0 ? new Map<string, PresentationFacts>() : await presentationsOf(db, sessionIds);

  const relationshipsOf = new Map<string, DisclosureFacts['relationships']>();
  for (const relationship of relationships) {
    const list = relationshipsOf.get(relationship.disclosureId) ?? [];
    list.push({ id: relationship.id, company: relationship.company, nature: relationship.nature });
    relationshipsOf.set(relationship.disclosureId, list);
  }
  const disclosuresOf = new Map<string, (DisclosureFacts & { ownerOrEmployee: boolean })[]>();
  for (const disclosure of theirDisclosures) {
    const list = disclosuresOf.get(disclosure.accountId) ?? [];
    list.push({
      id: disclosure.id,
      submittedAt: disclosure.submittedAt,
      ownerOrEmployee: disclosure.ownerOrEmployee,
      relationships: relationshipsOf.get(disclosure.id) ?? [],
    });
    disclosuresOf.set(disclosure.accountId, list);
  }
  const relationshipOwner = new Map<string, string>();
  for (const [accountId, list] of disclosuresOf) {
    for (const disclosure of list) {
      for (const relationship of disclosure.relationships) relationshipOwner.set(relationship.id, accountId);
    }
  }

  // Grouped once, so a page of sessions costs a pass over each list, not one per row.
  const facultyOf = groupBy(faculty, (member) => member.sessionId);
  const reviewsOf = groupBy(reviews, (review) => review.sessionId);
  for (const { session, series } of rows) {
    const members = facultyOf.get(session.id) ?? [];
    const sessionReviews = reviewsOf.get(session.id) ?? [];
    const status = deriveSessionStatus({
      name: session.name,
      seriesName: series.name,
      startsAt: session.startsAt,
      nameAcceptedAs: session.nameAcceptedAs,
      approvedBasis: session.approvedBasis,
      faculty: members.map((member) => ({
        accountId: member.id,
        disclosures: disclosuresOf.get(member.id) ?? [],
        reviews: sessionReviews.filter(
          (review) => relationshipOwner.get(review.relationshipId) === member.id,
        ),
      })),
    });
    states.set(session.id, {
      status,
      faculty: members.map((member, index) => {
        const all = disclosuresOf.get(member.id) ?? [];
        const latest = all.reduce<(typeof all)[number] | null>(
          (newest, one) => (!newest || one.submittedAt > newest.submittedAt ? one : newest),
          null,
        );
        const { sessionId: _sessionId, ...person } = member;
        const coi = status.faculty[index];
        if (!coi) throw new Error('status derived for a different faculty list');
        return {
          ...person,
          coi,
          latest,
          presentation: slides.get(presentationKey(session.id, member.id)) ?? null,
        };
      }),
    });
  }
  return states;
}

function groupBy<T>(list: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** One session's state. */
export async function sessionState(
  db: Database,
  session: Session,
  series: Pick<Series, 'name'>,
): Promise<SessionState> {
  const state = (await sessionStates(db, [{ session, series }])).get(session.id);
  if (!state) throw new Error(`no state derived for session ${session.id}`);
  return state;
}

/**
 * A SQL condition on `sessions` that holds for every session whose status can be anything but
 * INCOMPLETE: it has faculty, and each of them has a disclosure submitted before the start and
 * less than a year (and a day, so no edge of calendar arithmetic excludes one) before it. Queues and
 * status searches use it to skip the many incomplete sessions before deriving status exactly.
 */
export function everyFacultyMayBeDisclosed(): SQL {
  return sql`(exists (select 1 from ${sessionFaculty} f where f.session_id = ${sessions.id})
    and not exists (
      select 1 from ${sessionFaculty} f
      where f.session_id = ${sessions.id}
        and not exists (
          select 1 from ${disclosures} d
          where d.account_id = f.account_id
            and d.submitted_at <= ${sessions.startsAt}
            and d.submitted_at + interval '1 year 1 day' > ${sessions.startsAt})))`;
}
