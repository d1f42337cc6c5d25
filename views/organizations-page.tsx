import type { Organization } from '../db/schema';
import { Layout, type PageChrome } from './layout';

export function OrganizationsPage(props: PageChrome & { organizations: Organization[] }) {
  return (
    <Layout {...props} title="Choose your CME office">
      <h1>Choose your CME office</h1>
      {props.organizations.length === 0 ? (
        <p>No organization is set up yet.</p>
      ) : (
        <ul class="cards">
          {props.organizations.map((o) => (
            <li>
              <a href={`/${o.code}`}>{o.name}</a> <span class="muted">organization code {o.code}</span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
