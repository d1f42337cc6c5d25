import { type Organization, RELATIONSHIP_NATURES } from '../db/schema';
import {
  type DisclosureErrors,
  type DisclosureInput,
  MAX_RELATIONSHIPS,
  NATURE_LABELS,
  type disclosuresOf,
} from '../server/disclosures';
import { disclosureLapsesAt } from '../server/session-status';
import { CheckboxField, ChoicesField, ErrorSummary, Field, Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatInstant } from './time';

/** ACCME's definition, shown on the form so nobody has to look it up. */
export const INELIGIBLE_COMPANY =
  'An ineligible company is one whose primary business is producing, marketing, selling, re-selling or distributing healthcare products used by or on patients (ACCME Standards for Integrity and Independence).';

const NATURE_OPTIONS = RELATIONSHIP_NATURES.map((nature) => ({
  value: nature,
  label: NATURE_LABELS[nature],
}));

function RelationshipRow(props: {
  index: number;
  row: DisclosureInput['relationships'][number];
  errors: DisclosureErrors;
}) {
  const { index, row, errors } = props;
  const id = (name: string) => `field-${name}-${index}`;
  const error = (name: string) => errors[`${name}-${index}`];
  const control = (name: string) => ({
    id: id(name),
    name: `${name}-${index}`,
    'aria-invalid': error(name) ? ('true' as const) : undefined,
    'aria-describedby': error(name) ? `${id(name)}-error` : undefined,
  });
  const problem = (name: string) =>
    error(name) && (
      <p class="error" role="alert" id={`${id(name)}-error`}>
        {error(name)}
      </p>
    );
  return (
    <fieldset class="group">
      <legend>Relationship {index + 1}</legend>
      <div class={error('company') ? 'field invalid' : 'field'}>
        <label for={id('company')}>Company</label>
        <input type="text" value={row.company} {...control('company')} />
        {problem('company')}
      </div>
      <div class={error('nature') ? 'field invalid' : 'field'}>
        <label for={id('nature')}>Nature of the relationship</label>
        <select {...control('nature')}>
          <option value="">Choose…</option>
          {NATURE_OPTIONS.map((option) => (
            <option value={option.value} selected={option.value === row.nature}>
              {option.label}
            </option>
          ))}
        </select>
        {problem('nature')}
      </div>
      <div class={error('natureOther') ? 'field invalid' : 'field'}>
        <label for={id('natureOther')}>If other, what it is</label>
        <input type="text" value={row.natureOther} {...control('natureOther')} />
        {problem('natureOther')}
      </div>
      <div class={error('endedOn') ? 'field invalid' : 'field'}>
        <label for={id('endedOn')}>Ended on (leave empty if it continues)</label>
        <input type="date" value={row.endedOn} {...control('endedOn')} />
        {problem('endedOn')}
      </div>
    </fieldset>
  );
}

export function DisclosureFormPage(
  props: PageChrome & {
    organization: Organization;
    values: DisclosureInput;
    errors?: DisclosureErrors;
    /** "Nov 24, 2026": the date the signature is dated. */
    today: string;
    /** The person's current disclosure, if one is active now. */
    activeThrough?: string | undefined;
  },
) {
  const { organization, values, errors = {} } = props;
  const rows = values.relationships;
  return (
    <Layout {...props} title="Financial disclosure">
      <h1>Financial disclosure</h1>
      {props.activeThrough && (
        <p class="alert alert-ok" role="status">
          Your disclosure on file is active through {props.activeThrough}. Submit a new one whenever something
          changes; it replaces the old one.
        </p>
      )}
      <ErrorSummary errors={errors} />
      <p>
        List every financial relationship you have had in the <strong>past 24 months</strong> with an
        ineligible company, whatever the amount, including relationships that have ended.
      </p>
      <p class="hint">{INELIGIBLE_COMPANY}</p>
      <form method="post" action={`/${organization.code}/disclosure`} novalidate>
        <CsrfField token={props.csrfToken} />
        <ChoicesField
          name="answer"
          label="In the past 24 months"
          type="radio"
          options={[
            { value: 'none', label: 'I have nothing to disclose' },
            { value: 'some', label: 'I have financial relationships to disclose' },
          ]}
          selected={[values.answer]}
          error={errors.answer}
        />
        <h2>Relationships</h2>
        <p class="hint">Only if you have relationships to disclose. Empty rows are ignored.</p>
        {rows.map((row, index) => (
          <RelationshipRow index={index} row={row} errors={errors} />
        ))}
        <input type="hidden" name="rows" value={String(rows.length)} />
        {rows.length < MAX_RELATIONSHIPS && (
          <button type="submit" name="more" value="1" class="secondary" formnovalidate>
            Add more rows
          </button>
        )}
        <CheckboxField
          name="ownerOrEmployee"
          label="I own, or am employed by, an ineligible company"
          hint="Owners and employees of ineligible companies may only teach in limited roles; the CME office reviews it."
          checked={values.ownerOrEmployee}
        />
        <h2>Signature</h2>
        <Field
          name="signature"
          label="Type your full name"
          hint={`Signed and dated ${props.today}.`}
          autocomplete="name"
          value={values.signature}
          error={errors.signature}
        />
        <CheckboxField
          name="attest"
          label="I attest that this disclosure is complete and accurate"
          checked={values.attest}
          error={errors.attest}
        />
        <button type="submit">Submit disclosure</button>
      </form>
    </Layout>
  );
}

export function MyDisclosuresPage(
  props: PageChrome & {
    organization: Organization;
    disclosures: Awaited<ReturnType<typeof disclosuresOf>>;
    now: Date;
    notice?: string | undefined;
  },
) {
  const { organization } = props;
  const zone = organization.timeZone;
  return (
    <Layout {...props} title="My disclosures">
      <h1>My disclosures</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <p>
        <a class="button" href={`/${organization.code}/disclosure`}>
          Complete a new disclosure
        </a>
      </p>
      {props.disclosures.length === 0 ? (
        <p class="muted">No disclosure on file yet.</p>
      ) : (
        <ul class="cards">
          {props.disclosures.map((disclosure, index) => {
            const lapses = disclosureLapsesAt(disclosure.submittedAt);
            const state =
              index > 0
                ? 'Replaced by a newer one'
                : lapses > props.now
                  ? `Active through ${formatInstant(lapses, zone)}`
                  : `Lapsed ${formatInstant(lapses, zone)}`;
            return (
              <li class="card">
                <strong>Submitted {formatInstant(disclosure.submittedAt, zone)}</strong>{' '}
                <span class="muted">{state}</span>
                <br />
                {disclosure.relationships.length === 0
                  ? 'Nothing to disclose'
                  : disclosure.relationships
                      .map(
                        (r) =>
                          `${r.company}: ${r.nature === 'other' ? r.natureOther : NATURE_LABELS[r.nature]}${r.endedOn ? ` (ended ${r.endedOn})` : ''}`,
                      )
                      .join('; ')}
                <br />
                <span class="muted">Signed “{disclosure.signature}”</span>
              </li>
            );
          })}
        </ul>
      )}
    </Layout>
  );
}
