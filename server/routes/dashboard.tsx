import { sessionApproved } from '../lifecycles/after-change';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DashboardPage, DashboardRowView } from '../../views/dashboard-page';
import { DomainError } from '../../workflows/errors';
import { allow, hasRole, type Rule } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import {
  addComment,
  COMMENT_MAX,
  dashboardQuery,
  dashboardRow,
  InvalidComment,
  loadDashboard,
} from '../dashboard';
import { typedField, validForm, validParams } from '../forms';
import { chrome, viewerOf } from '../page';
import { renderError } from '../respond';
import { messageSentNotice } from '../session-messages';
import { takeNoticeWithCounts } from '../notice';
import { approveSession } from '../review';
import { isStaff } from '../staff';
import { findSession, runsSessionRule, type SessionWithSeries } from '../sessions';

/**
 * The RSS dashboard: one page per organization, for coordinators and owners (their series) and
 * the CME office (all). A comment or an approval updates its row in place with htmx; without
 * JavaScript the same forms post and come back to the dashboard.
 */
export const dashboardRoutes = new Hono<AppEnv>();

const staff = hasRole('reviewer', 'admin');
const runsSeries: Rule = (c) => Boolean(c.get('viewer')?.runsSeries);

dashboardRoutes.get('/dashboard', allow(staff, runsSeries), async (c) => {
  const { db, clock } = c.get('deps');
  const query = dashboardQuery.parse(c.req.query());
  const dashboard = await loadDashboard(db, c.get('organization'), viewerOf(c), query, clock.now());
  const waiting = takeNoticeWithCounts(c);
  const sent = waiting?.name === 'message-sent' ? (waiting.counts[0] ?? 0) : undefined;
  return c.html(
    <DashboardPage
      {...chrome(c)}
      organization={c.get('organization')}
      dashboard={dashboard}
      query={query}
      notice={sent === undefined ? undefined : messageSentNotice(sent)}
    />,
  );
});

const sessionParam = validParams(z.object({ sessionId: z.string() }));

async function sessionOf(c: Context<AppEnv>, sessionId: string): Promise<SessionWithSeries | null> {
  return findSession(c.get('deps').db, c.get('organization').id, sessionId);
}

async function renderRow(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  extra: Pick<Parameters<typeof DashboardRowView>[0], 'notice' | 'commentError'>,
  status: 200 | 400 | 409 = 200,
) {
  const viewer = viewerOf(c);
  const row = await dashboardRow(c.get('deps').db, viewer, found);
  if (!c.req.header('HX-Request')) {
    // Without htmx the form posted a whole page: back to the dashboard, at this row.
    if (status !== 200) {
      return renderError(c, 'invalid_input', extra.commentError?.problem);
    }
    return c.redirect(`/${c.get('organization').code}/dashboard#row-${found.session.id}`, 303);
  }
  return c.html(
    <DashboardRowView
      organization={c.get('organization')}
      row={row}
      csrfToken={c.get('csrfToken')}
      canApprove={isStaff(viewer)}
      {...extra}
    />,
    status,
  );
}

dashboardRoutes.post(
  '/dashboard/sessions/:sessionId/comments',
  allow(runsSessionRule),
  sessionParam,
  // A little over the limit is read, so the person is told how long it was rather than refused blind.
  validForm(z.object({ body: typedField.pipe(z.string().max(COMMENT_MAX * 4)) }), (c) =>
    renderError(c, 'bad_request'),
  ),
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const { body } = c.req.valid('form');
    const { db, clock } = c.get('deps');
    try {
      await addComment({ db, now: () => clock.now() }, found, viewerOf(c), body, clientAddress(c));
    } catch (error) {
      if (error instanceof InvalidComment) {
        return renderRow(c, found, { commentError: { typed: body, problem: error.problem } }, 400);
      }
      throw error;
    }
    return renderRow(c, found, { notice: { text: 'Comment posted.', where: 'comments' } });
  },
);

dashboardRoutes.post('/dashboard/sessions/:sessionId/approve', allow(staff), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  const { db, clock } = c.get('deps');
  try {
    await approveSession({ db, now: () => clock.now() }, found, viewerOf(c), clientAddress(c));
    sessionApproved(c.get('deps'), c.get('organization'), found.session);
  } catch (error) {
    if (error instanceof DomainError && error.code !== 'forbidden' && error.code !== 'not_found') {
      if (!c.req.header('HX-Request')) return renderError(c, error.code);
      return renderRow(c, { ...found }, { notice: { text: error.message, where: 'approval' } }, 409);
    }
    throw error;
  }
  const refreshed = (await sessionOf(c, found.session.id)) ?? found;
  return renderRow(c, refreshed, { notice: { text: 'Approved.', where: 'approval' } });
});
