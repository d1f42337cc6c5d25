import type { Organization, Series, Session } from '../db/schema';
import { WEEKDAY_NAMES } from '../server/recurrence';
import { CLAIM_MINUTES_AFTER_MAX, CLAIM_MINUTES_BEFORE_MAX } from '../server/organization-settings';
import type { RepeatInput, SessionFieldErrors, SessionInput } from '../server/sessions';
import {
  AudienceFields,
  CheckboxField,
  ChoicesField,
  ErrorSummary,
  Field,
  SelectField,
  TextAreaField,
} from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { type CreditChoices, CreditChoiceFields } from './series-form-page';

export const NO_REPEAT: RepeatInput = {
  repeat: 'once',
  everyWeeks: '1',
  weekdays: [],
  monthWeek: '1',
  monthWeekday: '2',
  endKind: 'until',
  until: '',
  count: '',
};

const WEEKDAYS = WEEKDAY_NAMES.map((name, day) => ({ value: String(day), label: name.slice(0, 3) }));
const MONTH_WEEKS = [
  { value: '1', label: 'First' },
  { value: '2', label: 'Second' },
  { value: '3', label: 'Third' },
  { value: '4', label: 'Fourth' },
  { value: '-1', label: 'Last' },
];

/** When and how often: the create form's recurrence, each choice usable without script. */
function RepeatFields(props: { values: RepeatInput; errors: SessionFieldErrors; year: number }) {
  const { values, errors } = props;
  return (
    <fieldset class="group">
      <legend>Repeat</legend>
      <ChoicesField
        name="repeat"
        label="How often"
        type="radio"
        options={[
          { value: 'once', label: 'Once' },
          { value: 'weekly', label: 'Weekly' },
          { value: 'monthly', label: 'Monthly on a weekday' },
        ]}
        selected={[values.repeat]}
        error={errors.repeat}
      />
      <div class="subfields">
        <h3>Weekly</h3>
        <Field
          name="everyWeeks"
          label="Every how many weeks"
          type="number"
          inputmode="numeric"
          min={1}
          max={8}
          required={false}
          conditional
          value={values.everyWeeks}
          error={errors.everyWeeks}
        />
        <ChoicesField
          name="weekdays"
          label="On"
          options={WEEKDAYS}
          selected={values.weekdays}
          error={errors.weekdays}
          inline
        />
        <h3>Monthly</h3>
        <SelectField
          name="monthWeek"
          label="Which week"
          options={MONTH_WEEKS}
          value={values.monthWeek}
          error={errors.monthWeek}
          required={false}
          conditional
        />
        <SelectField
          name="monthWeekday"
          label="Weekday"
          options={WEEKDAY_NAMES.map((name, day) => ({ value: String(day), label: name }))}
          value={values.monthWeekday}
          error={errors.monthWeekday}
          required={false}
          conditional
        />
        <h3>Ends</h3>
        <ChoicesField
          name="endKind"
          label="Ends"
          type="radio"
          options={[
            { value: 'until', label: 'On a date' },
            { value: 'count', label: 'After a number of sessions' },
          ]}
          selected={[values.endKind]}
          error={errors.endKind}
        />
        <Field
          name="until"
          label="Last date"
          type="date"
          required={false}
          conditional
          hint={`Nothing is added after December 31, ${props.year}; the series is approved through that day.`}
          value={values.until}
          error={errors.until}
        />
        <Field
          name="count"
          label="Number of sessions"
          type="number"
          inputmode="numeric"
          min={1}
          required={false}
          conditional
          value={values.count}
          error={errors.count}
        />
      </div>
    </fieldset>
  );
}

export function SessionFields(props: {
  organization: Organization;
  timeZones: string[];
  values: SessionInput;
  errors: SessionFieldErrors;
  choices: CreditChoices;
}) {
  const { organization, values, errors } = props;
  return (
    <>
      <Field
        name="name"
        label="Name (the topic)"
        hint="What will be discussed, as learners’ transcripts show it: not the series name, no date."
        value={values.name}
        error={errors.name}
      />
      <Field name="date" label="Date" type="date" value={values.date} error={errors.date} />
      <div class="field-row">
        <Field
          name="startTime"
          label="Starts"
          type="time"
          value={values.startTime}
          error={errors.startTime}
        />
        <Field name="endTime" label="Ends" type="time" value={values.endTime} error={errors.endTime} />
      </div>
      <SelectField
        name="timeZone"
        label="Time zone"
        hint={`The organization’s is ${organization.timeZone}.`}
        options={props.timeZones}
        value={values.timeZone}
        error={errors.timeZone}
      />
      <Field
        name="location"
        label="Location"
        required={false}
        value={values.location}
        error={errors.location}
      />
      <Field
        name="department"
        label="Department"
        required={false}
        value={values.department}
        error={errors.department}
      />
      <TextAreaField
        name="objectives"
        label="Objectives"
        required={false}
        value={values.objectives}
        error={errors.objectives}
      />
      <AudienceFields professions={organization.professions} values={values} errors={errors} />
      <Field
        name="credits"
        label="Credits"
        inputmode="text"
        hint="From 0 to 99, with at most two decimals."
        value={values.credits}
        error={errors.credits}
      />
      <div class="field-row">
        <Field
          name="claimMinutesBefore"
          label="Claim minutes before start"
          type="number"
          inputmode="numeric"
          min={0}
          max={CLAIM_MINUTES_BEFORE_MAX}
          required={false}
          hint={`Empty: the organization’s ${organization.claimMinutesBefore}.`}
          value={values.claimMinutesBefore}
          error={errors.claimMinutesBefore}
        />
        <Field
          name="claimMinutesAfter"
          label="Claim minutes after end"
          type="number"
          inputmode="numeric"
          min={0}
          max={CLAIM_MINUTES_AFTER_MAX}
          required={false}
          hint={`Empty: the organization’s ${organization.claimMinutesAfter.toLocaleString('en-US')}.`}
          value={values.claimMinutesAfter}
          error={errors.claimMinutesAfter}
        />
      </div>
      <CheckboxField
        name="requiresRegistration"
        label="Learners must register to claim credit"
        checked={values.requiresRegistration}
        error={errors.requiresRegistration}
      />
      <CreditChoiceFields
        choices={props.choices}
        values={values}
        errors={errors}
        hint="What its learners complete before their credit and certificate."
        none={{ evaluation: 'The series’ evaluation', test: 'The series’ post-test, if it has one' }}
      />
      <TextAreaField
        name="notes"
        label="Supporting notes"
        required={false}
        hint="Internal: coordinators and the CME office see these; learners never do."
        value={values.notes}
        error={errors.notes}
      />
    </>
  );
}

export function NewSessionPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    timeZones: string[];
    values: SessionInput;
    repeat: RepeatInput;
    choices: CreditChoices;
    errors?: SessionFieldErrors;
  },
) {
  const { organization, series, errors = {} } = props;
  const seriesPath = `/${organization.code}/series/${series.id}`;
  return (
    <Layout {...props} title={`Add sessions to ${series.name}`}>
      <p>
        <a href={seriesPath}>
          {series.name} {series.year}
        </a>
      </p>
      <h1>Add sessions</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${seriesPath}/sessions/new`} novalidate>
        <CsrfField token={props.csrfToken} />
        <SessionFields {...props} errors={errors} />
        <RepeatFields values={props.repeat} errors={errors} year={series.year} />
        <button type="submit">Add sessions</button>
      </form>
    </Layout>
  );
}

export function EditSessionPage(
  props: PageChrome & {
    organization: Organization;
    series: Series;
    session: Session;
    timeZones: string[];
    values: SessionInput;
    choices: CreditChoices;
    scope: string;
    /** Later active sessions of the same recurrence, which "this and following" would change too. */
    following: number;
    errors?: SessionFieldErrors & { scope?: string };
  },
) {
  const { organization, session, errors = {} } = props;
  const path = `/${organization.code}/sessions/${session.id}`;
  return (
    <Layout {...props} title={`Edit ${session.name}`}>
      <p>
        <a href={path}>{session.name}</a>
      </p>
      <h1>Edit session</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${path}/edit`} novalidate>
        <CsrfField token={props.csrfToken} />
        {props.following > 0 && (
          <ChoicesField
            name="scope"
            label="Change"
            type="radio"
            hint="A new date moves the following sessions by the same number of days."
            options={[
              { value: 'this', label: 'This session only' },
              {
                value: 'following',
                label: `This and the ${props.following} following session${props.following === 1 ? '' : 's'} of its recurrence`,
              },
            ]}
            selected={[props.scope]}
            error={errors.scope}
          />
        )}
        <SessionFields {...props} errors={errors} />
        <button type="submit">Save session</button>
      </form>
    </Layout>
  );
}
