import { and, eq, gt, isNull } from 'drizzle-orm';
import { type Disclosure, type Organization, type Session, sessionFaculty, sessions } from '../../db/schema';
import type { AppDeps } from '../context';
import { forgetKeptSessions } from '../claims';
import { requestPresentation } from '../presentations';
import { disclosureLapsesAt } from '../session-status';
import { CLAIM_MINUTES_AFTER_MAX } from '../organization-settings';

/**
 * What pages tell the lifecycles once a change has committed. The database already holds the
 * change, so the page answers without waiting; a lifecycle that cannot be reached is logged, and
 * the next change (or the status derived on every view) carries the truth.
 */
type Deps = Pick<AppDeps, 'db' | 'background' | 'sessionApproval' | 'disclosures' | 'claimWindows'>;
type MailDeps = Deps & Pick<AppDeps, 'mailer' | 'clock' | 'config'>;

/** Faculty of a session who were asked to disclose. */
async function askedToDisclose(deps: Deps, sessionId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ accountId: sessionFaculty.accountId })
    .from(sessionFaculty)
    .where(and(eq(sessionFaculty.sessionId, sessionId), eq(sessionFaculty.requestDisclosure, true)));
  return rows.map((row) => row.accountId);
}

export function sessionsCreated(deps: Deps, organization: Organization, created: Session[]): void {
  deps.background.run('session lifecycles start', () =>
    deps.sessionApproval.start(organization.id, created, organization.holidays),
  );
  deps.background.run('claim windows start', () => deps.claimWindows.start(organization.id, created));
}

/**
 * Sessions edited, moved or deactivated: their lifecycles re-plan (a plan carries the date, so an
 * unchanged one re-plans to the same checks) or end, and so do their disclosure chases.
 */
export function sessionsChanged(
  deps: Deps,
  organization: Organization,
  changed: Session[],
  reason: 'details' | 'date' | 'deactivated',
): void {
  forgetKeptSessions(deps.db);
  deps.background.run('claim windows re-plan', async () => {
    for (const session of changed) await deps.claimWindows.changed(organization.id, session);
  });
  deps.background.run('session lifecycles re-plan', async () => {
    for (const session of changed) {
      await deps.sessionApproval.changed(organization.id, session, organization.holidays, reason);
      const asked = await askedToDisclose(deps, session.id);
      if (reason === 'deactivated') await deps.disclosures.withdrawn(session.id, asked);
      else await deps.disclosures.sessionMoved(session, asked);
    }
  });
}

/** Faculty added or removed: the session's lifecycle hears of it, and the person is asked or no longer asked. */
export function facultyChanged(
  deps: MailDeps,
  organization: Organization,
  session: Session,
  change: { added: string; requestDisclosure: boolean; requestPresentation: boolean } | { removed: string },
): void {
  deps.background.run('faculty change', async () => {
    await deps.sessionApproval.changed(organization.id, session, organization.holidays, 'faculty');
    if ('removed' in change) {
      await deps.disclosures.withdrawn(session.id, [change.removed]);
      return;
    }
    if (change.requestDisclosure) await deps.disclosures.requested(organization, session, change.added);
    if (change.requestPresentation) await requestPresentation(deps, organization, session, change.added);
  });
}

/**
 * A disclosure was submitted: its year starts, the person's older disclosures fall silent, the
 * chases for sessions it covers end, and those sessions' lifecycles hear of it.
 */
export function disclosureSubmitted(
  deps: Deps,
  organization: Organization,
  disclosure: Disclosure,
  previousDisclosureIds: string[],
): void {
  deps.background.run('disclosure lifecycles', async () => {
    const lapses = disclosureLapsesAt(disclosure.submittedAt);
    const upcoming = await deps.db
      .select({ session: sessions })
      .from(sessionFaculty)
      .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
      .where(
        and(
          eq(sessionFaculty.accountId, disclosure.accountId),
          gt(sessions.startsAt, disclosure.submittedAt),
          isNull(sessions.deactivatedAt),
        ),
      );
    const covered = upcoming.filter((row) => row.session.startsAt < lapses).map((row) => row.session.id);
    await deps.disclosures.submitted(organization, disclosure, previousDisclosureIds, covered);
    for (const { session } of upcoming) {
      await deps.sessionApproval.changed(organization.id, session, organization.holidays, 'disclosure');
    }
  });
}

/** New holidays move 3-by-5 deadlines: every upcoming session of the organization re-plans. */
export function upcomingSessionsReplan(
  deps: Deps & Pick<AppDeps, 'clock'>,
  organization: Organization,
): void {
  deps.background.run('sessions re-plan for holidays', async () => {
    const upcoming = await deps.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.organizationId, organization.id),
          gt(sessions.startsAt, deps.clock.now()),
          isNull(sessions.deactivatedAt),
        ),
      );
    for (const session of upcoming) {
      await deps.sessionApproval.changed(organization.id, session, organization.holidays, 'holidays');
    }
  });
}

/**
 * The organization changed its default claim window or code rotation: every window not yet
 * closed reads its plan again (a window closes at most MAX minutes after its session's end).
 */
export function claimWindowsReplan(deps: Deps & Pick<AppDeps, 'clock'>, organization: Organization): void {
  deps.background.run('claim windows re-plan', async () => {
    const since = new Date(deps.clock.now().getTime() - CLAIM_MINUTES_AFTER_MAX * 60_000);
    const open = await deps.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.organizationId, organization.id),
          gt(sessions.endsAt, since),
          isNull(sessions.deactivatedAt),
        ),
      );
    for (const session of open) await deps.claimWindows.changed(organization.id, session);
  });
}

/**
 * A session was approved: its claim window reads its plan again, so codes start rotating even
 * when the approval came after the window opened.
 */
export function sessionApproved(deps: Deps, organization: Organization, session: Session): void {
  forgetKeptSessions(deps.db);
  deps.background.run('claim window after approval', () =>
    deps.claimWindows.changed(organization.id, session),
  );
}
