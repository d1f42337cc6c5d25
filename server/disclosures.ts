import { and, asc, desc, eq, gt, inArray, isNull, ne } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  type Account,
  type Disclosure,
  type DisclosureRelationship,
  disclosureRelationships,
  disclosures,
  RELATIONSHIP_NATURES,
  type RelationshipNature,
  sessionFaculty,
  sessions,
} from '../db/schema';
import { addDays, isLocalDate, localDate } from '../workflows/calendar';
import { DomainError } from '../workflows/errors';
import { recordChange } from './history';
import { activeDisclosure } from './session-status';
import { signedAs } from './identifiers';

/**
 * Disclosures (ACCME Standard 3): every financial relationship with an ineligible company in the
 * prior 24 months, or "nothing to disclose", signed with the person's typed name. A disclosure is
 * never edited; a newer one supersedes it, and every future session where the person teaches
 * derives its status again (server/session-status.ts).
 */

export const NATURE_LABELS: Record<RelationshipNature, string> = {
  employee: 'Employee',
  researcher: 'Researcher',
  consultant: 'Consultant',
  advisor: 'Advisor',
  speaker: 'Speaker',
  independent_contractor: 'Independent contractor (including contracted research)',
  royalties: 'Royalties or patent beneficiary',
  executive_role: 'Executive role',
  ownership_interest: 'Ownership interest (including individual stocks)',
  other: 'Other',
};

/** The form has this many relationship rows at most; more is a second look at the look-back. */
export const MAX_RELATIONSHIPS = 30;

export interface RelationshipInput {
  company: string;
  nature: string;
  natureOther: string;
  endedOn: string;
}

export interface DisclosureInput {
  /** 'none' ("nothing to disclose") or 'some'. */
  answer: string;
  relationships: RelationshipInput[];
  ownerOrEmployee: boolean;
  signature: string;
  attest: boolean;
}

export type DisclosureErrors = Partial<Record<string, string>>;

export class InvalidDisclosure extends DomainError {
  constructor(readonly fields: DisclosureErrors) {
    super('invalid_input');
    this.name = 'InvalidDisclosure';
  }
}

/** Checks a disclosure and names each field at fault (rows as company-0, nature-0…). */
function judge(input: DisclosureInput, account: Pick<Account, 'lastName'>, today: string) {
  const errors: DisclosureErrors = {};
  if (input.answer !== 'none' && input.answer !== 'some') {
    errors.answer = 'Choose whether you have relationships to disclose.';
  }
  const rows = input.relationships
    .map((row, index) => ({
      ...row,
      index,
      company: row.company.trim(),
      natureOther: row.natureOther.trim(),
    }))
    .filter(
      (row) => row.company !== '' || row.nature !== '' || row.natureOther !== '' || row.endedOn.trim() !== '',
    );
  const lookBackStart = addDays(today, -731);
  if (input.answer === 'some') {
    if (rows.length === 0)
      errors['company-0'] = 'Name at least one company, or choose “nothing to disclose”.';
    for (const row of rows) {
      if (row.company === '') errors[`company-${row.index}`] = 'Enter the company’s name.';
      else if (row.company.length > 200)
        errors[`company-${row.index}`] = 'Keep the company’s name under 200 characters.';
      if (!(RELATIONSHIP_NATURES as readonly string[]).includes(row.nature)) {
        errors[`nature-${row.index}`] = 'Choose the nature of the relationship.';
      } else if (row.nature === 'other' && row.natureOther === '') {
        errors[`natureOther-${row.index}`] = 'Describe the relationship.';
      }
      if (row.natureOther.length > 500)
        errors[`natureOther-${row.index}`] = 'Keep this under 500 characters.';
      const ended = row.endedOn.trim();
      if (ended !== '') {
        if (!isLocalDate(ended)) errors[`endedOn-${row.index}`] = 'Enter the date it ended, like 2025-06-30.';
        else if (ended > today)
          errors[`endedOn-${row.index}`] = 'That date is still to come; leave it empty if it continues.';
        else if (ended < lookBackStart) {
          errors[`endedOn-${row.index}`] =
            'It ended more than 24 months ago, so it need not be disclosed: remove the row.';
        }
      }
    }
  }
  const signature = input.signature.trim();
  if (signature === '') errors.signature = 'Type your full name to sign.';
  else if (signature.length > 200) errors.signature = 'Keep the signature under 200 characters.';
  else if (!signedAs(signature, account.lastName)) {
    errors.signature = 'Sign with your own full name, as your account shows it.';
  }
  if (!input.attest) errors.attest = 'Confirm that the disclosure is complete and accurate.';
  if (Object.keys(errors).length > 0) throw new InvalidDisclosure(errors);
  return {
    relationships:
      input.answer === 'some'
        ? rows.map((row) => ({
            company: row.company,
            nature: row.nature as RelationshipNature,
            natureOther: row.nature === 'other' ? row.natureOther : '',
            endedOn: row.endedOn.trim() === '' ? null : row.endedOn.trim(),
          }))
        : [],
    signature,
  };
}

export interface DisclosureDeps {
  db: Database;
  now: () => Date;
  timeZone: string;
}

/**
 * Submits a disclosure. Each future session where the person teaches gets a line in its history,
 * since its review may change ("Disclosure Updated"). Returns those sessions' ids, for their
 * lifecycles to re-plan.
 */
export async function submitDisclosure(
  deps: DisclosureDeps,
  account: Pick<Account, 'id' | 'organizationId' | 'lastName' | 'firstName'>,
  input: DisclosureInput,
  clientAddress: string | null = null,
): Promise<{ disclosure: Disclosure; affectedSessionIds: string[]; previousDisclosureIds: string[] }> {
  const now = deps.now();
  const valid = judge(input, account, localDate(now, deps.timeZone));
  return deps.db.transaction(async (tx) => {
    const [disclosure] = await tx
      .insert(disclosures)
      .values({
        organizationId: account.organizationId,
        accountId: account.id,
        submittedAt: now,
        hasRelationships: valid.relationships.length > 0,
        ownerOrEmployee: valid.relationships.length > 0 && input.ownerOrEmployee,
        signature: valid.signature,
        attestedAt: now,
      })
      .returning();
    if (!disclosure) throw new Error('disclosure insert returned no row');
    if (valid.relationships.length > 0) {
      await tx
        .insert(disclosureRelationships)
        .values(
          valid.relationships.map((relationship) => ({ ...relationship, disclosureId: disclosure.id })),
        );
    }
    const summary = {
      disclosure:
        valid.relationships.length === 0
          ? 'Nothing to disclose'
          : valid.relationships.map((r) => `${r.company} (${NATURE_LABELS[r.nature]})`).join('; '),
    };
    await recordChange(tx, now, {
      organizationId: account.organizationId,
      actorId: account.id,
      accountId: account.id,
      action: 'disclosure_submitted',
      clientAddress,
      after: summary,
    });
    const upcoming = await tx
      .select({ sessionId: sessions.id, seriesId: sessions.seriesId })
      .from(sessionFaculty)
      .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
      .where(
        and(
          eq(sessionFaculty.accountId, account.id),
          gt(sessions.startsAt, now),
          isNull(sessions.deactivatedAt),
        ),
      );
    for (const session of upcoming) {
      await recordChange(tx, now, {
        organizationId: account.organizationId,
        actorId: account.id,
        accountId: account.id,
        action: 'disclosure_submitted',
        seriesId: session.seriesId,
        sessionId: session.sessionId,
        clientAddress,
        after: { faculty: `${account.lastName}, ${account.firstName}`, ...summary },
      });
    }
    const previous = await tx
      .select({ id: disclosures.id })
      .from(disclosures)
      .where(and(eq(disclosures.accountId, account.id), ne(disclosures.id, disclosure.id)));
    return {
      disclosure,
      affectedSessionIds: upcoming.map((session) => session.sessionId),
      previousDisclosureIds: previous.map((one) => one.id),
    };
  });
}

/** Of these people, each one's disclosure active for a session starting at `startsAt`, if any. */
export async function activeDisclosuresAt(
  db: Database,
  accountIds: string[],
  startsAt: Date,
): Promise<Map<string, { id: string; submittedAt: Date }>> {
  const active = new Map<string, { id: string; submittedAt: Date }>();
  if (accountIds.length === 0) return active;
  const theirs = await db
    .select({ id: disclosures.id, accountId: disclosures.accountId, submittedAt: disclosures.submittedAt })
    .from(disclosures)
    .where(inArray(disclosures.accountId, accountIds));
  for (const accountId of new Set(accountIds)) {
    const found = activeDisclosure(
      theirs.filter((one) => one.accountId === accountId),
      startsAt,
    );
    if (found) active.set(accountId, { id: found.id, submittedAt: found.submittedAt });
  }
  return active;
}

/** A person's disclosures, newest first, with their relationships. */
export async function disclosuresOf(
  db: Database,
  accountId: string,
): Promise<(Disclosure & { relationships: DisclosureRelationship[] })[]> {
  const list = await db
    .select()
    .from(disclosures)
    .where(eq(disclosures.accountId, accountId))
    .orderBy(desc(disclosures.submittedAt));
  if (list.length === 0) return [];
  const relationships = await db
    .select()
    .from(disclosureRelationships)
    .where(
      inArray(
        disclosureRelationships.disclosureId,
        list.map((one) => one.id),
      ),
    )
    .orderBy(asc(disclosureRelationships.company));
  return list.map((one) => ({
    ...one,
    relationships: relationships.filter((relationship) => relationship.disclosureId === one.id),
  }));
}
