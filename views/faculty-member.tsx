import type { Child } from 'hono/jsx';
import type { FacultyRole } from '../db/schema';
import type { FacultyMember } from '../server/session-facts';
import { PRESENTATION_KINDS, sizeInWords } from '../server/presentation-types';
import { COI_STATUS_LABELS } from '../server/session-status';
import { formatInstant } from './time';

/** How a faculty member appears wherever a session's faculty is listed. */

export const FACULTY_ROLE_LABELS: Record<FacultyRole, string> = {
  speaker: 'Speaker',
  case_selector: 'Selects the cases (case series)',
};

/** "Nothing to disclose – Jun 1, 2026", a list of companies, or "NO DISCLOSURE ON FILE" (manual). */
export function DisclosureSummary(props: { member: FacultyMember; timeZone: string }) {
  const { latest } = props.member;
  if (!latest) return <span>NO DISCLOSURE ON FILE</span>;
  const submitted = formatInstant(latest.submittedAt, props.timeZone);
  if (latest.relationships.length === 0) return <span>Nothing to disclose – {submitted}</span>;
  return (
    <span>
      Submitted {submitted}:{' '}
      {latest.relationships.map((r) => `${r.company} (${r.nature.replace(/_/g, ' ')})`).join('; ')}
      {latest.ownerOrEmployee && <strong> · Owner or employee of an ineligible company</strong>}
    </span>
  );
}

/** The faculty member's COI status with its reason, readable on hover and on focus. */
export function CoiStatus(props: { member: FacultyMember; scope?: string }) {
  const { coi } = props.member;
  // A person teaching several sessions on one page has one reason per session: ids must differ.
  const id = `coi-${props.scope ? `${props.scope}-` : ''}${props.member.id}`;
  return (
    <span class={`coi coi-${coi.status}`}>
      <span class="badge" tabindex={0} aria-describedby={id} title={coi.reason}>
        {COI_STATUS_LABELS[coi.status]}
      </span>{' '}
      <span class="coi-reason" id={id}>
        {coi.reason}
      </span>
    </span>
  );
}

/**
 * The manual's upload, download and delete presentation, as one line: the file to download, or
 * whether one was asked for, and a link to manage it for those who may.
 */
export function PresentationLine(props: { member: FacultyMember; path: string; manage: boolean }) {
  const { member, path, manage } = props;
  const who = `${member.firstName} ${member.lastName}`;
  const slides = member.presentation;
  if (slides) {
    return (
      <span class="presentation">
        Presentation:{' '}
        <a href={`${path}/file`} aria-label={`Download ${who}’s presentation ${slides.fileName}`}>
          {slides.fileName}
        </a>{' '}
        <span class="muted">
          ({PRESENTATION_KINDS[slides.kind].label}, {sizeInWords(slides.sizeBytes)})
        </span>
        {manage && (
          <>
            {' '}
            ·{' '}
            <a href={path} aria-label={`Replace or delete the presentation of ${who}`}>
              Replace or delete
            </a>
          </>
        )}
      </span>
    );
  }
  if (!member.requestPresentation && !manage) return null;
  return (
    <span class="presentation">
      {member.requestPresentation ? 'Presentation requested, not uploaded yet' : 'No presentation'}
      {manage && (
        <>
          {' '}
          ·{' '}
          <a href={path} aria-label={`Upload presentation for ${who}`}>
            Upload presentation
          </a>
        </>
      )}
    </span>
  );
}

/**
 * One faculty member as every session's list shows them (manual: Faculty and Presentations & COI
 * Status columns): name and degree, role, disclosure, COI status, presentation (given where to
 * find it); `children` adds actions.
 */
export function FacultyCard(props: {
  member: FacultyMember;
  timeZone: string;
  presentation?: { path: string; manage: boolean } | undefined;
  children?: Child;
}) {
  const { member } = props;
  return (
    <li class="card">
      <strong>
        {member.lastName}, {member.firstName}
        {member.degree ? `, ${member.degree}` : ''}
      </strong>{' '}
      <span class="muted">{FACULTY_ROLE_LABELS[member.role]}</span>
      <br />
      <DisclosureSummary member={member} timeZone={props.timeZone} />
      <br />
      <CoiStatus member={member} />
      {props.presentation && (
        <>
          <br />
          <PresentationLine member={member} {...props.presentation} />
        </>
      )}
      {props.children}
    </li>
  );
}
