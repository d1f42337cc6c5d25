import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type Organization, SERIES_STATUSES, type Series } from '../../db/schema';
import { emptySeriesForm, SeriesFormPage, type SeriesFormValues } from '../../views/series-form-page';
import { EvaluationResultsPage } from '../../views/evaluation-results-page';
import { SeriesListPage } from '../../views/series-list-page';
import {
  type PanelMessage,
  type SeriesSchedule,
  SeriesPage,
  SeriesStatusPanel,
} from '../../views/series-page';
import { currentYearIn } from '../../workflows/calendar';
import { DomainError, ERRORS } from '../../workflows/errors';
import { allow, hasRole, signedIn } from '../access';
import type { AppDeps, AppEnv } from '../context';
import { repeatedField, typedField, validForm } from '../forms';
import { clientAddress } from '../client-address';
import { creditChoices } from '../evaluation-forms';
import { seriesEvaluationResults } from '../evaluation-results';
import { historyOf } from '../history';
import { chrome, viewerOf } from '../page';
import { noticeNext, takeNoticeWithCounts } from '../notice';
import { peopleByIds } from '../people';
import { renderError } from '../respond';
import { InvalidSeriesInput, isSeriesMember, type SeriesOperations, seriesOperations } from '../series';
import { isStaff } from '../staff';
import { listSessions } from '../sessions';

export const seriesRoutes = new Hono<AppEnv>();

const staff = hasRole('reviewer', 'admin');
const member = isSeriesMember('owner', 'coordinator');

/** A page with the workflow's answer waits this long for it, then says the schedule is unavailable. */
const SCHEDULE_TIMEOUT_MS = 3_000;

function operationsOf(c: Context<AppEnv>): SeriesOperations {
  const { db, clock, seriesYear, mailer, log, config } = c.get('deps');
  return seriesOperations({ db, clock, seriesYear, mailer, log, publicUrl: config.publicUrl });
}

/** A malformed id is a page that does not exist, not a JSON 400. */
const seriesParam = zValidator('param', z.object({ id: z.guid() }), (result, c) => {
  // The hook is typed for any Env; this route's context is the app's.
  if (!result.success) return renderError(c as unknown as Context<AppEnv>, 'not_found');
});

// ---- Lists ----

const listQuery = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  status: z.enum(SERIES_STATUSES).optional().catch(undefined),
});

/** Reviewers see every series with filters; anyone else the series they own or coordinate. */
seriesRoutes.get('/series', allow(signedIn), zValidator('query', listQuery), async (c) => {
  const organization = c.get('organization');
  const viewer = viewerOf(c);
  const operations = operationsOf(c);
  if (isStaff(viewer)) {
    const filter = c.req.valid('query');
    const [list, all] = await Promise.all([
      operations.listSeries(organization.id, filter),
      operations.listSeries(organization.id),
    ]);
    const years = [...new Set(all.map((found) => found.year))];
    return c.html(
      <SeriesListPage
        {...chrome(c)}
        organization={organization}
        mode="review"
        series={list}
        years={years}
        filter={filter}
      />,
    );
  }
  const mine = await operations.listSeriesOf(viewer.account);
  return c.html(<SeriesListPage {...chrome(c)} organization={organization} mode="mine" series={mine} />);
});

// ---- New series ----

async function renderForm(
  c: Context<AppEnv>,
  values: SeriesFormValues,
  errors?: InvalidSeriesInput['fields'] & { form?: string },
  editing?: Series,
) {
  const organization = c.get('organization');
  const { db } = c.get('deps');
  const chosen = {
    owners: await peopleByIds(db, organization.id, values.owners),
    coordinators: await peopleByIds(db, organization.id, values.coordinators),
  };
  return c.html(
    <SeriesFormPage
      {...chrome(c)}
      organization={organization}
      chosen={chosen}
      choices={await creditChoices(db, organization.id)}
      values={values}
      {...(errors ? { errors } : {})}
      editing={editing ? { id: editing.id, name: editing.name, year: editing.year } : undefined}
    />,
    errors ? 400 : 200,
  );
}

seriesRoutes.get('/series/new', allow(staff), async (c) => {
  const organization = c.get('organization');
  const { clock, db } = c.get('deps');
  const year = currentYearIn(organization.timeZone, clock.now());
  return renderForm(c, emptySeriesForm(year, await creditChoices(db, organization.id)));
});

/** Only the form's shape is checked here; createSeries judges the values and names what is wrong. */
const seriesForm = z.object({
  name: typedField,
  department: typedField,
  year: typedField,
  owners: repeatedField,
  coordinators: repeatedField,
  specialties: typedField,
  professions: repeatedField,
  creditsPerSession: typedField,
  creditForProfessionsOnly: typedField,
  affiliatesOnly: typedField,
  creditType: typedField,
  evaluationFormId: typedField,
  postTestId: typedField,
  certificatePolicy: typedField,
  evaluationDueDays: typedField,
});

seriesRoutes.post(
  '/series/new',
  allow(staff),
  // Only a tampered form fails the shape (a file where text belongs): start it again.
  validForm(seriesForm, (c) => {
    const year = currentYearIn(c.get('organization').timeZone, c.get('deps').clock.now());
    return renderForm(c, emptySeriesForm(year), { form: ERRORS.invalid_input.message });
  }),
  async (c) => {
    const organization = c.get('organization');
    const values = c.req.valid('form');
    try {
      const created = await operationsOf(c).createSeries(
        { ...values, specialties: values.specialties.split(',') },
        viewerOf(c),
        clientAddress(c),
      );
      noticeNext(c, 'series-created');
      return c.redirect(`/${organization.code}/series/${created.id}`, 303);
    } catch (error) {
      if (error instanceof InvalidSeriesInput) return renderForm(c, values, error.fields);
      throw error;
    }
  },
);

// ---- A reviewer edits a series' details ----

async function editedSeries(c: Context<AppEnv>, id: string) {
  return operationsOf(c).getSeries(c.get('organization').id, id);
}

seriesRoutes.get('/series/:id/edit', allow(staff), seriesParam, async (c) => {
  const detail = await editedSeries(c, c.req.valid('param').id);
  if (!detail) return renderError(c, 'not_found');
  const { series: found } = detail;
  return renderForm(
    c,
    {
      name: found.name,
      department: found.department,
      year: String(found.year),
      owners: detail.owners.map((person) => person.id),
      coordinators: detail.coordinators.map((person) => person.id),
      specialties: found.specialties.join(', '),
      professions: found.professions,
      creditsPerSession: found.creditsPerSession,
      creditForProfessionsOnly: found.creditForProfessionsOnly ? 'on' : '',
      affiliatesOnly: found.affiliatesOnly ? 'on' : '',
      creditType: found.creditType,
      evaluationFormId: found.evaluationFormId ?? '',
      postTestId: found.postTestId ?? '',
      certificatePolicy: found.certificatePolicy ?? '',
      evaluationDueDays: found.evaluationDueDays === null ? '' : String(found.evaluationDueDays),
    },
    undefined,
    found,
  );
});

seriesRoutes.post(
  '/series/:id/edit',
  allow(staff),
  seriesParam,
  validForm(seriesForm, async (c, rejected) => {
    const detail = await editedSeries(c, c.req.param('id') ?? '');
    if (!detail) return renderError(c, 'not_found');
    return renderForm(
      c,
      emptySeriesForm(detail.series.year),
      { form: ERRORS.invalid_input.message, ...rejected.errors },
      detail.series,
    );
  }),
  async (c) => {
    const organization = c.get('organization');
    const { id } = c.req.valid('param');
    const detail = await editedSeries(c, id);
    if (!detail) return renderError(c, 'not_found');
    const values = c.req.valid('form');
    try {
      await operationsOf(c).updateSeries(
        id,
        { ...values, specialties: values.specialties.split(',') },
        viewerOf(c),
        clientAddress(c),
      );
    } catch (error) {
      if (error instanceof InvalidSeriesInput) {
        return renderForm(c, { ...values, year: String(detail.series.year) }, error.fields, detail.series);
      }
      throw error;
    }
    noticeNext(c, 'series-saved');
    return c.redirect(`/${organization.code}/series/${id}`, 303);
  },
);

// ---- One series ----

/** Read from the workflow; a page never fails because Temporal is slow or away. */
async function readSchedule(
  { seriesYear, log }: Pick<AppDeps, 'seriesYear' | 'log'>,
  series: Series,
): Promise<SeriesSchedule> {
  if (series.status === 'submitted') return { kind: 'not_started' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const state = await Promise.race([
      seriesYear.describe(series.id, series.year),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('series-year describe timed out')), SCHEDULE_TIMEOUT_MS);
      }),
    ]);
    return state ? { kind: 'running', state } : { kind: 'unavailable' };
  } catch (error) {
    log.warn(`series ${series.id} ${series.year}: schedule unavailable`, error);
    return { kind: 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}

/** Everything the series page and its status panel show, as this viewer sees it. */
async function seriesView(c: Context<AppEnv>, seriesId: string) {
  const organization = c.get('organization');
  const viewer = viewerOf(c);
  const operations = operationsOf(c);
  const detail = await operations.getSeries(organization.id, seriesId);
  if (!detail) return null;
  const showingDeactivated = c.req.query('deactivated') === '1';
  const [schedule, roles, all] = await Promise.all([
    readSchedule(c.get('deps'), detail.series),
    operations.seriesRolesOf(detail.series.id, viewer.account.id),
    listSessions(c.get('deps').db, detail.series.id, { includeDeactivated: true }),
  ]);
  return {
    ...chrome(c),
    organization,
    detail,
    schedule,
    canApprove: isStaff(viewer),
    canRenew: roles.length > 0,
    sessions: showingDeactivated ? all : all.filter((session) => !session.deactivatedAt),
    deactivatedCount: all.filter((session) => session.deactivatedAt).length,
    showingDeactivated,
    canChangeSessions: isStaff(viewer) || roles.includes('coordinator'),
    canEdit: isStaff(viewer),
    history: await historyOf(c.get('deps').db, organization.id, { seriesId: detail.series.id }),
  };
}

/**
 * What approving did, said once: a series for this year is active at once; one for next year (a
 * renewal) waits for January 1, while this year's series carries on.
 */
function approvedMessage(series: Series, organization: Organization, now: Date): string {
  const thisYear = currentYearIn(organization.timeZone, now);
  return series.year > thisYear
    ? `Approved. It becomes active on Jan 1, ${series.year}; until then the ${thisYear} series carries on.`
    : 'Approved. The series is active now: sessions can be added.';
}

/** "12 sessions added. 3 dates after December 31, 2026 were not added: the series is approved through that day." */
function sessionsAddedMessage(series: Series, [added = 0, cut = 0]: number[]): string {
  const addedWords = `${added} session${added === 1 ? '' : 's'} added.`;
  if (cut === 0) return addedWords;
  return `${addedWords} ${cut} date${cut === 1 ? '' : 's'} after December 31, ${series.year} ${cut === 1 ? 'was' : 'were'} not added: the series is approved through that day.`;
}

seriesRoutes.get('/series/:id', allow(staff, member), seriesParam, async (c) => {
  const view = await seriesView(c, c.req.valid('param').id);
  if (!view) return renderError(c, 'not_found');
  const notified = takeNoticeWithCounts(c);
  const waiting = notified?.name;
  const notice =
    waiting === 'sessions-added'
      ? sessionsAddedMessage(view.detail.series, notified?.counts ?? [])
      : waiting === 'series-saved'
        ? 'Saved. The change is in the series’ history.'
        : waiting === 'series-created'
          ? 'Series created. It now awaits review.'
          : waiting === 'series-approved'
            ? approvedMessage(view.detail.series, c.get('organization'), c.get('deps').clock.now())
            : waiting === 'series-renewal-requested'
              ? 'Renewal requested. This draft for next year now awaits review.'
              : undefined;
  return c.html(<SeriesPage {...view} notice={notice} />);
});

/**
 * After approving or requesting renewal: htmx gets the status panel (with the message), a plain
 * form the whole page. A refusal changed nothing, so the panel shows the series as it stands.
 */
async function answerAction(
  c: Context<AppEnv>,
  seriesId: string,
  message: PanelMessage,
  status: ContentfulStatusCode,
) {
  const view = await seriesView(c, seriesId);
  if (!view) return renderError(c, 'not_found');
  if (c.req.header('HX-Request')) {
    return c.html(
      <SeriesStatusPanel
        {...view}
        series={view.detail.series}
        renewal={view.detail.renewal}
        message={message}
      />,
      status,
    );
  }
  return c.html(<SeriesPage {...view} message={message} />, status);
}

/** A refusal about this series (already approved, Temporal away…) is shown in its panel. */
function refusal(c: Context<AppEnv>, seriesId: string, error: unknown) {
  if (!(error instanceof DomainError)) throw error;
  if (error.code === 'not_found' || error.code === 'forbidden') return renderError(c, error.code);
  // What the workflow service said is for the operators' log, not the page.
  if (error.code === 'unavailable')
    c.get('deps').log.error(`series ${seriesId}: ${error.message}`, error.cause);
  return answerAction(c, seriesId, { tone: 'error', text: error.message }, ERRORS[error.code].status);
}

seriesRoutes.post('/series/:id/approve', allow(staff), seriesParam, async (c) => {
  const organization = c.get('organization');
  const { id } = c.req.valid('param');
  let approved: Series;
  try {
    approved = await operationsOf(c).approveSeries(id, viewerOf(c), clientAddress(c));
  } catch (error) {
    return refusal(c, id, error);
  }
  if (c.req.header('HX-Request')) {
    return answerAction(
      c,
      id,
      { tone: 'ok', text: approvedMessage(approved, organization, c.get('deps').clock.now()) },
      200,
    );
  }
  noticeNext(c, 'series-approved');
  return c.redirect(`/${organization.code}/series/${id}`, 303);
});

seriesRoutes.post('/series/:id/renew', allow(member), seriesParam, async (c) => {
  const organization = c.get('organization');
  const { id } = c.req.valid('param');
  let renewal: Series;
  try {
    renewal = await operationsOf(c).requestRenewal(id, viewerOf(c), clientAddress(c));
  } catch (error) {
    return refusal(c, id, error);
  }
  const draft = `/${organization.code}/series/${renewal.id}`;
  noticeNext(c, 'series-renewal-requested');
  // htmx would follow a redirect and swap the whole page into the panel; tell it to navigate.
  if (c.req.header('HX-Request')) return c.body(null, 200, { 'HX-Redirect': draft });
  return c.redirect(draft, 303);
});

/** What learners said across the series' sessions, for its owners, coordinators and the CME office. */
seriesRoutes.get('/series/:id/evaluations', allow(staff, member), seriesParam, async (c) => {
  const organization = c.get('organization');
  const { db } = c.get('deps');
  const detail = await operationsOf(c).getSeries(organization.id, c.req.valid('param').id);
  if (!detail) return renderError(c, 'not_found');
  const found = detail.series;
  return c.html(
    <EvaluationResultsPage
      {...chrome(c)}
      title={`${found.name} ${found.year}`}
      subtitle={`Every session of the series, ${found.department}`}
      back={{ href: `/${organization.code}/series/${found.id}`, label: `${found.name} ${found.year}` }}
      results={await seriesEvaluationResults(db, organization.id, found.id)}
      csvHref={isStaff(viewerOf(c)) ? `/${organization.code}/admin/evaluations/csv` : undefined}
    />,
  );
});
