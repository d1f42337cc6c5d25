import type { Organization, Series, Session } from '../db/schema';
import type { SessionState } from '../server/session-facts';
import { COI_STATUS_LABELS } from '../server/session-status';
import { FACULTY_ROLE_LABELS } from './faculty-member';
import { Layout, type PageChrome } from './layout';
import { sessionPath } from './session-page';
import { formatSessionTime } from './time';

/** A faculty member's sessions: what they teach, and whether their disclosure covers it. */
export function MySessionsPage(
  props: PageChrome & {
    organization: Organization;
    accountId: string;
    upcoming: { session: Session; series: Series; state: SessionState }[];
    past: { session: Session; series: Series }[];
  },
) {
  const { organization } = props;
  return (
    <Layout {...props} title="My sessions">
      <h1>My sessions</h1>
      <p>
        <a href={`/${organization.code}/disclosures`}>My disclosures</a> ·{' '}
        <a href={`/${organization.code}/disclosure`}>Complete a disclosure</a>
      </p>
      <h2>Coming up</h2>
      {props.upcoming.length === 0 ? (
        <p class="muted">You are not faculty of any upcoming session.</p>
      ) : (
        <ul class="cards">
          {props.upcoming.map(({ session, series, state }) => {
            const me = state.faculty.find((member) => member.id === props.accountId);
            return (
              <li class="card">
                <a href={sessionPath(organization, session)}>{session.name}</a>{' '}
                <span class="muted">{series.name}</span>
                <br />
                {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
                {session.location && ` · ${session.location}`}
                {me && (
                  <>
                    <br />
                    {FACULTY_ROLE_LABELS[me.role]}: {COI_STATUS_LABELS[me.coi.status]}. {me.coi.reason}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {props.past.length > 0 && (
        <>
          <h2>Past</h2>
          <ul class="cards">
            {props.past.map(({ session, series }) => (
              <li class="card">
                <a href={sessionPath(organization, session)}>{session.name}</a>{' '}
                <span class="muted">{series.name}</span>
                <br />
                {formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}
