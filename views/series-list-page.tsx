import {
  type Organization,
  SERIES_STATUSES,
  type Series,
  type SeriesRole,
  type SeriesStatus,
} from '../db/schema';
import { Layout, type PageChrome } from './layout';
import { STATUS_LABELS, StatusBadge } from './series-page';

export type SeriesListProps = PageChrome & { organization: Organization } & (
    | {
        /** Reviewers and admins: every series of the organization, filtered. */
        mode: 'review';
        series: Series[];
        years: number[];
        filter: { year?: number | undefined; status?: SeriesStatus | undefined };
      }
    | {
        /** Owners and coordinators: their own series. */
        mode: 'mine';
        series: { series: Series; roles: SeriesRole[] }[];
      }
  );

const ROLE_LABELS: Record<SeriesRole, string> = { owner: 'Owner', coordinator: 'Coordinator' };

function SeriesLink(props: { organization: Organization; series: Series }) {
  return <a href={`/${props.organization.code}/series/${props.series.id}`}>{props.series.name}</a>;
}

export function SeriesListPage(props: SeriesListProps) {
  const { organization } = props;
  const base = `/${organization.code}`;
  if (props.mode === 'mine') {
    return (
      <Layout {...props} title="Your series">
        <h1>Your series</h1>
        {props.series.length === 0 ? (
          <p class="muted">You are not an owner or coordinator of any series.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Series</th>
                <th scope="col">Year</th>
                <th scope="col">Status</th>
                <th scope="col">Your role</th>
              </tr>
            </thead>
            <tbody>
              {props.series.map(({ series, roles }) => (
                <tr>
                  <td data-label="Series">
                    <SeriesLink organization={organization} series={series} />
                  </td>
                  <td data-label="Year">{series.year}</td>
                  <td data-label="Status">
                    <StatusBadge status={series.status} />
                  </td>
                  <td data-label="Your role">{roles.map((role) => ROLE_LABELS[role]).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>
    );
  }

  const { filter } = props;
  const filtered = filter.year !== undefined || filter.status !== undefined;
  return (
    <Layout {...props} title="Series">
      <div class="heading-row">
        <h1>Series</h1>
        <a class="button" href={`${base}/series/new`}>
          New series
        </a>
      </div>
      <form method="get" action={`${base}/series`} class="filters" aria-label="Filter series">
        <div class="field">
          <label for="filter-year">Year</label>
          <select id="filter-year" name="year">
            <option value="">All years</option>
            {props.years.map((year) => (
              <option value={String(year)} selected={year === filter.year}>
                {year}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            <option value="">All statuses</option>
            {SERIES_STATUSES.map((status) => (
              <option value={status} selected={status === filter.status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          Show series
        </button>
      </form>
      {props.series.length === 0 ? (
        <p class="muted">{filtered ? 'No series match these filters.' : 'No series yet.'}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Series</th>
              <th scope="col">Department</th>
              <th scope="col">Year</th>
              <th scope="col">Status</th>
              <th scope="col">Credits per session</th>
            </tr>
          </thead>
          <tbody>
            {props.series.map((series) => (
              <tr>
                <td data-label="Series">
                  <SeriesLink organization={organization} series={series} />
                </td>
                <td data-label="Department">{series.department}</td>
                <td data-label="Year">{series.year}</td>
                <td data-label="Status">
                  <StatusBadge status={series.status} />
                </td>
                <td data-label="Credits per session">{series.creditsPerSession}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
