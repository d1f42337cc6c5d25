import type { EvaluationQuestion, PostTestQuestion, TestAttempt } from '../db/schema';
import { answerField } from '../server/evaluation-forms';
import type { FieldErrors, FormValues } from '../server/forms';
import { ChoicesField, ErrorSummary, FormAlert, TextAreaField, typed } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';
import { formatInstant, formatSessionTime } from './time';

/** The session a page is about, as its heading's subtitle shows it. */
export interface CreditSession {
  name: string;
  seriesName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
}

function SessionLine(props: { session: CreditSession }) {
  const { session } = props;
  return (
    <p class="muted">
      {session.seriesName} · {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
    </p>
  );
}

function selected(values: FormValues, name: string): string[] {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** One question of an evaluation as a form control: a scale, choices, or a text box. */
function Question(props: { question: EvaluationQuestion; values: FormValues; errors: FieldErrors }) {
  const { question, values, errors } = props;
  const name = answerField(question);
  const label = question.required ? question.prompt : `${question.prompt} (optional)`;
  if (question.kind === 'text') {
    return (
      <TextAreaField
        name={name}
        label={question.prompt}
        required={question.required}
        rows={3}
        value={typed(values, name)}
        error={errors[name]}
      />
    );
  }
  return (
    <ChoicesField
      name={name}
      label={label}
      type={question.kind === 'multiple' ? 'checkbox' : 'radio'}
      hint={question.kind === 'multiple' ? 'Choose all that apply.' : undefined}
      options={
        question.kind === 'rating'
          ? question.choices.map((choice, index) => ({ value: String(index + 1), label: choice }))
          : question.choices
      }
      selected={selected(values, name)}
      error={errors[name]}
    />
  );
}

/** My CE → Evaluations → Complete evaluation: the questions the session asked for. */
export function EvaluationPage(
  props: PageChrome & {
    session: CreditSession;
    questions: EvaluationQuestion[];
    dueAt: Date;
    action: string;
    values: FormValues;
    errors: FieldErrors;
    /** Why the answers cannot be taken (past due), instead of the form. */
    refusal?: string | undefined;
  },
) {
  return (
    <Layout {...props} title={`Evaluation: ${props.session.name}`}>
      <h1>Evaluation: {props.session.name}</h1>
      <SessionLine session={props.session} />
      {props.refusal ? (
        <FormAlert>{props.refusal}</FormAlert>
      ) : (
        <>
          <p>Due by {formatInstant(props.dueAt, props.session.timeZone)}. Your answers help the planners.</p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.csrfToken} />
            <ErrorSummary errors={props.errors} />
            {props.questions.map((question) => (
              <Question question={question} values={props.values} errors={props.errors} />
            ))}
            <p class="actions">
              <button type="submit">Submit evaluation</button>
            </p>
          </form>
        </>
      )}
      <p>
        <a href={`/${props.organization?.code}/my-ce`}>Back to My CE</a>
      </p>
    </Layout>
  );
}

/** My CE → Tests → Test: the post-test's questions, never their answers. */
export function PostTestPage(
  props: PageChrome & {
    session: CreditSession;
    questions: PostTestQuestion[];
    passingScore: number;
    attemptsLeft: number;
    dueAt: Date;
    action: string;
    values: FormValues;
    errors: FieldErrors;
    refusal?: string | undefined;
  },
) {
  return (
    <Layout {...props} title={`Post-test: ${props.session.name}`}>
      <h1>Post-test: {props.session.name}</h1>
      <SessionLine session={props.session} />
      {props.refusal ? (
        <FormAlert>{props.refusal}</FormAlert>
      ) : (
        <>
          <p>
            Pass with {props.passingScore}% or more. You have {props.attemptsLeft} attempt
            {props.attemptsLeft === 1 ? '' : 's'} left; it is due by{' '}
            {formatInstant(props.dueAt, props.session.timeZone)}.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.csrfToken} />
            <ErrorSummary errors={props.errors} />
            {props.questions.map((question, index) => (
              <ChoicesField
                name={`q-${question.id}`}
                label={`${index + 1}. ${question.prompt}`}
                type="radio"
                options={question.choices.map((choice, n) => ({ value: String(n), label: choice }))}
                selected={selected(props.values, `q-${question.id}`)}
                error={props.errors[`q-${question.id}`]}
              />
            ))}
            <p class="actions">
              <button type="submit">Submit answers</button>
            </p>
          </form>
        </>
      )}
      <p>
        <a href={`/${props.organization?.code}/my-ce`}>Back to My CE</a>
      </p>
    </Layout>
  );
}

/** "Test Results": every attempt with its score, and the questions of the last one, to print. */
export function TestResultsPage(
  props: PageChrome & {
    session: CreditSession;
    learnerName: string;
    questions: PostTestQuestion[];
    passingScore: number;
    attempts: TestAttempt[];
    attemptsLeft: number;
    testUrl: string;
  },
) {
  const last = props.attempts.at(-1);
  const passed = props.attempts.some((a) => a.passed);
  return (
    <Layout {...props} title={`Test results: ${props.session.name}`}>
      <h1>Test results: {props.session.name}</h1>
      <SessionLine session={props.session} />
      <p>{props.learnerName}</p>
      {last && (
        <p class={last.passed ? 'alert alert-ok' : 'alert alert-error'} role="status">
          {passed
            ? `Test Complete: you passed with ${Math.max(...props.attempts.filter((a) => a.passed).map((a) => a.score))}%.`
            : `You scored ${last.score}%; ${props.passingScore}% passes. ${
                props.attemptsLeft > 0
                  ? `You have ${props.attemptsLeft} attempt${props.attemptsLeft === 1 ? '' : 's'} left.`
                  : 'You have no attempts left: ask the CME office if you should have another.'
              }`}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Submitted</th>
            <th scope="col">Score</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {props.attempts.map((attempt) => (
            <tr>
              <td data-label="Attempt">{attempt.number}</td>
              <td data-label="Submitted">{formatInstant(attempt.submittedAt, props.session.timeZone)}</td>
              <td data-label="Score">{attempt.score}%</td>
              <td data-label="Result">{attempt.passed ? 'Passed' : 'Not passed'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {last && passed && (
        <>
          <h2>Your answers</h2>
          <ol>
            {props.questions.map((question) => {
              const answer = last.answers[question.id];
              const right = answer === question.correct;
              return (
                <li>
                  {question.prompt}
                  <br />
                  <span class="muted">
                    Your answer: {answer === undefined ? 'none' : (question.choices[answer] ?? 'none')} (
                    {right ? 'right' : `the answer is ${question.choices[question.correct]}`})
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      )}
      <p class="actions">
        {!passed && props.attemptsLeft > 0 && (
          <a class="button" href={props.testUrl}>
            Try again
          </a>
        )}
        <button type="button" class="secondary" data-print>
          Print
        </button>
        <a class="button secondary" href={`/${props.organization?.code}/my-ce`}>
          Back to My CE
        </a>
      </p>
    </Layout>
  );
}
