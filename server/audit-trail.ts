import type { Database } from '../db/client';
import { auditEvents } from '../db/schema';
import type { Clock } from './clock';
import type { Log } from './log';

/** What the audit trail and the security log record. One word each, past tense: it happened. */
export const AUDIT_ACTIONS = [
  'sign_in_succeeded',
  'sign_in_failed',
  'sign_in_throttled',
  'account_locked',
  'account_unlocked',
  'roles_changed',
  'password_reset_requested',
  'password_reset',
  'email_confirmed',
  'account_created',
  'sign_up_for_existing_email',
  'access_refused',
  'signed_out',
  'password_changed',
  'authenticator_enrolment_started',
  'authenticator_enabled',
  'authenticator_disabled',
  'recovery_codes_replaced',
  'institution_sign_in_linked',
  'settings_changed',
  'profile_updated',
  'series_created',
  'series_approved',
  'renewal_requested',
  'series_updated',
  'session_created',
  'session_updated',
  'session_deactivated',
  'faculty_added',
  'faculty_removed',
  'disclosure_submitted',
  'relationship_reviewed',
  'session_approved',
  'session_name_accepted',
  'escalation_opened',
  'escalation_closed',
  'session_status_checked',
  'disclosure_requested',
  'disclosure_lapsed',
  'session_commented',
  'presentation_requested',
  'presentation_uploaded',
  'presentation_deleted',
  'session_message_sent',
  'phone_pairing_requested',
  'phone_paired',
  'texts_stopped',
  'texts_started',
  'attendance_recorded',
  'affiliation_changed',
  'exception_requested',
  'exception_decided',
  'sign_in_sheet_applied',
  'registered_for_session',
  'evaluation_submitted',
  'test_attempted',
  'credit_reopened',
  'transcript_emailed',
  'external_credit_added',
  'external_credit_removed',
  'evaluation_form_saved',
  'post_test_saved',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  organizationId: string | null;
  action: AuditAction;
  actorId?: string | null;
  accountId?: string | null;
  /** The series or session acted on, so its page's history shows the event. */
  seriesId?: string | null;
  sessionId?: string | null;
  clientAddress?: string | null;
  /** Facts, never secrets: a password or token must not reach this. */
  detail?: Record<string, unknown>;
}

/**
 * Writes the entry to the audit trail and, as one JSON line, to the log, where operators ship
 * security events to whatever watches them. A failure to record is logged, never shown: the person
 * in front of the page did nothing wrong.
 */
export async function record(deps: { db: Database; clock: Clock; log: Log }, entry: AuditEntry) {
  const at = deps.clock.now();
  const row = {
    organizationId: entry.organizationId,
    actorId: entry.actorId ?? null,
    accountId: entry.accountId ?? null,
    seriesId: entry.seriesId ?? null,
    sessionId: entry.sessionId ?? null,
    action: entry.action,
    clientAddress: entry.clientAddress ?? null,
    detail: entry.detail ?? {},
    createdAt: at,
  };
  deps.log.info(`security ${JSON.stringify({ at: at.toISOString(), ...row })}`);
  try {
    await deps.db.insert(auditEvents).values(row);
  } catch (error) {
    deps.log.error(`could not record ${entry.action} in the audit trail`, error);
  }
}
