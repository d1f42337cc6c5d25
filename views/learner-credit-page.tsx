import { type Account, CREDIT_TYPES, type Organization } from '../db/schema';
import type { ExternalCreditSummary } from '../server/external-credits';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, Notice, SelectField, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatDate, formatInstant } from './time';

/**
 * The CME office adds credit to a learner's transcript by hand (a conference they attended with
 * the office's own paperwork, a correction): listed as external, marked as added by the office.
 */
export function LearnerCreditPage(
  props: PageChrome & {
    organization: Organization;
    learner: Pick<Account, 'id' | 'firstName' | 'lastName' | 'email' | 'degree'>;
    credits: ExternalCreditSummary[];
    values: FormValues;
    errors: FieldErrors;
    said?: string | undefined;
  },
) {
  const { organization, learner } = props;
  const action = `/${organization.code}/admin/accounts/${learner.id}/credit`;
  const name = `${learner.firstName} ${learner.lastName}`;
  return (
    <Layout {...props} title={`Credit for ${name}`}>
      <p>
        <a href={`/${organization.code}/admin/accounts`}>Accounts</a>
      </p>
      <h1>External credit for {name}</h1>
      <p class="muted">
        {learner.email} · {learner.degree}
      </p>
      {props.said && <Notice>{props.said}</Notice>}
      {props.credits.length === 0 ? (
        <p>None yet. Credit added here is listed at the end of their transcript as external.</p>
      ) : (
        <ul class="cards">
          {props.credits.map((credit) => (
            <li>
              <strong>{credit.title}</strong>
              <br />
              <span class="muted">
                {credit.provider} · {formatDate(credit.completedOn)} · {credit.credits} {credit.creditType} ·{' '}
                {credit.addedById ? 'added by the CME office' : 'uploaded by the learner'} on{' '}
                {formatInstant(credit.addedAt, organization.timeZone)}
              </span>
              <form method="post" action={`${action}/${credit.id}/remove`} class="inline">
                <CsrfField token={props.csrfToken} />
                <button type="submit" class="secondary">
                  Remove<span class="visually-hidden"> {credit.title}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>Add credit</h2>
      <form method="post" action={action} novalidate>
        <CsrfField token={props.csrfToken} />
        <ErrorSummary errors={props.errors} />
        <Field
          name="title"
          label="Activity"
          value={typed(props.values, 'title')}
          error={props.errors.title}
        />
        <Field
          name="provider"
          label="Provider"
          value={typed(props.values, 'provider')}
          error={props.errors.provider}
        />
        <Field
          name="completedOn"
          label="Completed on"
          type="date"
          value={typed(props.values, 'completedOn')}
          error={props.errors.completedOn}
        />
        <SelectField
          name="creditType"
          label="Credit type"
          options={CREDIT_TYPES.map((type) => ({ value: type, label: type }))}
          value={typed(props.values, 'creditType') ?? CREDIT_TYPES[0]}
          error={props.errors.creditType}
        />
        <Field
          name="credits"
          label="Credits"
          value={typed(props.values, 'credits')}
          error={props.errors.credits}
        />
        <TextAreaField
          name="reason"
          label="Why it is added by hand"
          rows={2}
          hint="Kept in the audit trail."
          value={typed(props.values, 'reason')}
          error={props.errors.reason}
        />
        <p class="actions">
          <button type="submit">Add credit</button>
        </p>
      </form>
    </Layout>
  );
}
