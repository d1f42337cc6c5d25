import { CREDIT_TYPES, type Organization } from '../db/schema';
import { formatSerial } from '../server/certificates';
import { EXTERNAL_CREDIT_MAX_BYTES } from '../server/external-credits';
import type { FieldErrors, FormValues } from '../server/forms';
import type { Transcript } from '../server/transcripts';
import { ChoicesField, ErrorSummary, Field, FileField, Notice, SelectField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatDate, formatSessionTime } from './time';

/**
 * My CE → Transcripts: choose the dates, see every credit and the totals per credit type,
 * download it (PDF, CSV) or email it, and add credit earned elsewhere with its certificate.
 */
export function TranscriptPage(
  props: PageChrome & {
    organization: Organization;
    transcript: Transcript | null;
    range: { from: string; to: string };
    rangeErrors?: FieldErrors | undefined;
    learnerEmail: string;
    mail?: { values: FormValues; errors: FieldErrors } | undefined;
    external?: { values: FormValues; errors: FieldErrors } | undefined;
    said?: string | undefined;
  },
) {
  const { organization, transcript, range } = props;
  const base = `/${organization.code}/my-ce/transcript`;
  const query = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
  const mail = props.mail ?? { values: { sendTo: 'me' }, errors: {} };
  const external = props.external ?? { values: {}, errors: {} };
  return (
    <Layout {...props} title="Transcript">
      <p>
        <a href={`/${organization.code}/my-ce`}>My CE</a>
      </p>
      <h1>Transcript</h1>
      {props.said && <Notice>{props.said}</Notice>}
      <form method="get" action={base} novalidate class="inline-fields">
        <ErrorSummary errors={props.rangeErrors ?? {}} />
        <Field name="from" label="From" type="date" value={range.from} error={props.rangeErrors?.from} />
        <Field name="to" label="To" type="date" value={range.to} error={props.rangeErrors?.to} />
        <p class="actions">
          <button type="submit">Show these dates</button>
        </p>
      </form>
      {transcript && (
        <>
          <h2>
            {formatDate(transcript.from)} to {formatDate(transcript.to)}
          </h2>
          {transcript.entries.length === 0 && transcript.external.length === 0 ? (
            <p>
              No credit for these dates. Choose other dates, or claim a session you attended under My CE →
              Claim credit. Credit shows here once its evaluation is done.
            </p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Activity</th>
                  <th scope="col">Date</th>
                  <th scope="col">Credit type</th>
                  <th scope="col">Credits</th>
                </tr>
              </thead>
              <tbody>
                {transcript.entries.map((entry) => (
                  <tr>
                    <td data-label="Activity">
                      {entry.activity}
                      <br />
                      <span class="muted">
                        {entry.seriesName}
                        {entry.certificateSerial
                          ? ` · certificate ${formatSerial(entry.certificateSerial)}`
                          : ''}
                      </span>
                    </td>
                    <td data-label="Date">
                      {formatSessionTime(entry.startsAt, entry.endsAt, entry.timeZone)}
                    </td>
                    <td data-label="Credit type">{entry.creditType}</td>
                    <td data-label="Credits">{entry.credits}</td>
                  </tr>
                ))}
                {transcript.external.map((credit) => (
                  <tr>
                    <td data-label="Activity">
                      {credit.title}
                      <br />
                      <span class="muted">External · {credit.provider}</span>
                    </td>
                    <td data-label="Date">{formatDate(credit.completedOn)}</td>
                    <td data-label="Credit type">{credit.creditType}</td>
                    <td data-label="Credits">{credit.credits}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Totals</h3>
          {transcript.totals.length === 0 ? (
            <p>None for these dates.</p>
          ) : (
            <ul>
              {transcript.totals.map((total) => (
                <li>
                  {total.creditType}: <strong>{total.credits}</strong>
                  {Number(total.external) > 0 ? ` and ${total.external} external` : ''}
                </li>
              ))}
            </ul>
          )}
          <p class="actions">
            <a class="button" href={`${base}/pdf?${query}`}>
              Download PDF
            </a>
            <a class="button secondary" href={`${base}/csv?${query}`}>
              Download CSV
            </a>
          </p>
          <h2>Email this transcript</h2>
          <form method="post" action={`${base}/email`} novalidate>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="from" value={range.from} />
            <input type="hidden" name="to" value={range.to} />
            <ErrorSummary errors={mail.errors} />
            <ChoicesField
              name="sendTo"
              label="Send it to"
              type="radio"
              options={[
                { value: 'me', label: `Me (${props.learnerEmail})` },
                { value: 'other', label: 'Another address (a licensing board, an employer)' },
              ]}
              selected={[typed(mail.values, 'sendTo') ?? 'me']}
              error={mail.errors.sendTo}
            />
            <Field
              name="email"
              label="Their email"
              type="email"
              autocomplete="email"
              conditional
              hint="Only when sending it to another address."
              value={typed(mail.values, 'email')}
              error={mail.errors.email}
            />
            <p class="actions">
              <button type="submit">Email transcript</button>
            </p>
          </form>
        </>
      )}
      <h2>External credit</h2>
      <p>
        Completed an activity elsewhere? Upload its certificate or transcript and say what it was for: it is
        listed at the end of your transcript as external.
      </p>
      <ExternalList base={base} transcript={transcript} csrfToken={props.csrfToken} />
      <form method="post" action={`${base}/external`} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrfToken} />
        <ErrorSummary errors={external.errors} />
        <FileField
          name="file"
          label="Certificate or transcript"
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          hint={`A PDF, or a photo (PNG or JPEG), at most ${EXTERNAL_CREDIT_MAX_BYTES / (1024 * 1024)} MB.`}
          error={external.errors.file}
        />
        <Field
          name="title"
          label="Activity"
          value={typed(external.values, 'title')}
          error={external.errors.title}
        />
        <Field
          name="provider"
          label="Provider"
          hint="Who gave the credit: a society, a hospital, a journal."
          value={typed(external.values, 'provider')}
          error={external.errors.provider}
        />
        <Field
          name="completedOn"
          label="Completed on"
          type="date"
          value={typed(external.values, 'completedOn')}
          error={external.errors.completedOn}
        />
        <SelectField
          name="creditType"
          label="Credit type"
          options={CREDIT_TYPES.map((type) => ({ value: type, label: type }))}
          value={typed(external.values, 'creditType') ?? CREDIT_TYPES[0]}
          error={external.errors.creditType}
        />
        <Field
          name="credits"
          label="Credits"
          inputmode="text"
          value={typed(external.values, 'credits')}
          error={external.errors.credits}
        />
        <p class="actions">
          <button type="submit">Add external credit</button>
        </p>
      </form>
    </Layout>
  );
}

function ExternalList(props: { base: string; transcript: Transcript | null; csrfToken: string }) {
  const external = props.transcript?.external ?? [];
  if (external.length === 0) return null;
  return (
    <ul class="cards">
      {external.map((credit) => (
        <li>
          <strong>{credit.title}</strong>
          <br />
          <span class="muted">
            {credit.provider} · {formatDate(credit.completedOn)} · {credit.credits} {credit.creditType}
            {credit.addedById ? ' · added by the CME office' : ''}
          </span>
          <p class="actions">
            {credit.fileName && (
              <a class="button secondary" href={`${props.base}/external/${credit.id}/file`}>
                Download {credit.fileName}
              </a>
            )}
            {!credit.addedById && (
              <form method="post" action={`${props.base}/external/${credit.id}/remove`} class="inline">
                <CsrfField token={props.csrfToken} />
                <button type="submit" class="secondary">
                  Remove<span class="visually-hidden"> {credit.title}</span>
                </button>
              </form>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}
