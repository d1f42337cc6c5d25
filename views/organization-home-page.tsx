import { isStaff } from '../server/staff';
import type { Organization } from '../db/schema';
import { Notice } from './field';
import { Layout, type PageChrome, seesSeries } from './layout';

export function OrganizationHomePage(
  props: PageChrome & { organization: Organization; notice?: string | undefined },
) {
  const { organization, viewer } = props;
  const base = `/${organization.code}`;
  if (!viewer) {
    return (
      <Layout {...props} title="Welcome">
        <h1>Welcome to {organization.name} CME</h1>
        <p>
          Sign in to claim credit for the sessions you attend, complete evaluations and download your
          transcript.
        </p>
        <p>
          <a class="button" href={`${base}/sign-in`}>
            Sign in
          </a>{' '}
          <a class="button secondary" href={`${base}/sign-up`}>
            Create an account
          </a>
        </p>
        <p class="muted">
          Attended before? You already have an account: use{' '}
          <a href={`${base}/forgot-password`}>Forgot your password?</a> rather than creating a second one.
        </p>
      </Layout>
    );
  }
  const roles = viewer.roles;
  const runsSeries = seesSeries(viewer);
  return (
    <Layout {...props} title="Home">
      <h1>Welcome, {viewer.account.firstName}</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ul class="cards">
        <li>
          <a href={`${base}/profile`}>Your profile</a>{' '}
          <span class="muted">names, degree, profession, specialties, mobile, NPI and board ID</span>
        </li>
        <li>
          <a href={`${base}/security`}>Password and sign-in</a>{' '}
          <span class="muted">change your password, set up an authenticator app</span>
        </li>
        <li>
          <a href={`${base}/my-sessions`}>My sessions</a> and{' '}
          <a href={`${base}/disclosures`}>my disclosures</a>{' '}
          <span class="muted">the sessions you teach, and your financial disclosure for them</span>
        </li>
        {runsSeries && (
          <li>
            <a href={`${base}/series`}>Series</a>{' '}
            <span class="muted">
              {roles.has('reviewer') ? 'create, review and approve series' : 'your series and their renewal'}
            </span>
          </li>
        )}
        {isStaff({ roles }) && (
          <li>
            <a href={`${base}/admin/accounts`}>Accounts</a>{' '}
            <span class="muted">find people, unlock locked accounts</span>
          </li>
        )}
        {roles.has('admin') && (
          <li>
            <a href={`${base}/admin/settings`}>Organization settings</a>{' '}
            <span class="muted">time zone, SMS number, lists, claim window, password and lockout policy</span>
          </li>
        )}
      </ul>
      {!runsSeries && !roles.has('admin') && (
        <section aria-labelledby="coming-heading">
          <h2 id="coming-heading">Coming to this page</h2>
          <ul>
            <li>Claim credit for a session you attend: text its code, scan its QR code, or enter it here.</li>
            <li>Evaluations to complete, and certificates to download once they are done.</li>
            <li>Your transcript of credit, to download or email.</li>
          </ul>
          <p class="muted">
            Until then, keep your profile up to date: certificates use your name and degree.
          </p>
        </section>
      )}
    </Layout>
  );
}
