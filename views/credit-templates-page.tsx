import type { EvaluationForm, Organization, PostTest } from '../db/schema';
import type { FieldErrors, FormValues } from '../server/forms';
import { ErrorSummary, Field, Notice, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

/** The organization's evaluations and post-tests, for the CME office to keep. */
export function CreditTemplatesPage(
  props: PageChrome & {
    organization: Organization;
    forms: Pick<EvaluationForm, 'id' | 'name' | 'standard' | 'questions'>[];
    tests: PostTest[];
    said?: string | undefined;
  },
) {
  const base = `/${props.organization.code}/admin`;
  return (
    <Layout {...props} title="Evaluations and post-tests">
      <h1>Evaluations and post-tests</h1>
      {props.said && <Notice>{props.said}</Notice>}
      <p>
        A series names the evaluation its learners complete, and the post-test they must pass, on its form; a
        session can name others. Changing one here changes what learners are asked from then on: learners
        already asked keep the questions they were given.
      </p>
      <h2>Evaluations</h2>
      <ul class="cards">
        {props.forms.map((form) => (
          <li>
            <a href={`${base}/evaluations/${form.id}`}>{form.name}</a>
            {form.standard ? ' (the standard CME evaluation)' : ''}
            <br />
            <span class="muted">
              {form.questions.length} question{form.questions.length === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
      <p class="actions">
        <a class="button" href={`${base}/evaluations/new`}>
          New evaluation
        </a>
      </p>
      <h2>Post-tests</h2>
      {props.tests.length === 0 ? (
        <p>
          None yet. A post-test has questions with one right answer each, a passing score and a number of
          attempts.
        </p>
      ) : (
        <ul class="cards">
          {props.tests.map((test) => (
            <li>
              <a href={`${base}/post-tests/${test.id}`}>{test.name}</a>
              <br />
              <span class="muted">
                {test.questions.length} question{test.questions.length === 1 ? '' : 's'} · pass with{' '}
                {test.passingScore}% · {test.attemptsAllowed} attempt{test.attemptsAllowed === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p class="actions">
        <a class="button" href={`${base}/post-tests/new`}>
          New post-test
        </a>
      </p>
    </Layout>
  );
}

/** An evaluation's editor: its name and its questions as plain text. */
export function EvaluationFormEditor(
  props: PageChrome & {
    organization: Organization;
    action: string;
    editing: boolean;
    values: FormValues;
    errors: FieldErrors;
  },
) {
  const title = props.editing ? `Edit ${typed(props.values, 'name') ?? 'evaluation'}` : 'New evaluation';
  return (
    <Layout {...props} title={title}>
      <p>
        <a href={`/${props.organization.code}/admin/evaluations`}>Evaluations and post-tests</a>
      </p>
      <h1>{title}</h1>
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.csrfToken} />
        <ErrorSummary errors={props.errors} />
        <Field name="name" label="Name" value={typed(props.values, 'name')} error={props.errors.name} />
        <TextAreaField
          name="questions"
          label="Questions"
          rows={18}
          hint="One question per paragraph, an empty line between them. First line: the question, ending (optional) if it is. Second line: its kind: rating: Strongly disagree | Disagree | Neutral | Agree | Strongly agree, single: Yes | No, multiple: A | B | C, or text."
          value={typed(props.values, 'questions')}
          error={props.errors.questions}
        />
        <p class="actions">
          <button type="submit">Save evaluation</button>
        </p>
      </form>
    </Layout>
  );
}

/** A post-test's editor: name, passing score, attempts, and its questions as plain text. */
export function PostTestEditor(
  props: PageChrome & {
    organization: Organization;
    action: string;
    editing: boolean;
    values: FormValues;
    errors: FieldErrors;
  },
) {
  const title = props.editing ? `Edit ${typed(props.values, 'name') ?? 'post-test'}` : 'New post-test';
  return (
    <Layout {...props} title={title}>
      <p>
        <a href={`/${props.organization.code}/admin/evaluations`}>Evaluations and post-tests</a>
      </p>
      <h1>{title}</h1>
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.csrfToken} />
        <ErrorSummary errors={props.errors} />
        <Field name="name" label="Name" value={typed(props.values, 'name')} error={props.errors.name} />
        <Field
          name="passingScore"
          label="Passing score (percent)"
          type="number"
          inputmode="numeric"
          value={typed(props.values, 'passingScore')}
          error={props.errors.passingScore}
        />
        <Field
          name="attemptsAllowed"
          label="Attempts"
          type="number"
          inputmode="numeric"
          value={typed(props.values, 'attemptsAllowed')}
          error={props.errors.attemptsAllowed}
        />
        <TextAreaField
          name="questions"
          label="Questions"
          rows={18}
          hint="One question per paragraph, an empty line between them: the question, then each choice on its own line starting with -, and the right one with * instead."
          value={typed(props.values, 'questions')}
          error={props.errors.questions}
        />
        <p class="actions">
          <button type="submit">Save post-test</button>
        </p>
      </form>
    </Layout>
  );
}
