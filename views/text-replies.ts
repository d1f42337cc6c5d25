import type { Organization, Series, Session } from '../db/schema';
import type { Ineligibility } from '../server/eligibility';
import type { ClaimWindow } from '../server/claim-window';
import { formatInstant } from './time';

/**
 * What Rounds texts back. Where the users' help pages quote a reply, these keep its words
 * ("Thank you. We have recorded your attendance for…", "User not found in system", "Attendance
 * error... Outside meeting times", "your phone number has been updated"), so the pages stay true.
 */

type Org = Pick<Organization, 'name'>;
type Named = Pick<Session, 'name' | 'startsAt' | 'timeZone'>;

const office = (organization: Org) => `${organization.name} CME`;

export function recordedText(session: Named): string {
  return `Thank you. We have recorded your attendance for ${session.name} (${formatInstant(session.startsAt, session.timeZone)}).`;
}

export function alreadyRecordedText(session: Named, claimedAt: Date): string {
  return `Your attendance for ${session.name} was already recorded on ${formatInstant(claimedAt, session.timeZone)}. Nothing more to do.`;
}

export function outsideWindowText(session: Named, window: ClaimWindow): string {
  return `Attendance error... Outside meeting times. Attendance for ${session.name} can be recorded from ${formatInstant(window.opensAt, session.timeZone)} to ${formatInstant(window.closesAt, session.timeZone)}.`;
}

export function notRegisteredText(session: Named): string {
  return `You are not registered for this event, ${session.name}, so attendance cannot be recorded. Register first, or contact the CME office.`;
}

export function notApprovedText(organization: Org, session: Named, contact: string | null): string {
  return `${session.name} is not approved for credit, so attendance cannot be recorded. Contact ${contact ?? `the ${office(organization)} office`}.`;
}

export function notEligibleText(series: Pick<Series, 'name'>, why: Ineligibility): string {
  return why.why === 'affiliation'
    ? `${series.name} gives credit only to medical staff and affiliates, so attendance cannot be recorded for your account. If you are one, ask the CME office to mark your account.`
    : `${series.name} gives credit only to ${why.professions.join(', ')}, so attendance cannot be recorded for your profession. If your profile is wrong, correct it and text the code again.`;
}

export function codeRotatesText(session: Named, minutes: number): string {
  return `The code for ${session.name} changes every ${minutes} minutes. Text the code on the screen in the room now.`;
}

export function noSuchCodeText(typed: string): string {
  return `No session has the code ${typed}. Check the code on the slide or flyer and text it again.`;
}

export function userNotFoundText(organization: Org): string {
  return `User not found in system. To pair this phone, text the email address you sign in to ${office(organization)} with to this number. This is a one-time step.`;
}

export function pairingRequestedText(): string {
  return 'If that email has an account here, we sent it a link to pair this phone. Open the link, or text back the 6-digit code in that email.';
}

export function wrongPairingCodeText(): string {
  return 'That code does not match. Text the 6-digit code from the newest pairing email, or text your email again for a new one.';
}

export function phonePairedText(organization: Org): string {
  return `Your phone number has been updated. Text a session's attendance code to this number to record attendance at ${office(organization)}. Reply HELP for help, STOP to opt out.`;
}

export function pairingCodeText(organization: Org, code: string, minutes: number): string {
  return `${code} is your ${office(organization)} code to pair this phone. Type it on your profile within ${minutes} minutes. If you did not ask for it, ignore this text.`;
}

export function helpText(organization: Org, url: string): string {
  return `${office(organization)} attendance: text a session's code to record attendance; text your account's email to pair this phone. Help: ${url}. Msg&data rates may apply. Reply STOP to opt out.`;
}

export function stopText(organization: Org): string {
  return `You are unsubscribed from ${office(organization)} texts and will get no more. Reply START to resubscribe.`;
}

export function startText(organization: Org): string {
  return `You are resubscribed to ${office(organization)} texts. Text a session's code to record attendance. Reply HELP for help, STOP to opt out.`;
}

export function emptyText(): string {
  return "Text a session's attendance code to record your attendance, or your account's email address to pair this phone.";
}

export function tooManyTextsText(): string {
  return 'Too many texts from this phone. Wait ten minutes, then text the code again.';
}
