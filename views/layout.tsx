import type { Child } from 'hono/jsx';
import type { Organization } from '../db/schema';
import type { Viewer } from '../server/context';
import { isStaff } from '../server/staff';

export interface PageChrome {
  organization: Organization | null;
  viewer: Viewer | null;
  /** Sent by htmx as X-CSRF-Token on every request and by forms as _csrf. */
  csrfToken: string;
}

/** Each role sees only what it can use: series are for the people who run or review them. */
export function seesSeries(viewer: Viewer): boolean {
  return viewer.runsSeries || isStaff(viewer);
}

export function Layout(props: PageChrome & { title: string; children?: Child }) {
  const { organization, viewer, csrfToken, title } = props;
  const base = organization ? `/${organization.code}` : '';
  const roles = viewer?.roles;
  const staff = viewer && isStaff(viewer);
  const runsSeries = viewer && seesSeries(viewer);
  const links = viewer && (
    <>
      {runsSeries && <a href={`${base}/dashboard`}>Dashboard</a>}
      {runsSeries && <a href={`${base}/series`}>Series</a>}
      {staff && <a href={`${base}/review`}>Review</a>}
      {roles?.has('faculty') && <a href={`${base}/my-sessions`}>My sessions</a>}
      <a href={`${base}/my-ce`}>My CE</a>
      <a href={`${base}/profile`}>Profile</a>
      {staff && <a href={`${base}/admin/accounts`}>Accounts</a>}
      {staff && <a href={`${base}/admin/evaluations`}>Evaluations</a>}
      {roles?.has('admin') && <a href={`${base}/admin/settings`}>Settings</a>}
      {roles?.has('admin') && <a href={`${base}/admin/outbox`}>Outbox</a>}
      <form method="post" action={`${base}/sign-out`} class="inline">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <button type="submit" class="link">
          Sign out ({viewer.account.firstName})
        </button>
      </form>
    </>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={csrfToken} />
        <title>{organization ? `${title} · ${organization.name}` : `${title} · Rounds`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/rounds.css" />
        <script src="/assets/htmx.js" defer></script>
        <script src="/assets/rounds.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href={base || '/'}>
            {organization ? organization.name : 'Rounds'}
          </a>
          {organization && !viewer && (
            <nav aria-label="Main">
              <a href={`${base}/sign-in`}>Sign in</a>
            </nav>
          )}
          {organization && viewer && (
            <>
              <nav aria-label="Main" class="nav-wide">
                {links}
              </nav>
              {/* On a phone the same links fold into a menu, so the bar stays one row. No script: <details>. */}
              <details class="nav-narrow">
                <summary>Menu</summary>
                <nav aria-label="Main menu">{links}</nav>
              </details>
            </>
          )}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** Hidden CSRF field for plain forms (htmx requests also carry the header). */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
