import type { VerifiedCertificate } from '../server/certificates';
import { formatSerial } from '../server/certificates';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, typed } from './field';
import { Layout } from './layout';
import { formatInstant, formatSessionTime } from './time';

/**
 * The public verification page: a certificate number, typed or carried by the QR code printed on
 * the certificate, answered with whether it is genuine and what it certifies. Nothing else about
 * the learner (no email, no other credits) is ever shown here.
 */
export function VerifyPage(props: {
  values: FormValues;
  errors?: FieldErrors;
  /** Undefined: nothing asked yet; null: no certificate has that number. */
  found?: VerifiedCertificate | null;
  asked?: string;
}) {
  const errors = props.errors ?? {};
  const found = props.found;
  return (
    <Layout organization={null} viewer={null} csrfToken="" title="Verify a certificate">
      <h1>Verify a certificate</h1>
      {found && (
        <div class="alert alert-ok" role="status">
          <p>
            <strong>Genuine.</strong> Certificate {formatSerial(found.serial)} was issued by{' '}
            {found.organizationName} on {formatInstant(found.issuedAt, found.timeZone)}.
          </p>
          <dl>
            <dt>Learner</dt>
            <dd>{found.learnerName}</dd>
            <dt>Activity</dt>
            <dd>
              {found.activityName}
              <br />
              <span class="muted">{found.seriesName}</span>
            </dd>
            <dt>Date</dt>
            <dd>{formatSessionTime(found.activityStartsAt, found.activityEndsAt, found.timeZone)}</dd>
            <dt>Credit</dt>
            <dd>
              {found.credits} {found.creditType}
            </dd>
          </dl>
        </div>
      )}
      {found === null && (
        <div class="alert alert-error" role="alert">
          <p>
            No certificate has the number {props.asked}. Check it against the certificate; if it still does
            not match, the certificate is not one this office issued.
          </p>
        </div>
      )}
      <form method="get" action="/verify" novalidate>
        <ErrorSummary errors={errors} />
        <Field
          name="serial"
          label="Certificate number"
          hint="Twelve letters and digits, printed beside the QR code, e.g. 7KQ2-M9XD-4HTA."
          value={typed(props.values, 'serial')}
          error={errors.serial}
          autocomplete="off"
        />
        <p class="actions">
          <button type="submit">Verify</button>
        </p>
      </form>
    </Layout>
  );
}
