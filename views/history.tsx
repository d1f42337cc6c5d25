import type { HistoryEntry, RecordedValue } from '../server/history';
import { formatInstant } from './time';

/** What each recorded action is called on a history list. */
const ACTION_WORDS: Record<string, string> = {
  series_created: 'Series created',
  series_approved: 'Series approved',
  series_updated: 'Series details changed',
  renewal_requested: 'Renewal requested',
  session_created: 'Session created',
  session_updated: 'Session changed',
  session_deactivated: 'Session deactivated',
  faculty_added: 'Faculty added',
  disclosure_submitted: 'Disclosure submitted',
  faculty_removed: 'Faculty removed',
  account_created: 'Account made for a new faculty member',
  relationship_reviewed: 'Relationship reviewed',
  session_approved: 'Session approved',
  escalation_opened: 'Escalation ticket opened',
  escalation_closed: 'Escalation ticket closed',
  session_status_checked: 'Status check emailed',
  disclosure_requested: 'Disclosure requested',
  disclosure_lapsed: 'Disclosure lapsed',
  session_commented: 'Comment',
  session_name_accepted: 'Name accepted by a reviewer',
  presentation_requested: 'Presentation requested',
  presentation_uploaded: 'Presentation uploaded',
  presentation_deleted: 'Presentation deleted',
  session_message_sent: 'Email sent',
  attendance_recorded: 'Attendance recorded',
  exception_requested: 'Exception requested',
  exception_decided: 'Exception decided',
  sign_in_sheet_applied: 'Sign-in sheet applied',
  registered_for_session: 'Registered',
};

/** Facts a record notes beside its change, worth a line of their own. */
const NOTE_WORDS: Record<string, string> = {
  faculty: 'Faculty',
  to: 'To',
  subject: 'Subject',
  because: 'Reason',
  type: 'Type',
  size: 'Size',
  channel: 'Channel',
};

const FIELD_WORDS: Record<string, string> = {
  name: 'Name',
  startsAt: 'Starts',
  endsAt: 'Ends',
  timeZone: 'Time zone',
  location: 'Location',
  department: 'Department',
  objectives: 'Objectives',
  specialties: 'Specialties',
  professions: 'Professions',
  credits: 'Credits',
  creditsPerSession: 'Credits per session',
  creditForProfessionsOnly: 'Credit only for those professions',
  affiliatesOnly: 'Credit only for medical staff and affiliates',
  claimMinutesBefore: 'Claim minutes before start',
  claimMinutesAfter: 'Claim minutes after end',
  requiresRegistration: 'Registration required',
  notes: 'Supporting notes',
  deactivatedAt: 'Deactivated',
  attendanceCode: 'Attendance code',
  childId: 'Event ID',
  owners: 'Owners',
  status: 'Status',
  year: 'Year',
  renewal: 'Renewal',
  renews: 'Renews',
  faculty: 'Faculty',
  disclosure: 'Disclosure',
  role: 'Role',
  requestDisclosure: 'Disclosure requested',
  requestPresentation: 'Presentation requested',
  email: 'Email',
  degree: 'Degree',
  coordinators: 'Coordinators',
  presentation: 'Presentation',
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function shown(value: RecordedValue | undefined, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (Array.isArray(value))
    return value.length === 0 ? '(none)' : value.map((one) => shown(one, timeZone)).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && INSTANT.test(value)) return formatInstant(value, timeZone);
  return String(value);
}

/** A record's history, newest first: who changed what, from what to what. */
export function History(props: { entries: HistoryEntry[]; timeZone: string; headingId?: string }) {
  const { entries, timeZone } = props;
  return (
    <section aria-labelledby={props.headingId ?? 'history-heading'}>
      <h2 id={props.headingId ?? 'history-heading'}>History</h2>
      {entries.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <ol class="history">
          {entries.map((entry) => {
            const fields = Object.keys({ ...entry.before, ...entry.after });
            const creation = Object.keys(entry.before).length === 0;
            const noted = Object.keys(NOTE_WORDS).filter(
              (key) => typeof entry.note[key] === 'string' && !fields.includes(key),
            );
            return (
              <li>
                <p>
                  <strong>{ACTION_WORDS[entry.action] ?? entry.action}</strong>{' '}
                  <span class="muted">
                    {formatInstant(entry.at, timeZone)} by {entry.actor ?? 'Rounds'}
                    {typeof entry.note.scope === 'string' && ` (${entry.note.scope})`}
                  </span>
                </p>
                {noted.length > 0 && (
                  <ul class="changes">
                    {noted.map((key) => (
                      <li>
                        {NOTE_WORDS[key]}: {String(entry.note[key])}
                      </li>
                    ))}
                  </ul>
                )}
                {creation && entry.action !== 'session_created' && fields.length > 0 && (
                  <ul class="changes">
                    {fields.map((field) => (
                      <li>
                        {FIELD_WORDS[field] ?? field}: {shown(entry.after[field], timeZone)}
                      </li>
                    ))}
                  </ul>
                )}
                {!creation && fields.length > 0 && (
                  <ul class="changes">
                    {fields.map((field) => (
                      <li>
                        {FIELD_WORDS[field] ?? field}: {shown(entry.before[field], timeZone)} →{' '}
                        {shown(entry.after[field], timeZone)}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
