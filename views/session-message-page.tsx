import type { Organization, Session } from '../db/schema';
import type { MessageErrors, Recipient } from '../server/session-messages';
import { ErrorSummary, Field, TextAreaField } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { formatSessionTime } from './time';

export interface SessionMessageValues {
  subject: string;
  body: string;
  draft: string;
}

/** Write to one faculty member, or to the series' owners and coordinators, about a session. */
export function SessionMessagePage(
  props: PageChrome & {
    organization: Organization;
    session: Session;
    /** "team" or "faculty-<id>", posted back with the form. */
    audience: string;
    recipients: Recipient[];
    /** Where Send leads back to: the dashboard or the session's page. */
    back: 'dashboard' | 'session';
    values: SessionMessageValues;
    errors?: MessageErrors | undefined;
  },
) {
  const { organization, session, recipients, values } = props;
  const errors = props.errors ?? {};
  const team = props.audience === 'team';
  const heading = team ? 'Email the owners and coordinators' : `Email ${recipients[0]?.name ?? 'faculty'}`;
  const backPath =
    props.back === 'dashboard'
      ? `/${organization.code}/dashboard#row-${session.id}`
      : sessionPath(organization, session);
  return (
    <Layout {...props} title={heading}>
      <p>
        <a href={backPath}>{props.back === 'dashboard' ? 'Dashboard' : session.name}</a>
      </p>
      <h1>{heading}</h1>
      <p class="lead">
        About “{session.name}”, {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
      </p>
      <ErrorSummary errors={errors} />
      <p>
        <strong>To:</strong>{' '}
        {recipients.length === 0
          ? 'nobody: this series has no other owner or coordinator.'
          : recipients.map((recipient) => `${recipient.name} <${recipient.email}>`).join('; ')}
      </p>
      <p class="hint">
        Replies go to you ({props.viewer?.account.email}). The message is kept with every message Rounds
        sends, and the session’s history records that you wrote.
      </p>
      <form method="post" action={`${sessionPath(organization, session)}/email`} class="stack">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="to" value={props.audience} />
        <input type="hidden" name="back" value={props.back} />
        <input type="hidden" name="draft" value={values.draft} />
        <Field name="subject" label="Subject" value={values.subject} error={errors.subject} />
        <TextAreaField name="body" label="Message" rows={10} value={values.body} error={errors.body} />
        <button type="submit">Send email</button>
      </form>
    </Layout>
  );
}
