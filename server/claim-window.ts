import type { Organization, Session } from '../db/schema';

/**
 * When attendance may be recorded (SPEC lifecycle 4): from N minutes before the start to M minutes
 * after the end, the organization's defaults unless the session overrides them. Both edges are
 * inside the window: a text at exactly start − N counts, and so does one at exactly end + M.
 */
export interface ClaimWindow {
  opensAt: Date;
  closesAt: Date;
}

const MINUTE = 60_000;

export function claimWindow(
  session: Pick<Session, 'startsAt' | 'endsAt' | 'claimMinutesBefore' | 'claimMinutesAfter'>,
  organization: Pick<Organization, 'claimMinutesBefore' | 'claimMinutesAfter'>,
): ClaimWindow {
  const before = session.claimMinutesBefore ?? organization.claimMinutesBefore;
  const after = session.claimMinutesAfter ?? organization.claimMinutesAfter;
  return {
    opensAt: new Date(session.startsAt.getTime() - before * MINUTE),
    closesAt: new Date(session.endsAt.getTime() + after * MINUTE),
  };
}

/** 'early' before the window opens, 'open' inside it (edges included), 'closed' after. */
export function windowState(window: ClaimWindow, now: Date): 'early' | 'open' | 'closed' {
  if (now.getTime() < window.opensAt.getTime()) return 'early';
  if (now.getTime() > window.closesAt.getTime()) return 'closed';
  return 'open';
}
