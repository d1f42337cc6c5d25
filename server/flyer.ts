import type { Organization, Series, Session } from '../db/schema';
import { NATURE_LABELS } from './disclosures';
import type { SessionState } from './session-facts';
import { SESSION_STATUS_LABELS } from './session-status';

/**
 * What a session's flyer says (SPEC: Flyer; ACCME Standard 3 disclosure to learners): topic,
 * series, when and where, each faculty member's relevant financial relationships or "nothing to
 * disclose", that all were mitigated, the organization's accreditation and credit designation
 * statements, and how to claim. Only for an APPROVED session with faculty, and only once both
 * statements are written. The PDF and Word renderers (views/flyer-*.ts) lay it out.
 */
export interface FlyerFaculty {
  name: string;
  /** "Consultant, Acme Pharma"; empty: nothing to disclose. */
  relationships: string[];
}

export interface FlyerContent {
  organizationName: string;
  title: string;
  seriesName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: string;
  credits: string;
  faculty: FlyerFaculty[];
  mitigationStatement: string;
  accreditationStatement: string;
  creditDesignationStatement: string;
  claim: {
    code: string;
    eventId: number;
    smsNumber: string | null;
    /** Where the claim page is, and what the QR code opens. */
    claimUrl: string;
    qrUrl: string;
    /** The organization rotates codes: the code is on the screen in the room, not on paper. */
    rotating: boolean;
  };
}

export const MITIGATION_STATEMENT =
  'All relevant financial relationships listed for the individuals above have been mitigated.';

/** Why there is no flyer yet, in words for the person who asked; null when there can be one. */
export function flyerRefusal(
  organization: Pick<Organization, 'accreditationStatement' | 'creditDesignationStatement'>,
  state: SessionState,
  viewerIsAdmin: boolean,
): string | null {
  const status = state.status.status;
  if (status !== 'approved') {
    return `A flyer can be generated only for an APPROVED session; this one is ${SESSION_STATUS_LABELS[status]}.`;
  }
  if (state.faculty.length === 0) return 'A flyer needs faculty: assign the session’s speaker first.';
  const missing = [
    organization.accreditationStatement.trim() === '' ? 'accreditation statement' : null,
    organization.creditDesignationStatement.trim() === '' ? 'credit designation statement' : null,
  ].filter((part): part is string => part !== null);
  if (missing.length > 0) {
    const what = missing.join(' and ');
    return viewerIsAdmin
      ? `The organization’s ${what} ${missing.length > 1 ? 'are' : 'is'} still empty. Enter ${missing.length > 1 ? 'them' : 'it'} under Settings, then generate the flyer.`
      : `The organization’s ${what} ${missing.length > 1 ? 'are' : 'is'} still empty. Ask an admin of the CME office to enter ${missing.length > 1 ? 'them' : 'it'} under Settings.`;
  }
  return null;
}

export function flyerContent(input: {
  organization: Organization;
  session: Session;
  series: Series;
  state: SessionState;
  publicUrl: string;
}): FlyerContent {
  const { organization, session, series, state, publicUrl } = input;
  const claimUrl = `${publicUrl}/${organization.code}/claim`;
  return {
    organizationName: organization.name,
    title: session.name,
    seriesName: series.name,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    timeZone: session.timeZone,
    location: session.location,
    credits: session.credits,
    faculty: state.faculty.map((member) => ({
      name: `${member.firstName} ${member.lastName}${member.degree ? `, ${member.degree}` : ''}`,
      relationships: (member.coi.active?.relationships ?? []).map(
        (relationship) =>
          `${NATURE_LABELS[relationship.nature as keyof typeof NATURE_LABELS] ?? relationship.nature}, ${relationship.company}`,
      ),
    })),
    mitigationStatement: MITIGATION_STATEMENT,
    accreditationStatement: organization.accreditationStatement.trim(),
    creditDesignationStatement: organization.creditDesignationStatement.trim(),
    claim: {
      code: session.attendanceCode,
      eventId: session.childId,
      smsNumber: organization.smsNumber,
      claimUrl,
      qrUrl: `${claimUrl}/${session.attendanceCode}?via=qr`,
      rotating: organization.rotatingCodeMinutes > 0,
    },
  };
}

/** The sentences on how to claim, shared by both renderers. */
export function claimSentences(content: FlyerContent): string[] {
  const { claim } = content;
  if (claim.rotating) {
    return [
      'Record your attendance with the code shown on the screen during the session: it changes every few minutes.',
      claim.smsNumber ? `Text that code to ${claim.smsNumber}, or` : '',
      `scan the QR code on the screen, or go to ${claim.claimUrl} and enter it.`,
    ].filter(Boolean);
  }
  return [
    `Attendance code: ${claim.code} (Event ID ${claim.eventId}).`,
    claim.smsNumber
      ? `Text ${claim.code} to ${claim.smsNumber} (first time: text your account's email address to pair your phone).`
      : '',
    `Or scan the QR code, or go to ${claim.claimUrl} and enter ${claim.code}.`,
  ].filter(Boolean);
}
