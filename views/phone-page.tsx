import type { Organization } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import type { ConversationEntry } from '../server/texting';
import { ErrorSummary, Field, FormAlert, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatInstant } from './time';

/**
 * Development only: a pretend phone. What is typed here reaches Rounds as a webhook signed the way
 * Twilio signs it, so pairing and claiming by text can be tried without a Twilio account.
 */
export function PhonePage(
  props: PageChrome & {
    organization: Organization;
    values: FormValues;
    errors?: FieldErrors;
    /** The number whose texts are shown (E.164). */
    phone: string | null;
    entries: ConversationEntry[];
    failure?: string | undefined;
  },
) {
  const { organization, errors = {} } = props;
  const zone = organization.timeZone;
  return (
    <Layout {...props} title="Phone (development)">
      <h1>Phone</h1>
      <p class="muted">
        Development only. Texts typed here go to {organization.smsNumber ?? 'the organization’s number'} as a
        signed Twilio webhook, and the replies and texts Rounds sends to this number appear below. Nothing
        leaves this machine.
      </p>
      {!organization.smsNumber && (
        <FormAlert>This organization has no SMS number yet. An admin sets it under Settings.</FormAlert>
      )}
      {props.failure && <FormAlert>{props.failure}</FormAlert>}
      <ErrorSummary errors={errors} />
      <form method="post" action={`/${organization.code}/phone`} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="from"
          label="Your phone number"
          type="tel"
          autocomplete="tel"
          hint="Any US number, like (555) 010-2030, or one with its country code."
          value={typed(props.values, 'from')}
          error={errors.from}
        />
        <TextAreaField
          name="body"
          label="Message"
          rows={2}
          hint="An email address to pair this phone, a 6-digit pairing code, a session’s attendance code, HELP, STOP or START."
          value={typed(props.values, 'body')}
          error={errors.body}
        />
        <p class="actions">
          <button type="submit">Send text</button>
        </p>
      </form>
      {props.phone && (
        <section aria-labelledby="conversation">
          <h2 id="conversation">Texts with {props.phone}</h2>
          {props.entries.length === 0 ? (
            <p>No texts yet.</p>
          ) : (
            <ol class="conversation">
              {props.entries.map((entry) =>
                entry.direction === 'in' ? (
                  <li>
                    <p class="muted">{formatInstant(entry.at, zone)} · you texted</p>
                    <p>
                      <q>{entry.body}</q>
                    </p>
                    <p>
                      <strong>Reply:</strong>{' '}
                      {entry.reply ? entry.reply : <em>none (this number texted STOP)</em>}
                    </p>
                  </li>
                ) : (
                  <li>
                    <p class="muted">
                      {formatInstant(entry.at, zone)} · Rounds texted
                      {entry.status === 'stopped' ? ' (held: STOP)' : ''}
                    </p>
                    <p>{entry.body}</p>
                  </li>
                ),
              )}
            </ol>
          )}
        </section>
      )}
    </Layout>
  );
}
