import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  accounts,
  auditEvents,
  certificates,
  creditRequirements,
  testAttempts,
  type Claim,
  type ClaimChannel,
  claims,
  type Organization,
  type Series,
  type Session,
  series,
  seriesRoles,
  sessions,
} from '../db/schema';
import { registeredAt } from './registrations';
import { normalizeAttendanceCode } from './attendance-codes';
import { type ClaimWindow, claimWindow, windowState } from './claim-window';
import { type Claimant, type Ineligibility, ineligibility } from './eligibility';
import { sessionState } from './session-facts';

/**
 * Recording attendance: finding the session a learner means, deciding whether this learner may
 * claim it now, and recording the claim exactly once. Every channel (a text, the web, a QR code,
 * a coordinator) goes through here, so they all refuse for the same reasons.
 */

export interface ClaimableSession {
  session: Session;
  series: Series;
  /** The learner's claim on it when already known (null: none, or left for the write to find). */
  existing?: Claim | null;
  /** What the learner typed matched: the Event ID, the printed code, or a code on the screen now. */
  matched?: 'child_id' | 'code' | 'rotating';
}

/**
 * The session a learner means by what they typed or texted: its attendance code, in any case and
 * with spaces or dashes, its numeric child ID (the "Event ID"), or the rotating code its screen
 * shows now or showed just before. Deactivated sessions are gone.
 */
export async function findSessionByCode(
  db: Database,
  organizationId: string,
  typed: string,
): Promise<ClaimableSession | null> {
  const code = normalizeAttendanceCode(typed);
  if (code === '' || code.length > 20) return null;
  const codeMatch = or(
    eq(sessions.attendanceCode, code),
    eq(sessions.rotatingCode, code),
    eq(sessions.rotatingCodePrevious, code),
  );
  // An older code of digits alone is matched as a code before anyone reads it as an Event ID.
  const byChildId = /^\d{1,9}$/.test(code);
  const [row] = await db
    .select({ session: sessions, series })
    .from(sessions)
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(
      and(
        eq(sessions.organizationId, organizationId),
        byChildId ? or(codeMatch, eq(sessions.childId, Number(code))) : codeMatch,
        isNull(sessions.deactivatedAt),
      ),
    )
    .orderBy(sql`case when ${sessions.childId} = ${byChildId ? Number(code) : -1} then 1 else 0 end`)
    .limit(1);
  if (!row) return null;
  const matched =
    row.session.attendanceCode === code
      ? 'code'
      : row.session.rotatingCode === code || row.session.rotatingCodePrevious === code
        ? 'rotating'
        : 'child_id';
  return { session: row.session, series: row.series, matched };
}

/**
 * A room of 300 texting one code asks for the same session 300 times in a minute: what a code
 * means is kept a few seconds per database and organization (as an approval is, approvedForCredit).
 * A session moved, deactivated or approved is seen at once by the web process that changed it
 * (forgetKeptSessions), and by any other within SESSION_KEPT_MS; so is a new screen code, drawn by
 * the worker (the same process only under `npm start`). A code that matches nothing is never kept.
 */
const SESSION_KEPT_MS = 5_000;
const keptSessions = new WeakMap<Database, Map<string, { found: ClaimableSession; until: number }>>();

export function forgetKeptSessions(db: Database): void {
  keptSessions.delete(db);
}

export async function findSessionByCodeKept(
  db: Database,
  organizationId: string,
  typed: string,
): Promise<ClaimableSession | null> {
  const key = `${organizationId} ${normalizeAttendanceCode(typed)}`;
  let kept = keptSessions.get(db);
  const hit = kept?.get(key);
  if (hit && hit.until > performance.now()) return hit.found;
  const found = await findSessionByCode(db, organizationId, typed);
  if (!kept) {
    kept = new Map();
    keptSessions.set(db, kept);
  }
  if (kept.size > 10_000) kept.clear();
  if (found) kept.set(key, { found, until: performance.now() + SESSION_KEPT_MS });
  else kept.delete(key);
  return found;
}

export type ClaimRefusal =
  | { reason: 'not_approved'; contact: string | null }
  | { reason: 'code_rotates'; minutes: number }
  | { reason: 'not_eligible'; ineligibility: Ineligibility }
  | { reason: 'outside_window'; window: ClaimWindow; state: 'early' | 'closed' }
  | { reason: 'not_registered' }
  | { reason: 'already_recorded'; claim: Claim };

/**
 * Credit is given only for a session APPROVED before it started (SPEC: session approval): an
 * approval given afterwards does not reach back, and one the facts no longer support has lapsed.
 */
export async function approvedForCredit(db: Database, found: ClaimableSession): Promise<boolean> {
  const { session } = found;
  if (!session.approvedAt || session.approvedAt.getTime() > session.startsAt.getTime()) return false;
  const key = `${session.id} ${session.approvedAt.getTime()} ${session.approvedBasis}`;
  const known = stillApproved.get(db)?.get(key);
  if (known !== undefined && known > performance.now()) return true;
  const state = await sessionState(db, session, found.series);
  const approved = state.status.status === 'approved';
  if (approved) {
    let verdicts = stillApproved.get(db);
    if (!verdicts) {
      verdicts = new Map();
      stillApproved.set(db, verdicts);
    }
    if (verdicts.size > 10_000) verdicts.clear();
    verdicts.set(key, performance.now() + APPROVAL_KEPT_MS);
  }
  return approved;
}

/**
 * A room of 300 texting one code asks the same question 300 times in a minute: an approval found
 * to hold is believed for a few seconds (per database, per approval), so a lapse (a disclosure
 * withdrawn mid-session) takes effect within APPROVAL_KEPT_MS. A refusal is never kept.
 */
const APPROVAL_KEPT_MS = 5_000;
const stillApproved = new WeakMap<Database, Map<string, number>>();

/** Who a learner asks about a session that cannot give credit: a coordinator of its series. */
async function contactFor(db: Database, found: ClaimableSession): Promise<string | null> {
  const [coordinator] = await db
    .select({ firstName: accounts.firstName, lastName: accounts.lastName, email: accounts.email })
    .from(seriesRoles)
    .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
    .where(and(eq(seriesRoles.seriesId, found.series.id), eq(seriesRoles.role, 'coordinator')))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName))
    .limit(1);
  return coordinator ? `${coordinator.firstName} ${coordinator.lastName} (${coordinator.email})` : null;
}

/** The claim this learner already has for the session, if any. */
export async function existingClaim(
  db: Database,
  sessionId: string,
  accountId: string,
): Promise<Claim | null> {
  const [claim] = await db
    .select()
    .from(claims)
    .where(and(eq(claims.sessionId, sessionId), eq(claims.accountId, accountId)))
    .limit(1);
  return claim ?? null;
}

/**
 * Why `account` may not claim the session now, or null when they may. "Already recorded" comes
 * first: it is good news, and true after the window closes too. Then a session that gives no
 * credit, the window, and registration: the order a learner can do something about them.
 */
export async function claimRefusal(
  db: Database,
  organization: Organization,
  found: ClaimableSession,
  account: Claimant,
  now: Date,
  options: {
    /** A coordinator records it (by hand, a sign-in sheet, an exception): after the window too. */
    ignoreWindow?: boolean;
    /** A coordinator attests the attendance: a walk-in who never registered is recorded as well. */
    ignoreRegistration?: boolean;
    /** Already known for this session (a sheet of many rows). */
    approved?: boolean;
  } = {},
): Promise<ClaimRefusal | null> {
  const already =
    found.existing !== undefined ? found.existing : await existingClaim(db, found.session.id, account.id);
  if (already) return { reason: 'already_recorded', claim: already };
  const refusal = await sessionRefusal(db, organization, found, now, options);
  if (refusal) return refusal;
  const ineligible = ineligibility(account, found.series, organization);
  if (ineligible) return { reason: 'not_eligible', ineligibility: ineligible };
  if (
    found.session.requiresRegistration &&
    !options.ignoreRegistration &&
    !(await registeredAt(db, found.session.id, account.id))
  ) {
    return { reason: 'not_registered' };
  }
  return null;
}

/**
 * Why nobody may claim the session now, whoever they are, or null: a session that gives no credit,
 * a code the screen has replaced, the window. claimRefusal's checks that need no learner, in its
 * order.
 */
export async function sessionRefusal(
  db: Database,
  organization: Organization,
  found: ClaimableSession,
  now: Date,
  options: { ignoreWindow?: boolean; approved?: boolean } = {},
): Promise<ClaimRefusal | null> {
  if (!(options.approved ?? (await approvedForCredit(db, found)))) {
    return { reason: 'not_approved', contact: await contactFor(db, found) };
  }
  // While the screen shows rotating codes, the printed code and the Event ID are not enough: the
  // learner must be where the screen is. If the lifecycle has not drawn a code, printed ones work.
  if (found.session.rotatingCode && found.matched !== undefined && found.matched !== 'rotating') {
    return { reason: 'code_rotates', minutes: organization.rotatingCodeMinutes };
  }
  if (!options.ignoreWindow) {
    const window = claimWindow(found.session, organization);
    const state = windowState(window, now);
    if (state !== 'open') return { reason: 'outside_window', window, state };
  }
  return null;
}

/**
 * Records the attendance, once: a second claim for the same learner and session (a retried text,
 * two taps) finds the first and records nothing. `db` may be a transaction.
 */
export async function recordClaim(
  db: Database,
  input: {
    session: Pick<Session, 'id' | 'organizationId' | 'credits'>;
    accountId: string;
    channel: ClaimChannel;
    credits?: string;
    now: Date;
    recordedById?: string | null;
  },
): Promise<{ claim: Claim; recorded: boolean }> {
  const [inserted] = await db
    .insert(claims)
    .values({
      organizationId: input.session.organizationId,
      sessionId: input.session.id,
      accountId: input.accountId,
      channel: input.channel,
      credits: input.credits ?? input.session.credits,
      claimedAt: input.now,
      recordedById: input.recordedById ?? null,
    })
    .onConflictDoNothing({ target: [claims.sessionId, claims.accountId] })
    .returning();
  if (inserted) return { claim: inserted, recorded: true };
  const existing = await existingClaim(db, input.session.id, input.accountId);
  if (!existing) throw new Error('claim conflicted but is not there');
  return { claim: existing, recorded: false };
}

export type LearnerClaim = Awaited<ReturnType<typeof claimsOf>>[number];

/**
 * Records the attendance once, with its audit record in the same transaction-to-be (`db` may be
 * one): both or neither.
 */
export async function recordAttendance(
  db: Database,
  input: {
    found: ClaimableSession;
    accountId: string;
    channel: ClaimChannel;
    credits?: string;
    now: Date;
    /** Who did it: the learner, or the coordinator who recorded it for them. */
    actorId: string;
    detail?: Record<string, unknown>;
  },
): Promise<{ claim: Claim; recorded: boolean }> {
  const { found } = input;
  const result = await recordClaim(db, {
    session: found.session,
    accountId: input.accountId,
    channel: input.channel,
    ...(input.credits ? { credits: input.credits } : {}),
    now: input.now,
    recordedById: input.actorId === input.accountId ? null : input.actorId,
  });
  if (result.recorded) {
    await db.insert(auditEvents).values({
      organizationId: found.session.organizationId,
      action: 'attendance_recorded',
      actorId: input.actorId,
      accountId: input.accountId,
      seriesId: found.series.id,
      sessionId: found.session.id,
      detail: { channel: input.channel, credits: result.claim.credits, ...input.detail },
      createdAt: input.now,
    });
  }
  return result;
}

/**
 * Where a claim's credit stands, for My CE and Who attended alike (creditStanding words it): what
 * its lifecycle fixed it requires, the post-test attempts used, and its certificate, if any.
 */
const creditColumns = {
  /** Null for a claim whose lifecycle has not opened it yet, or from before evaluations existed. */
  requirement: {
    dueAt: creditRequirements.dueAt,
    evaluation: sql<boolean>`${creditRequirements.evaluationQuestions} is not null`,
    evaluationCompletedAt: creditRequirements.evaluationCompletedAt,
    test: sql<boolean>`${creditRequirements.testQuestions} is not null`,
    testPassedAt: creditRequirements.testPassedAt,
    attemptsAllowed: creditRequirements.attemptsAllowed,
    lapsedAt: creditRequirements.lapsedAt,
    certificate: creditRequirements.certificate,
  },
  attemptsUsed: sql<number>`(select count(*)::int from ${testAttempts} where ${testAttempts.claimId} = ${claims.id})`,
  certificateId: certificates.id,
  certificateSerial: certificates.serial,
};

/** A claim with creditColumns, as creditStanding reads it (a left join: the requirement's fields may be null). */
export interface ClaimCredit {
  claim: Pick<Claim, 'creditRecordedAt'>;
  requirement: {
    dueAt: Date | null;
    evaluation: boolean;
    evaluationCompletedAt: Date | null;
    test: boolean;
    testPassedAt: Date | null;
    attemptsAllowed: number | null;
    lapsedAt: Date | null;
    certificate: boolean | null;
  } | null;
  attemptsUsed: number;
  certificateId: string | null;
}

/** A learner's claims, newest first, with their sessions: "My CE". */
export async function claimsOf(db: Database, organizationId: string, accountId: string) {
  return db
    .select({
      claim: claims,
      session: {
        id: sessions.id,
        name: sessions.name,
        childId: sessions.childId,
        startsAt: sessions.startsAt,
        endsAt: sessions.endsAt,
        timeZone: sessions.timeZone,
      },
      seriesName: series.name,
      creditType: series.creditType,
      ...creditColumns,
      bestScore: sql<
        number | null
      >`(select max(${testAttempts.score}) from ${testAttempts} where ${testAttempts.claimId} = ${claims.id})`,
    })
    .from(claims)
    .innerJoin(sessions, eq(sessions.id, claims.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .leftJoin(creditRequirements, eq(creditRequirements.claimId, claims.id))
    .leftJoin(certificates, eq(certificates.claimId, claims.id))
    .where(and(eq(claims.organizationId, organizationId), eq(claims.accountId, accountId)))
    .orderBy(desc(sessions.startsAt));
}

/** How many claims a session has per channel, for the dashboard. */
export async function claimCounts(db: Database, sessionId: string): Promise<Map<ClaimChannel, number>> {
  const rows = await db
    .select({ channel: claims.channel, count: sql<number>`count(*)::int` })
    .from(claims)
    .where(eq(claims.sessionId, sessionId))
    .groupBy(claims.channel);
  return new Map(rows.map((row) => [row.channel, row.count]));
}

/**
 * The credits a learner may claim for a session on the web: its full credit down to a quarter, in
 * quarters (AMA PRA: credit commensurate with the extent of participation). '1.00' → ['1.00',
 * '0.75', '0.50', '0.25'].
 */
export function claimableCredits(sessionCredits: string): string[] {
  const quarters = Math.round(Number(sessionCredits) * 4);
  const options: string[] = [];
  for (let q = quarters; q >= 1; q -= 1) options.push((q / 4).toFixed(2));
  return options;
}

/** The credits typed or chosen, as stored ('0.75'), or null when it is not a quarter from 0.25 to the session's credit. */
export function claimedCredits(typed: string, sessionCredits: string): string | null {
  const trimmed = typed.trim();
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  const quarters = value * 4;
  if (Math.abs(quarters - Math.round(quarters)) > 1e-9) return null;
  if (value < 0.25 || value > Number(sessionCredits) + 1e-9) return null;
  return value.toFixed(2);
}

/** Who attended a session, by last name: for the people who run it. */
export async function attendanceOf(db: Database, organizationId: string, sessionId: string) {
  return db
    .select({
      claim: claims,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
      degree: accounts.degree,
      profession: accounts.profession,
      email: accounts.email,
      ...creditColumns,
    })
    .from(claims)
    .innerJoin(accounts, eq(accounts.id, claims.accountId))
    .leftJoin(creditRequirements, eq(creditRequirements.claimId, claims.id))
    .leftJoin(certificates, eq(certificates.claimId, claims.id))
    .where(and(eq(claims.organizationId, organizationId), eq(claims.sessionId, sessionId)))
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
}

export type Attendee = Awaited<ReturnType<typeof attendanceOf>>[number];
