import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  type Account,
  accounts,
  auditEvents,
  type ClaimException,
  claimExceptions,
  type Organization,
  sessions,
} from '../db/schema';
import { renderExceptionDecided } from '../views/mail/claim-exception';
import { instantAt, localDate } from '../workflows/calendar';
import type { Background } from './background';
import { type ClaimableSession, claimRefusal, recordAttendance } from './claims';
import type { Clock } from './clock';
import type { Config } from './config';
import type { ClaimExceptionLifecycle } from './lifecycles/claim-exceptions';
import type { CreditLifecycle } from './lifecycles/credit';
import type { Mailer } from './mail';

/**
 * Attendance exceptions: a learner who missed the claim window asks, with a reason; the
 * coordinators decide. The organization may cap how many one learner asks for in a calendar year.
 */
export interface ExceptionDeps {
  db: Database;
  clock: Clock;
  config: Config;
  mailer: Mailer;
  background: Background;
  claimExceptions: ClaimExceptionLifecycle;
  credits: CreditLifecycle;
}

export const EXCEPTION_REASON_MAX = 1000;

export type ExceptionRequestOutcome =
  | { ok: true; exception: ClaimException; created: boolean }
  | { ok: false; problem: string };

/** The learner's request, once; refused when the window is still open, or past the year's cap. */
export async function requestException(
  deps: ExceptionDeps,
  organization: Organization,
  found: ClaimableSession,
  account: Account,
  input: { reason: string; credits: string },
): Promise<ExceptionRequestOutcome> {
  const now = deps.clock.now();
  const [existing] = await deps.db
    .select()
    .from(claimExceptions)
    .where(and(eq(claimExceptions.sessionId, found.session.id), eq(claimExceptions.accountId, account.id)));
  if (existing) return { ok: true, exception: existing, created: false };
  const refusal = await claimRefusal(deps.db, organization, found, account, now);
  if (refusal?.reason !== 'outside_window' || refusal.state !== 'closed') {
    return { ok: false, problem: 'An exception is only for a claim window that has closed.' };
  }
  const cap = organization.exceptionsPerYear;
  const yearStart = instantAt(
    `${localDate(now, organization.timeZone).slice(0, 4)}-01-01`,
    '00:00',
    organization.timeZone,
  );
  const exception = await deps.db.transaction(async (tx) => {
    if (cap !== null) {
      // One learner's requests are counted and written one at a time, so two sent together (two
      // tabs, a double tap on two sessions) cannot both slip under the yearly cap.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`exceptions ${account.id}`}, 0))`);
      const used = await tx
        .select({ id: claimExceptions.id })
        .from(claimExceptions)
        .where(
          and(
            eq(claimExceptions.accountId, account.id),
            gte(claimExceptions.requestedAt, yearStart),
            inArray(claimExceptions.status, ['requested', 'approved']),
          ),
        );
      // A double tap waited on the lock while its twin was written: that request is this one.
      const [twin] = await tx
        .select()
        .from(claimExceptions)
        .where(
          and(eq(claimExceptions.sessionId, found.session.id), eq(claimExceptions.accountId, account.id)),
        );
      if (twin) return null;
      if (used.length >= cap) return { capped: used.length } as const;
    }
    const [created] = await tx
      .insert(claimExceptions)
      .values({
        organizationId: organization.id,
        sessionId: found.session.id,
        accountId: account.id,
        reason: input.reason,
        credits: input.credits,
        requestedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) return null;
    await tx.insert(auditEvents).values({
      organizationId: organization.id,
      action: 'exception_requested',
      actorId: account.id,
      accountId: account.id,
      seriesId: found.series.id,
      sessionId: found.session.id,
      detail: { credits: input.credits },
      createdAt: now,
    });
    return created;
  });
  if (exception && 'capped' in exception) {
    return {
      ok: false,
      problem: `${organization.name} allows ${cap} exception${cap === 1 ? '' : 's'} a year, and you have used ${exception.capped === 1 ? 'it' : 'them'}. Contact the CME office.`,
    };
  }
  if (!exception) return requestException(deps, organization, found, account, input);
  deps.background.run('exception lifecycle start', () => deps.claimExceptions.requested(exception));
  return { ok: true, exception, created: true };
}

export type DecisionOutcome = { ok: true; approved: boolean } | { ok: false; problem: string };

/** A coordinator approves (recording the attendance) or denies a waiting request. */
export async function decideException(
  deps: ExceptionDeps,
  organization: Organization,
  found: ClaimableSession,
  exceptionId: string,
  decision: { approve: boolean; note: string; byId: string },
): Promise<DecisionOutcome> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({ exception: claimExceptions, learner: accounts })
    .from(claimExceptions)
    .innerJoin(accounts, eq(accounts.id, claimExceptions.accountId))
    .where(
      and(
        eq(claimExceptions.id, exceptionId),
        eq(claimExceptions.sessionId, found.session.id),
        eq(claimExceptions.organizationId, organization.id),
      ),
    );
  if (!row) return { ok: false, problem: 'That request is not there.' };
  if (row.exception.status !== 'requested')
    return { ok: false, problem: `That request was already ${row.exception.status}.` };
  if (decision.approve) {
    const refusal = await claimRefusal(deps.db, organization, found, row.learner, now, {
      ignoreWindow: true,
      ignoreRegistration: true,
    });
    if (refusal && refusal.reason !== 'already_recorded') {
      return {
        ok: false,
        problem:
          refusal.reason === 'not_approved'
            ? 'The session is not approved for credit, so no attendance can be recorded.'
            : 'This learner is not eligible for credit in this series.',
      };
    }
  }
  const claim = await deps.db.transaction(async (tx) => {
    const decided = await tx
      .update(claimExceptions)
      .set({
        status: decision.approve ? 'approved' : 'denied',
        decidedAt: now,
        decidedById: decision.byId,
        decisionNote: decision.note,
      })
      .where(and(eq(claimExceptions.id, exceptionId), eq(claimExceptions.status, 'requested')))
      .returning({ id: claimExceptions.id });
    if (decided.length === 0) return undefined;
    await tx.insert(auditEvents).values({
      organizationId: organization.id,
      action: 'exception_decided',
      actorId: decision.byId,
      accountId: row.learner.id,
      seriesId: found.series.id,
      sessionId: found.session.id,
      detail: { approved: decision.approve },
      createdAt: now,
    });
    if (!decision.approve) return null;
    const { claim, recorded } = await recordAttendance(tx, {
      found,
      accountId: row.learner.id,
      channel: 'exception',
      credits: row.exception.credits,
      now,
      actorId: decision.byId,
    });
    return recorded ? claim : null;
  });
  if (claim === undefined) return { ok: false, problem: 'That request was decided a moment ago.' };
  deps.background.run('exception decided', async () => {
    await deps.claimExceptions.decided(exceptionId, decision.approve);
    const mail = await renderExceptionDecided({
      organizationName: organization.name,
      recipientFirstName: row.learner.firstName,
      sessionName: found.session.name,
      approved: decision.approve,
      note: decision.note,
      myCeUrl: `${deps.config.publicUrl}/${organization.code}/my-ce`,
    });
    await deps.mailer.send({
      idempotencyKey: `claim-exception-decided-${exceptionId}`,
      organizationId: organization.id,
      kind: 'claim-exception-decided',
      to: row.learner.email,
      ...mail,
    });
  });
  return { ok: true, approved: decision.approve };
}

/** A session's requests, waiting ones first, with who asked. */
export async function exceptionsOf(db: Database, organizationId: string, sessionId: string) {
  return db
    .select({
      exception: claimExceptions,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
      email: accounts.email,
    })
    .from(claimExceptions)
    .innerJoin(accounts, eq(accounts.id, claimExceptions.accountId))
    .where(and(eq(claimExceptions.organizationId, organizationId), eq(claimExceptions.sessionId, sessionId)))
    .orderBy(asc(claimExceptions.status), asc(claimExceptions.requestedAt));
}

export type SessionException = Awaited<ReturnType<typeof exceptionsOf>>[number];

/** A learner's requests still waiting or denied, for My CE (an approved one is a claim there). */
export async function exceptionsOfLearner(db: Database, organizationId: string, accountId: string) {
  return db
    .select({
      id: claimExceptions.id,
      status: claimExceptions.status,
      decisionNote: claimExceptions.decisionNote,
      requestedAt: claimExceptions.requestedAt,
      sessionName: sessions.name,
    })
    .from(claimExceptions)
    .innerJoin(sessions, eq(sessions.id, claimExceptions.sessionId))
    .where(
      and(
        eq(claimExceptions.organizationId, organizationId),
        eq(claimExceptions.accountId, accountId),
        inArray(claimExceptions.status, ['requested', 'denied']),
      ),
    )
    .orderBy(asc(claimExceptions.requestedAt));
}
