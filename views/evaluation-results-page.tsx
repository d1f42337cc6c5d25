import type { EvaluationResults } from '../server/evaluation-results';
import { Layout, type PageChrome } from './layout';

/** Evaluation results for a session or a series: counts per answer, averages, and comments. */
export function EvaluationResultsPage(
  props: PageChrome & {
    title: string;
    subtitle: string;
    back: { href: string; label: string };
    results: EvaluationResults;
    csvHref?: string | undefined;
  },
) {
  const { results } = props;
  return (
    <Layout {...props} title={`Evaluation results: ${props.title}`}>
      <p>
        <a href={props.back.href}>{props.back.label}</a>
      </p>
      <h1>Evaluation results: {props.title}</h1>
      <p class="muted">{props.subtitle}</p>
      {results.responses === 0 ? (
        <p>
          No evaluations yet. Learners are asked for one after their attendance is recorded, where the series
          or session names an evaluation; results appear here as they answer.
        </p>
      ) : (
        <>
          <p>
            {results.responses} evaluation{results.responses === 1 ? '' : 's'} completed.
          </p>
          {results.questions.map((question) => (
            <section class="panel">
              <h2>{question.prompt}</h2>
              {question.kind === 'text' ? (
                question.comments.length === 0 ? (
                  <p class="muted">No comments.</p>
                ) : (
                  <ul>
                    {question.comments.map((comment) => (
                      <li>{comment}</li>
                    ))}
                  </ul>
                )
              ) : (
                <>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Answer</th>
                        <th scope="col">Learners</th>
                        <th scope="col">Share</th>
                      </tr>
                    </thead>
                    <tbody>
                      {question.counts.map((count) => (
                        <tr>
                          <td data-label="Answer">{count.label}</td>
                          <td data-label="Learners">{count.n}</td>
                          <td data-label="Share">
                            {question.answered === 0 ? '0' : Math.round((count.n * 100) / question.answered)}%
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p class="muted">
                    {question.answered} answered
                    {question.average
                      ? `; average ${question.average} on a scale of 1 (${question.counts[0]?.label}) to ${question.counts.length} (${question.counts.at(-1)?.label})`
                      : ''}
                    .
                  </p>
                </>
              )}
            </section>
          ))}
        </>
      )}
      {props.csvHref && (
        <p class="actions">
          <a class="button secondary" href={props.csvHref}>
            Download every evaluation (CSV)
          </a>
        </p>
      )}
    </Layout>
  );
}
