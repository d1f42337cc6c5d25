import { CREDIT_TYPES, DEFAULT_CREDIT_TYPE, type Organization } from '../db/schema';
import type { Person } from '../server/people';
import type { SeriesFieldErrors } from '../server/series';
import { PeoplePicker } from './people-picker';
import { AudienceFields, CheckboxField, ErrorSummary, Field, SelectField } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/** The form as typed, so a refused form comes back with everything still in it. */
export interface SeriesFormValues {
  name: string;
  department: string;
  year: string;
  owners: string[];
  coordinators: string[];
  /** Comma-separated, as typed. */
  specialties: string;
  professions: string[];
  creditsPerSession: string;
  /** Checkboxes: 'on' when ticked. */
  creditForProfessionsOnly?: string | undefined;
  affiliatesOnly?: string | undefined;
  creditType?: string | undefined;
  /** '' for none. */
  evaluationFormId?: string | undefined;
  postTestId?: string | undefined;
  /** '' for the organization's rule. */
  certificatePolicy?: string | undefined;
  /** '' for the organization's number of days. */
  evaluationDueDays?: string | undefined;
}

/** What a series' learners may be asked to complete: the organization's evaluations and post-tests. */
export interface CreditChoices {
  forms: { id: string; name: string; standard: boolean }[];
  tests: { id: string; name: string }[];
}

/** The evaluation and post-test a series, or a session instead of its series, asks for. */
export function CreditChoiceFields(props: {
  choices: CreditChoices;
  values: { evaluationFormId?: string | undefined; postTestId?: string | undefined };
  errors: { evaluationFormId?: string | undefined; postTestId?: string | undefined };
  hint: string;
  /** What choosing neither means here: none at all (a series), or the series' (a session). */
  none: { evaluation: string; test: string };
}) {
  return (
    <>
      <SelectField
        name="evaluationFormId"
        label="Evaluation"
        hint={props.hint}
        options={[
          { value: '', label: props.none.evaluation },
          ...props.choices.forms.map((form) => ({ value: form.id, label: form.name })),
        ]}
        value={props.values.evaluationFormId ?? ''}
        error={props.errors.evaluationFormId}
      />
      <SelectField
        name="postTestId"
        label="Post-test"
        hint="Learners must pass it for their credit."
        options={[
          { value: '', label: props.none.test },
          ...props.choices.tests.map((test) => ({ value: test.id, label: test.name })),
        ]}
        value={props.values.postTestId ?? ''}
        error={props.errors.postTestId}
      />
    </>
  );
}

export function emptySeriesForm(year: number, choices?: CreditChoices): SeriesFormValues {
  return {
    name: '',
    department: '',
    year: String(year),
    owners: [],
    coordinators: [],
    specialties: '',
    professions: [],
    creditsPerSession: '1',
    creditType: DEFAULT_CREDIT_TYPE,
    // A new series asks for the standard evaluation unless its reviewer says otherwise.
    evaluationFormId: choices?.forms.find((form) => form.standard)?.id ?? '',
    postTestId: '',
    certificatePolicy: '',
    evaluationDueDays: '',
  };
}

export function SeriesFormPage(
  props: PageChrome & {
    organization: Organization;
    /** The people chosen so far, as the form came back (ids the form carried, looked up). */
    chosen: { owners: Person[]; coordinators: Person[] };
    values: SeriesFormValues;
    choices: CreditChoices;
    errors?: SeriesFieldErrors & { form?: string | undefined };
    /** Editing an existing series: its year stays, the rest can change. */
    editing?: { id: string; name: string; year: number } | undefined;
  },
) {
  const { organization, values, errors = {}, editing } = props;
  const base = `/${organization.code}`;
  const title = editing ? `Edit ${editing.name} ${editing.year}` : 'New series';
  return (
    <Layout {...props} title={title}>
      <p>
        {editing ? (
          <a href={`${base}/series/${editing.id}`}>
            {editing.name} {editing.year}
          </a>
        ) : (
          <a href={`${base}/series`}>All series</a>
        )}
      </p>
      <h1>{editing ? 'Edit series details' : 'New series'}</h1>
      <ErrorSummary errors={errors} />
      <form
        method="post"
        action={editing ? `${base}/series/${editing.id}/edit` : `${base}/series/new`}
        novalidate
      >
        <CsrfField token={props.csrfToken} />
        <Field name="name" label="Series name" value={values.name} error={errors.name} />
        <Field name="department" label="Department" value={values.department} error={errors.department} />
        {editing ? (
          <p>
            Year: <strong>{editing.year}</strong>{' '}
            <span class="muted">(a series is approved for one year)</span>
          </p>
        ) : (
          <Field
            name="year"
            label="Year"
            type="number"
            inputmode="numeric"
            hint="Approved series run through Dec 31 of this year."
            value={values.year}
            error={errors.year}
          />
        )}
        <PeoplePicker
          base={`/${organization.code}`}
          name="owners"
          label="Owners"
          one="owner"
          chosen={props.chosen.owners}
          error={errors.owners}
        />
        <PeoplePicker
          base={`/${organization.code}`}
          name="coordinators"
          label="Coordinators"
          one="coordinator"
          chosen={props.chosen.coordinators}
          error={errors.coordinators}
        />
        <AudienceFields professions={organization.professions} values={values} errors={errors} />
        <fieldset>
          <legend>Who may claim credit</legend>
          <CheckboxField
            name="creditForProfessionsOnly"
            label="Only the professions chosen above"
            required={false}
            hint="Others may attend, but their attendance is not recorded for credit."
            checked={values.creditForProfessionsOnly === 'on'}
          />
          <CheckboxField
            name="affiliatesOnly"
            label="Only medical staff and affiliates"
            required={false}
            hint="Learners whose confirmed email is at one of the organization's affiliate domains, or whom the CME office marked as affiliated."
            checked={values.affiliatesOnly === 'on'}
          />
        </fieldset>
        <Field
          name="creditsPerSession"
          label="Credits per session"
          hint="From 0.25 to 99, with at most two decimals."
          value={values.creditsPerSession}
          error={errors.creditsPerSession}
        />
        <fieldset>
          <legend>Evaluation, post-test and certificate</legend>
          <SelectField
            name="creditType"
            label="Credit type"
            options={CREDIT_TYPES.map((type) => ({ value: type, label: type }))}
            value={values.creditType ?? DEFAULT_CREDIT_TYPE}
            error={errors.creditType}
          />
          <CreditChoiceFields
            choices={props.choices}
            values={values}
            errors={errors}
            hint="What learners complete after attending, before their credit and certificate. A session can ask for another."
            none={{ evaluation: 'None: credit once attendance is recorded', test: 'None' }}
          />
          <Field
            name="evaluationDueDays"
            label="Due, in days after each session"
            type="number"
            inputmode="numeric"
            required={false}
            hint={`Empty: the organization's ${organization.evaluationDueDays} days.`}
            value={values.evaluationDueDays}
            error={errors.evaluationDueDays}
          />
          <SelectField
            name="certificatePolicy"
            label="Certificates"
            options={[
              {
                value: '',
                label: `The organization's rule (${organization.certificatesForSessions ? 'a certificate for each session' : 'transcript only'})`,
              },
              { value: 'certificate', label: 'A certificate for each session' },
              { value: 'transcript_only', label: 'No certificate: credit on the transcript only' },
            ]}
            value={values.certificatePolicy ?? ''}
            error={errors.certificatePolicy}
          />
        </fieldset>
        <button type="submit">{editing ? 'Save details' : 'Create series'}</button>
      </form>
    </Layout>
  );
}
