import type { Organization, Session } from '../db/schema';
import type { PresentationFacts } from '../server/presentations';
import {
  ACCEPTED_DESCRIPTION,
  ACCEPTED_EXTENSIONS,
  PRESENTATION_KINDS,
  sizeInWords,
} from '../server/presentation-types';
import { presentationPath } from '../server/presentation-types';
import { FileField, Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { formatInstant, formatSessionTime } from './time';

export interface PresentationPageProps {
  organization: Organization;
  session: Session;
  member: { accountId: string; firstName: string; lastName: string; requestPresentation: boolean };
  presentation: PresentationFacts | null;
  /** The viewer may upload, replace and delete (and the session is open to change). */
  manage: boolean;
  limitMb: number;
  notice?: string | undefined;
  error?: string | undefined;
}

function pagePath(organization: Pick<Organization, 'code'>, session: Pick<Session, 'id'>, accountId: string) {
  return presentationPath(sessionPath(organization, session), { id: accountId });
}

/** One faculty member's presentation for one session: download it, upload or replace it, delete it. */
export function PresentationPage(props: PageChrome & PresentationPageProps) {
  const { organization, session, member, presentation } = props;
  const path = pagePath(organization, session, member.accountId);
  const who = `${member.firstName} ${member.lastName}`;
  return (
    <Layout {...props} title={`Presentation of ${who}`}>
      <p>
        <a href={sessionPath(organization, session)}>{session.name}</a>
      </p>
      <h1>Presentation of {who}</h1>
      <p class="lead">{formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}</p>
      {props.notice && <Notice>{props.notice}</Notice>}
      {presentation ? (
        <section class="panel" aria-labelledby="file-heading">
          <h2 id="file-heading">{presentation.fileName}</h2>
          <p>
            {PRESENTATION_KINDS[presentation.kind].label}, {sizeInWords(presentation.sizeBytes)}. Uploaded{' '}
            {formatInstant(presentation.uploadedAt, session.timeZone)} by {presentation.uploadedBy}.
          </p>
          <p class="actions">
            <a class="button" href={`${path}/file`}>
              Download
            </a>
            {props.manage && (
              <a class="button danger" href={`${path}/delete`}>
                Delete
              </a>
            )}
          </p>
        </section>
      ) : (
        <p>
          {member.requestPresentation
            ? `A presentation was requested from ${who}; none is uploaded yet.`
            : 'No presentation is uploaded.'}{' '}
          Presentations are optional: a session can be approved without one.
        </p>
      )}
      {props.manage && (
        <form method="post" action={path} enctype="multipart/form-data" class="stack">
          <CsrfField token={props.csrfToken} />
          <FileField
            name="file"
            label={presentation ? 'Replace with another file' : 'Presentation file'}
            accept={ACCEPTED_EXTENSIONS}
            hint={`${ACCEPTED_DESCRIPTION}; at most ${props.limitMb} MB.`}
            error={props.error}
          />
          <button type="submit">{presentation ? 'Replace presentation' : 'Upload presentation'}</button>
        </form>
      )}
    </Layout>
  );
}

/** "Delete presentation" asks first: the file is gone for everyone once deleted. */
export function DeletePresentationPage(
  props: PageChrome &
    Pick<PresentationPageProps, 'organization' | 'session' | 'member'> & { fileName: string },
) {
  const { organization, session, member } = props;
  const path = pagePath(organization, session, member.accountId);
  const who = `${member.firstName} ${member.lastName}`;
  return (
    <Layout {...props} title={`Delete the presentation of ${who}`}>
      <h1>Delete this presentation?</h1>
      <p>
        Delete <strong>{props.fileName}</strong>, the presentation of {who} for “{session.name}”,{' '}
        {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}? Nobody will be able to
        download it afterwards.
      </p>
      <form method="post" action={`${path}/delete`}>
        <CsrfField token={props.csrfToken} />
        <p class="actions">
          <button type="submit" class="danger">
            Delete {props.fileName}
          </button>
          <a class="button secondary" href={path}>
            Keep it
          </a>
        </p>
      </form>
    </Layout>
  );
}
