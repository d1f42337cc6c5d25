import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  auditEvents,
  type Organization,
  type Series,
  type Session,
  sessionRegistrations,
} from '../db/schema';
import { type Claimant, type Ineligibility, ineligibility } from './eligibility';

/** The session asked about, as claims.ts finds it (not imported: claims.ts asks registeredAt). */
interface RegisteringFor {
  session: Pick<Session, 'id' | 'requiresRegistration' | 'startsAt'>;
  series: Series;
}

/**
 * Where a learner stands with a session that may require registration (the seeds: "you must be
 * registered and marked as attended"). Registration closes when the session begins: it tells the
 * office who is coming, and a walk-in is recorded by a coordinator instead.
 */
export type RegistrationState =
  | { kind: 'not_required' }
  | { kind: 'registered'; at: Date }
  | { kind: 'open' }
  | { kind: 'closed' }
  | { kind: 'ineligible'; ineligibility: Ineligibility };

/** When the learner registered for the session, or null. */
export async function registeredAt(db: Database, sessionId: string, accountId: string): Promise<Date | null> {
  const [registered] = await db
    .select({ at: sessionRegistrations.registeredAt })
    .from(sessionRegistrations)
    .where(and(eq(sessionRegistrations.sessionId, sessionId), eq(sessionRegistrations.accountId, accountId)))
    .limit(1);
  return registered?.at ?? null;
}

export async function registrationState(
  db: Database,
  organization: Pick<Organization, 'affiliateDomains'>,
  found: RegisteringFor,
  account: Claimant,
  now: Date,
): Promise<RegistrationState> {
  if (!found.session.requiresRegistration) return { kind: 'not_required' };
  const registered = await registeredAt(db, found.session.id, account.id);
  if (registered) return { kind: 'registered', at: registered };
  if (now.getTime() >= found.session.startsAt.getTime()) return { kind: 'closed' };
  const ineligible = ineligibility(account, found.series, organization);
  if (ineligible) return { kind: 'ineligible', ineligibility: ineligible };
  return { kind: 'open' };
}

/**
 * Registers the learner, once: a second press finds the first registration. The registration and
 * its audit record are written together. Returns where the learner stands afterwards.
 */
export async function register(
  db: Database,
  organization: Pick<Organization, 'id' | 'affiliateDomains'>,
  found: RegisteringFor,
  account: Claimant,
  now: Date,
): Promise<RegistrationState> {
  const state = await registrationState(db, organization, found, account, now);
  if (state.kind !== 'open') return state;
  await db.transaction(async (tx) => {
    const made = await tx
      .insert(sessionRegistrations)
      .values({ sessionId: found.session.id, accountId: account.id, registeredAt: now })
      .onConflictDoNothing()
      .returning({ at: sessionRegistrations.registeredAt });
    if (made.length === 0) return;
    await tx.insert(auditEvents).values({
      organizationId: organization.id,
      action: 'registered_for_session',
      actorId: account.id,
      accountId: account.id,
      seriesId: found.series.id,
      sessionId: found.session.id,
      createdAt: now,
    });
  });
  return registrationState(db, organization, found, account, now);
}
