import type { ClaimChannel, ClaimException, Organization } from '../db/schema';
import type { LearnerClaim } from '../server/claims';
import { type CreditStanding, creditStanding, owedWords } from '../server/credit-requirements';
import { creditWords } from './claim-pages';
import { Notice } from './field';
import { Layout, type PageChrome } from './layout';
import { formatInstant, formatSessionTime } from './time';

export const CHANNEL_WORDS: Record<ClaimChannel, string> = {
  sms: 'by text',
  web: 'on the web',
  qr: 'by QR code',
  exception: 'by approved exception',
  manual: 'by a coordinator',
  sign_in_sheet: 'from the sign-in sheet',
};

/** My CE: claim credit, what is left to complete, certificates, tests, and every attendance on record. */
export function MyCePage(
  props: PageChrome & {
    organization: Organization;
    claims: LearnerClaim[];
    /** Exceptions still waiting, or denied: the approved ones are attendance on record. */
    exceptions: (Pick<ClaimException, 'id' | 'status' | 'decisionNote' | 'requestedAt'> & {
      sessionName: string;
    })[];
    now: Date;
    /** What the learner just did ("Evaluation submitted…"). */
    said?: string | undefined;
  },
) {
  const { organization } = props;
  const base = `/${organization.code}`;
  const rows = props.claims.map((row) => ({ row, standing: creditStanding(row, props.now) }));
  const owed = rows.filter(
    ({ standing }) =>
      standing.kind === 'owed' || standing.kind === 'lapsed' || standing.kind === 'test_failed',
  );
  const certified = rows.filter(
    ({ standing }) => standing.kind === 'on_record' && standing.certificateId !== null,
  );
  const tested = rows.filter(({ row }) => row.requirement?.test);
  const total = props.claims.reduce((sum, row) => sum + Number(row.claim.credits), 0);
  return (
    <Layout {...props} title="My CE">
      <h1>My CE</h1>
      {props.said && <Notice>{props.said}</Notice>}
      <p class="actions">
        <a class="button" href={`${base}/claim`}>
          Claim credit
        </a>
        <a class="button secondary" href={`${base}/my-ce/transcript`}>
          Transcript
        </a>
      </p>
      {props.exceptions.length > 0 && (
        <>
          <h2>Exceptions asked for</h2>
          <ul>
            {props.exceptions.map((exception) => (
              <li>
                {exception.sessionName}:{' '}
                {exception.status === 'requested'
                  ? 'waiting for the coordinators.'
                  : `denied${exception.decisionNote ? ` (${exception.decisionNote})` : ''}.`}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Evaluations to complete</h2>
      {owed.length === 0 ? (
        <p>
          Nothing to complete. When a session you claim asks for an evaluation or a post-test, it appears here
          with its due date.
        </p>
      ) : (
        <ul class="cards">
          {owed.map(({ row, standing }) => (
            <li>
              <strong>{row.session.name}</strong>
              <br />
              <span class="muted">
                {row.seriesName} ·{' '}
                {formatSessionTime(row.session.startsAt, row.session.endsAt, row.session.timeZone)}
              </span>
              <OwedActions base={base} row={row} standing={standing} />
            </li>
          ))}
        </ul>
      )}
      <h2>Certificates</h2>
      {certified.length === 0 ? (
        <p>
          None yet. A certificate appears here once you complete what a session asks for (its evaluation, and
          its post-test if it has one). Some sessions give credit on your transcript only.
        </p>
      ) : (
        <ul class="cards">
          {certified.map(({ row, standing }) => (
            <li>
              <strong>{row.session.name}</strong>
              <br />
              <span class="muted">
                {formatSessionTime(row.session.startsAt, row.session.endsAt, row.session.timeZone)} ·{' '}
                {row.claim.credits} {row.creditType}
              </span>
              <p class="actions">
                <a
                  class="button secondary"
                  href={`${base}/my-ce/certificates/${standing.kind === 'on_record' ? standing.certificateId : ''}`}
                >
                  Download certificate<span class="visually-hidden"> for {row.session.name}</span>
                </a>
              </p>
            </li>
          ))}
        </ul>
      )}
      {tested.length > 0 && (
        <>
          <h2>Tests</h2>
          <ul class="cards">
            {tested.map(({ row }) => (
              <li>
                <strong>{row.session.name}</strong>
                <br />
                <span class="muted">
                  {row.requirement?.testPassedAt
                    ? `Test Complete: passed with ${row.bestScore ?? 0}%.`
                    : row.attemptsUsed === 0
                      ? 'Not taken yet.'
                      : `Best score so far ${row.bestScore ?? 0}%.`}
                </span>
                {row.attemptsUsed > 0 && (
                  <p class="actions">
                    <a class="button secondary" href={`${base}/my-ce/tests/${row.claim.id}/results`}>
                      Test results<span class="visually-hidden"> for {row.session.name}</span>
                    </a>
                  </p>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Attendance on record</h2>
      {props.claims.length === 0 ? (
        <p>
          Nothing yet. After a session, choose <strong>Claim credit</strong> and enter its Event ID or
          attendance code
          {organization.smsNumber
            ? `, or text the code to ${organization.smsNumber} from a paired phone`
            : ''}
          .
        </p>
      ) : (
        <>
          <p>
            {props.claims.length} session{props.claims.length === 1 ? '' : 's'},{' '}
            {creditWords(total.toFixed(2))} in all.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">When</th>
                <th scope="col">Credits</th>
                <th scope="col">Recorded</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ row, standing }) => (
                <tr>
                  <td data-label="Session">
                    {row.session.name}
                    <br />
                    <span class="muted">
                      {row.seriesName} · Event ID {row.session.childId}
                    </span>
                  </td>
                  <td data-label="When">
                    {formatSessionTime(row.session.startsAt, row.session.endsAt, row.session.timeZone)}
                  </td>
                  <td data-label="Credits">{creditWords(row.claim.credits)}</td>
                  <td data-label="Recorded">
                    {CHANNEL_WORDS[row.claim.channel]}
                    <br />
                    <span class="muted">{standingWords(standing, row.session.timeZone)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
}

function standingWords(standing: CreditStanding, timeZone: string): string {
  switch (standing.kind) {
    case 'being_recorded':
      return 'credit being recorded';
    case 'on_record':
      return standing.transcriptOnly ? 'credit on your record (transcript only)' : 'credit on your record';
    case 'owed':
      return `credit after ${owedWords(standing)}, due by ${formatInstant(standing.dueAt, timeZone)}`;
    case 'lapsed':
      return 'credit lapsed: not completed by its due date';
    case 'test_failed':
      return 'credit waits: post-test not passed';
  }
}

function OwedActions(props: { base: string; row: LearnerClaim; standing: CreditStanding }) {
  const { base, row, standing } = props;
  const zone = row.session.timeZone;
  if (standing.kind === 'lapsed') {
    return (
      <p>
        Was due by {formatInstant(standing.dueAt, zone)} and was not completed, so this credit is not on your
        record. If you could not complete it in time, ask the CME office to reopen it.
      </p>
    );
  }
  if (standing.kind === 'test_failed') {
    return (
      <p>
        You used every attempt at the post-test without passing. Ask the CME office if you should have
        another.{' '}
        <a href={`${base}/my-ce/tests/${row.claim.id}/results`}>
          Test results<span class="visually-hidden"> for {row.session.name}</span>
        </a>
      </p>
    );
  }
  if (standing.kind !== 'owed') return null;
  return (
    <>
      <p>Due by {formatInstant(standing.dueAt, zone)}.</p>
      <p class="actions">
        {standing.evaluation && (
          <a class="button" href={`${base}/my-ce/evaluations/${row.claim.id}`}>
            Complete evaluation<span class="visually-hidden"> for {row.session.name}</span>
          </a>
        )}
        {standing.test && (
          <a class="button" href={`${base}/my-ce/tests/${row.claim.id}`}>
            Take the post-test<span class="visually-hidden"> for {row.session.name}</span>
          </a>
        )}
      </p>
    </>
  );
}
