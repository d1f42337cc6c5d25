import type { ClaimChannel, ClaimException, Organization } from '../db/schema';
import type { LearnerClaim } from '../server/claims';
import { creditWords } from './claim-pages';
import { Layout, type PageChrome } from './layout';
import { formatSessionTime } from './time';

export const CHANNEL_WORDS: Record<ClaimChannel, string> = {
  sms: 'by text',
  web: 'on the web',
  qr: 'by QR code',
  exception: 'by approved exception',
  manual: 'by a coordinator',
  sign_in_sheet: 'from the sign-in sheet',
};

/** My CE: where a learner claims credit and sees every attendance on record. */
export function MyCePage(
  props: PageChrome & {
    organization: Organization;
    claims: LearnerClaim[];
    /** Exceptions still waiting, or denied: the approved ones are attendance on record. */
    exceptions: (Pick<ClaimException, 'id' | 'status' | 'decisionNote' | 'requestedAt'> & {
      sessionName: string;
    })[];
  },
) {
  const { organization } = props;
  const base = `/${organization.code}`;
  const total = props.claims.reduce((sum, row) => sum + Number(row.claim.credits), 0);
  return (
    <Layout {...props} title="My CE">
      <h1>My CE</h1>
      <p class="actions">
        <a class="button" href={`${base}/claim`}>
          Claim credit
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
              {props.claims.map(({ claim, session, seriesName }) => (
                <tr>
                  <td data-label="Session">
                    {session.name}
                    <br />
                    <span class="muted">
                      {seriesName} · Event ID {session.childId}
                    </span>
                  </td>
                  <td data-label="When">
                    {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
                  </td>
                  <td data-label="Credits">{creditWords(claim.credits)}</td>
                  <td data-label="Recorded">
                    {CHANNEL_WORDS[claim.channel]}
                    <br />
                    <span class="muted">
                      {claim.creditRecordedAt ? 'credit on your record' : 'credit being recorded'}
                    </span>
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
