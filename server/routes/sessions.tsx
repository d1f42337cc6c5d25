import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Series } from '../../db/schema';
import { SeriesCalendarPage } from '../../views/series-calendar-page';
import type { SessionApprovalState } from '../../workflows/session-approval';
import { ticketOf } from '../escalations';
import { sessionsChanged, sessionsCreated } from '../lifecycles/after-change';
import { EditSessionPage, NewSessionPage, NO_REPEAT } from '../../views/session-form-page';
import { DeactivateSessionPage, SessionPage, sessionPath } from '../../views/session-page';
import { formatSessionTime } from '../../views/time';
import { currentYearIn, localDate } from '../../workflows/calendar';
import { DomainError, ERRORS } from '../../workflows/errors';
import { allow, hasRole } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { checkboxField, repeatedField, typedField, validForm, validParams } from '../forms';
import { creditChoices } from '../evaluation-forms';
import { type HistoryEntry, historyOf } from '../history';
import { sessionState } from '../session-facts';
import { noticeNext, takeNoticeWithCounts } from '../notice';
import { messageSentNotice } from '../session-messages';
import { timeZones } from '../organization-settings';
import { chrome, viewerOf } from '../page';
import { renderError } from '../respond';
import { findSeries, isSeriesMember } from '../series';
import { isStaff } from '../staff';
import {
  type EditScope,
  findSession,
  InvalidSessionInput,
  listSessions,
  mayChangeSessionRule,
  mayChangeSessions,
  maySeeSessionRule,
  runsSession,
  newSessionInput,
  type RepeatInput,
  type SessionFieldErrors,
  type SessionInput,
  type SessionWithSeries,
  sessionInputOf,
  sessionOperations,
} from '../sessions';
import { sessionClosed } from '../session-status';

/** Sessions of a series: adding (once or recurring), one session's page, editing, moving, deactivating. */
export const sessionRoutes = new Hono<AppEnv>();

const staff = hasRole('reviewer', 'admin');
const coordinator = isSeriesMember('coordinator');
const member = isSeriesMember('owner', 'coordinator');

function operationsOf(c: Context<AppEnv>) {
  const { db, clock } = c.get('deps');
  return sessionOperations({ db, clock });
}

/** A series of the viewer's organization; another organization's does not exist here. */
function seriesOf(c: Context<AppEnv>, id: string): Promise<Series | null> {
  return findSeries(c.get('deps').db, c.get('organization').id, id);
}

async function sessionOf(c: Context<AppEnv>, sessionId: string): Promise<SessionWithSeries | null> {
  return findSession(c.get('deps').db, c.get('organization').id, sessionId);
}

const seriesParam = validParams(z.object({ id: z.guid() }));
const sessionParam = validParams(z.object({ sessionId: z.guid() }));

const sessionForm = z.object({
  name: typedField,
  date: typedField,
  startTime: typedField,
  endTime: typedField,
  timeZone: typedField,
  location: typedField,
  department: typedField,
  objectives: typedField,
  specialties: typedField,
  professions: repeatedField,
  credits: typedField,
  claimMinutesBefore: typedField,
  claimMinutesAfter: typedField,
  requiresRegistration: checkboxField,
  notes: typedField,
  evaluationFormId: typedField,
  postTestId: typedField,
});
const repeatForm = z.object({
  repeat: z.string().optional().default('once'),
  everyWeeks: typedField,
  weekdays: repeatedField,
  monthWeek: typedField,
  monthWeekday: typedField,
  endKind: z.string().optional().default('until'),
  until: typedField,
  count: typedField,
});
const newSessionForm = sessionForm.extend(repeatForm.shape);
const editSessionForm = sessionForm.extend({ scope: z.string().optional().default('this') });

function splitNewForm(values: z.output<typeof newSessionForm>): {
  session: SessionInput;
  repeat: RepeatInput;
} {
  const { repeat, everyWeeks, weekdays, monthWeek, monthWeekday, endKind, until, count, ...session } = values;
  return {
    session,
    repeat: { repeat, everyWeeks, weekdays, monthWeek, monthWeekday, endKind, until, count },
  };
}

// ---- Adding sessions ----

async function renderNew(
  c: Context<AppEnv>,
  target: Series,
  values: SessionInput,
  repeat: RepeatInput,
  errors?: SessionFieldErrors,
) {
  return c.html(
    <NewSessionPage
      {...chrome(c)}
      choices={await creditChoices(c.get('deps').db, target.organizationId)}
      series={target}
      timeZones={timeZones()}
      values={values}
      repeat={repeat}
      {...(errors ? { errors } : {})}
    />,
    errors ? 400 : 200,
  );
}

/** Refusals that concern the series (not approved, expired) end up on its page, said plainly. */
function seriesRefusal(c: Context<AppEnv>, error: unknown) {
  if (!(error instanceof DomainError)) throw error;
  return renderError(c, error.code);
}

sessionRoutes.get('/series/:id/sessions/new', allow(staff, coordinator), seriesParam, async (c) => {
  const target = await seriesOf(c, c.req.valid('param').id);
  if (!target) return renderError(c, 'not_found');
  if (target.status !== 'approved') {
    return renderError(c, target.status === 'expired' ? 'series_expired' : 'series_not_approved');
  }
  return renderNew(c, target, newSessionInput(target, c.get('organization')), NO_REPEAT);
});

sessionRoutes.post(
  '/series/:id/sessions/new',
  allow(staff, coordinator),
  seriesParam,
  validForm(newSessionForm, async (c, rejected) => {
    const target = await seriesOf(c, c.req.param('id') ?? '');
    if (!target) return renderError(c, 'not_found');
    return renderNew(c, target, newSessionInput(target, c.get('organization')), NO_REPEAT, {
      form: rejected.errors.form ?? ERRORS.invalid_input.message,
      ...rejected.errors,
    });
  }),
  async (c) => {
    const organization = c.get('organization');
    const target = await seriesOf(c, c.req.valid('param').id);
    if (!target) return renderError(c, 'not_found');
    const { session, repeat } = splitNewForm(c.req.valid('form'));
    try {
      const created = await operationsOf(c).createSessions(
        target,
        session,
        repeat,
        viewerOf(c),
        clientAddress(c),
      );
      sessionsCreated(c.get('deps'), organization, created.sessions);
      noticeNext(c, 'sessions-added', [created.sessions.length, created.cut]);
      return c.redirect(`/${organization.code}/series/${target.id}`, 303);
    } catch (error) {
      if (error instanceof InvalidSessionInput) return renderNew(c, target, session, repeat, error.fields);
      return seriesRefusal(c, error);
    }
  },
);

// ---- The calendar ----

sessionRoutes.get('/series/:id/calendar', allow(staff, member), seriesParam, async (c) => {
  const target = await seriesOf(c, c.req.valid('param').id);
  if (!target) return renderError(c, 'not_found');
  const month = monthShown(c, target);
  return renderCalendar(c, target, month);
});

/** The month asked for, if it is in the series year; otherwise this month, or January/December. */
function monthShown(c: Context<AppEnv>, target: Series, asked = c.req.query('month')): number {
  const match = /^(\d{4})-(\d{2})$/.exec(asked ?? '');
  if (match && Number(match[1]) === target.year && Number(match[2]) >= 1 && Number(match[2]) <= 12) {
    return Number(match[2]);
  }
  const organization = c.get('organization');
  const today = localDate(c.get('deps').clock.now(), organization.timeZone);
  const year = currentYearIn(organization.timeZone, c.get('deps').clock.now());
  if (year < target.year) return 1;
  if (year > target.year) return 12;
  return Number(today.slice(5, 7));
}

async function renderCalendar(
  c: Context<AppEnv>,
  target: Series,
  month: number,
  message?: { tone: 'ok' | 'error'; text: string },
  status: 200 | 400 | 409 = 200,
) {
  const { db } = c.get('deps');
  const organization = c.get('organization');
  // A day's sessions may sit in another zone than the organization's: read a day either side.
  const from = new Date(Date.UTC(target.year, month - 1, 1) - 86_400_000);
  const to = new Date(Date.UTC(target.year, month, 1) + 86_400_000);
  const shown = (await listSessions(db, target.id, { from, to })).filter(
    (session) =>
      Number(localDate(session.startsAt, session.timeZone).slice(5, 7)) === month &&
      localDate(session.startsAt, session.timeZone).startsWith(String(target.year)),
  );
  return c.html(
    <SeriesCalendarPage
      {...chrome(c)}
      organization={organization}
      series={target}
      month={month}
      sessions={shown}
      canChange={await mayChangeSessions(db, target, viewerOf(c))}
      message={message}
    />,
    status,
  );
}

// ---- One session ----

const AMONG_THOSE_WHO_RUN_IT = new Set(['session_commented', 'session_message_sent']);

function shownToFaculty(entry: HistoryEntry): boolean {
  return !AMONG_THOSE_WHO_RUN_IT.has(entry.action);
}

/** A reviewer's note on closing a ticket is theirs and the coordinators'; faculty see only that it closed. */
function reasonShownToFaculty(because: string | null): string | null {
  return because === 'approved' || because === 'deactivated' || because === null
    ? because
    : 'closed by a reviewer';
}

function withoutReviewerNote(entry: HistoryEntry): HistoryEntry {
  if (entry.action !== 'escalation_closed') return entry;
  const because = typeof entry.note.because === 'string' ? entry.note.because : null;
  return { ...entry, note: { ...entry.note, because: reasonShownToFaculty(because) } };
}

sessionRoutes.get('/sessions/:sessionId', allow(maySeeSessionRule), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  const { db } = c.get('deps');
  const waiting = takeNoticeWithCounts(c);
  const notice =
    waiting?.name === 'session-saved'
      ? waiting.counts[0] && waiting.counts[0] > 1
        ? `Saved: this session and ${waiting.counts[0] - 1} following.`
        : 'Saved.'
      : waiting?.name === 'session-deactivated'
        ? 'Deactivated. The session is kept for the record.'
        : waiting?.name === 'message-sent'
          ? messageSentNotice(waiting.counts[0] ?? 0)
          : undefined;
  const history = await historyOf(db, found.organization.id, { sessionId: found.session.id });
  const ticket = await ticketOf(db, found.session.id);
  // Faculty see their session, not the thread and mail among the people who run it.
  const runs = await runsSession(db, found, viewerOf(c));
  return c.html(
    <SessionPage
      {...chrome(c)}
      series={found.series}
      session={found.session}
      history={runs ? history : history.filter(shownToFaculty).map(withoutReviewerNote)}
      canChange={await mayChangeSessions(db, found.series, viewerOf(c))}
      state={await sessionState(db, found.session, found.series)}
      canReview={isStaff(viewerOf(c))}
      runs={runs}
      lifecycle={await lifecycleOf(c, found.session.id)}
      ticket={
        runs || !ticket ? ticket : { ...ticket, closedBecause: reasonShownToFaculty(ticket.closedBecause) }
      }
      notice={notice}
    />,
  );
});

/** The approval lifecycle's plan, read from the workflow; a page still renders when Temporal cannot answer. */
async function lifecycleOf(
  c: Context<AppEnv>,
  sessionId: string,
): Promise<SessionApprovalState | 'unknown' | null> {
  try {
    return await c.get('deps').sessionApproval.describe(sessionId);
  } catch (error) {
    c.get('deps').log.warn('session approval lifecycle could not be read', error);
    return 'unknown';
  }
}

async function followingCount(c: Context<AppEnv>, found: SessionWithSeries): Promise<number> {
  const { session } = found;
  if (!session.recurrenceId) return 0;
  const all = await listSessions(c.get('deps').db, session.seriesId, { from: session.startsAt });
  return all.filter((each) => each.recurrenceId === session.recurrenceId && each.id !== session.id).length;
}

async function renderEdit(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  values: SessionInput,
  scope: string,
  errors?: SessionFieldErrors,
) {
  return c.html(
    <EditSessionPage
      {...chrome(c)}
      choices={await creditChoices(c.get('deps').db, found.organization.id)}
      series={found.series}
      session={found.session}
      timeZones={timeZones()}
      values={values}
      scope={scope}
      following={await followingCount(c, found)}
      {...(errors ? { errors } : {})}
    />,
    errors ? 400 : 200,
  );
}

sessionRoutes.get('/sessions/:sessionId/edit', allow(mayChangeSessionRule), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  // Changing a deactivated session, or one of an expired series, is refused before any form.
  const closed = sessionClosed(found);
  if (closed) return renderError(c, closed);
  return renderEdit(c, found, sessionInputOf(found.session), 'this');
});

sessionRoutes.post(
  '/sessions/:sessionId/edit',
  allow(mayChangeSessionRule),
  sessionParam,
  validForm(editSessionForm, async (c, rejected) => {
    const found = await sessionOf(c, c.req.param('sessionId') ?? '');
    if (!found) return renderError(c, 'not_found');
    return renderEdit(c, found, sessionInputOf(found.session), 'this', {
      form: rejected.errors.form ?? ERRORS.invalid_input.message,
      ...rejected.errors,
    });
  }),
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const { scope: typedScope, ...values } = c.req.valid('form');
    const scope: EditScope = typedScope === 'following' ? 'following' : 'this';
    try {
      const saved = await operationsOf(c).updateSession(found, values, scope, viewerOf(c), clientAddress(c));
      sessionsChanged(c.get('deps'), c.get('organization'), saved, 'details');
      noticeNext(c, 'session-saved', [saved.length]);
      return c.redirect(sessionPath(c.get('organization'), found.session), 303);
    } catch (error) {
      if (error instanceof InvalidSessionInput) return renderEdit(c, found, values, scope, error.fields);
      return seriesRefusal(c, error);
    }
  },
);

const moveForm = z.object({ date: typedField, month: typedField });

sessionRoutes.post(
  '/sessions/:sessionId/move',
  allow(mayChangeSessionRule),
  sessionParam,
  validForm(moveForm, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const { date, month } = c.req.valid('form');
    const calendarMonth = monthShown(c, found.series, month);
    try {
      const moved = await operationsOf(c).moveSession(found, date.trim(), viewerOf(c), clientAddress(c));
      sessionsChanged(c.get('deps'), c.get('organization'), [moved], 'date');
      const movedMonth = Number(localDate(moved.startsAt, moved.timeZone).slice(5, 7));
      return renderCalendar(c, found.series, movedMonth, {
        tone: 'ok',
        text: `Moved “${moved.name}” to ${formatSessionTime(moved.startsAt, moved.endsAt, moved.timeZone)}.`,
      });
    } catch (error) {
      if (error instanceof InvalidSessionInput) {
        const text = Object.values(error.fields).find(Boolean) ?? ERRORS.invalid_input.message;
        return renderCalendar(
          c,
          found.series,
          calendarMonth,
          { tone: 'error', text: `Not moved: ${text}` },
          400,
        );
      }
      if (error instanceof DomainError && error.code !== 'forbidden' && error.code !== 'not_found') {
        return renderCalendar(c, found.series, calendarMonth, { tone: 'error', text: error.message }, 409);
      }
      return seriesRefusal(c, error);
    }
  },
);

// ---- Deactivating ----

sessionRoutes.get('/sessions/:sessionId/deactivate', allow(mayChangeSessionRule), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  if (found.session.deactivatedAt) return renderError(c, 'session_deactivated');
  return c.html(<DeactivateSessionPage {...chrome(c)} series={found.series} session={found.session} />);
});

sessionRoutes.post(
  '/sessions/:sessionId/deactivate',
  allow(mayChangeSessionRule),
  sessionParam,
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    try {
      const deactivated = await operationsOf(c).deactivateSession(found, viewerOf(c), clientAddress(c));
      sessionsChanged(c.get('deps'), c.get('organization'), [deactivated], 'deactivated');
    } catch (error) {
      return seriesRefusal(c, error);
    }
    noticeNext(c, 'session-deactivated');
    return c.redirect(sessionPath(c.get('organization'), found.session), 303);
  },
);
