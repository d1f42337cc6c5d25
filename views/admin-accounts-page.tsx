import { formatInstant } from './time';
import { type Organization, ROLES } from '../db/schema';
import type { AccountWithRoles } from '../server/accounts';
import { Field, FormAlert, Notice } from './field';
import { CsrfField, Layout, type PageChrome } from './layout';

export interface AccountsFilter {
  search: string;
  lockedOnly: boolean;
}

export function AdminAccountsPage(
  props: PageChrome & {
    organization: Organization;
    accounts: AccountWithRoles[];
    filter: AccountsFilter;
    /** More accounts match than are shown. */
    truncated?: boolean;
    /** Only admins change roles; reviewers see them. */
    canChangeRoles: boolean;
    /** To tell a lock still running from one that has ended. */
    now: Date;
    notice?: string | undefined;
    problem?: string | undefined;
  },
) {
  const { organization, accounts, filter } = props;
  const base = `/${organization.code}/admin/accounts`;
  const locked = accounts.filter((account) => account.lockedAt).length;
  return (
    <Layout {...props} title="Accounts">
      <h1>Accounts</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <FormAlert>{props.problem}</FormAlert>
      <form method="get" action={base} class="stack">
        <Field name="search" label="Find by name or email" type="text" value={filter.search} />
        <p>
          <input type="checkbox" id="field-locked" name="locked" value="1" checked={filter.lockedOnly} />{' '}
          <label for="field-locked" class="inline">
            Locked accounts only
          </label>
        </p>
        <button type="submit" class="secondary">
          Find
        </button>
      </form>
      <p class="muted">
        Roles here are organization-wide. Who owns or coordinates a series is chosen on that series' page.
      </p>
      {accounts.length === 0 && (
        <p role="status">
          {filter.search
            ? `No accounts match “${filter.search}”${filter.lockedOnly ? ' among locked accounts' : ''}.`
            : filter.lockedOnly
              ? 'No account is locked.'
              : 'No accounts yet.'}
        </p>
      )}
      <p class="muted">
        {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}
        {locked > 0 && `, ${locked} locked`}
        {props.truncated && ' shown; more match, so narrow the search to find someone'}
      </p>
      {accounts.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Degree and profession</th>
              <th scope="col">Status</th>
              <th scope="col">Roles</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <AccountRow
                organization={organization}
                account={account}
                csrfToken={props.csrfToken}
                canChangeRoles={props.canChangeRoles}
                now={props.now}
              />
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** One account; also the fragment htmx swaps in after an unlock or a change of roles. */
export function AccountRow(props: {
  organization: Organization;
  account: AccountWithRoles;
  csrfToken: string;
  canChangeRoles: boolean;
  now: Date;
  notice?: string;
}) {
  const { account, organization } = props;
  const action = `/${organization.code}/admin/accounts/${account.id}`;
  const name = `${account.firstName} ${account.lastName}`;
  return (
    <tr id={`account-${account.id}`} class={account.lockedAt ? 'locked' : undefined}>
      <td data-label="Name">
        <strong>{name}</strong>
        <br />
        <span class="muted">{account.email}</span>
        <br />
        <a href={`${action}/credit`}>
          External credit<span class="visually-hidden"> for {name}</span>
        </a>
      </td>
      <td data-label="Degree and profession">
        {account.degree}, {account.profession}
      </td>
      <td data-label="Status">
        {account.lockedAt ? (
          <>
            <span class="badge badge-locked">Locked</span>
            <br />
            <span class="muted">
              since {formatInstant(account.lockedAt, organization.timeZone)} after {account.failedSignIns}{' '}
              failed sign-ins
              {account.lockedUntil && account.lockedUntil > props.now
                ? `; password sign-in paused until ${formatInstant(account.lockedUntil, organization.timeZone)}`
                : ''}
            </span>
            <form
              method="post"
              action={`${action}/unlock`}
              hx-post={`${action}/unlock`}
              hx-target={`#account-${account.id}`}
              hx-swap="outerHTML"
            >
              <CsrfField token={props.csrfToken} />
              <button type="submit" aria-label={`Unlock ${name}`}>
                Unlock
              </button>
            </form>
          </>
        ) : (
          <span class="badge">Active</span>
        )}
        {props.notice && (
          <p class="muted" role="status" tabindex={-1} data-focus-here>
            {props.notice}
          </p>
        )}
      </td>
      <td data-label="Roles">
        {props.canChangeRoles ? (
          <form
            method="post"
            action={`${action}/roles`}
            hx-post={`${action}/roles`}
            hx-target={`#account-${account.id}`}
            hx-swap="outerHTML"
          >
            <CsrfField token={props.csrfToken} />
            <fieldset>
              <legend class="muted">Roles of {name}</legend>
              {ROLES.map((role) => (
                <span class="choice">
                  <input
                    type="checkbox"
                    id={`role-${account.id}-${role}`}
                    name="roles"
                    value={role}
                    checked={account.roles.includes(role)}
                  />{' '}
                  <label for={`role-${account.id}-${role}`}>{role}</label>
                </span>
              ))}
              <span class="choice">
                <input
                  type="checkbox"
                  id={`affiliated-${account.id}`}
                  name="affiliated"
                  checked={account.affiliatedAt !== null}
                />{' '}
                <label for={`affiliated-${account.id}`}>medical staff or affiliate</label>
              </span>
            </fieldset>
            <button type="submit" class="secondary" aria-label={`Save roles of ${name}`}>
              Save roles
            </button>
          </form>
        ) : (
          account.roles.join(', ')
        )}
      </td>
    </tr>
  );
}
