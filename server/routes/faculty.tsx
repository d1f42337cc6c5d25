import { and, asc, desc, eq, gt, isNull, lte } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { FACULTY_ROLES, series, sessionFaculty, sessions } from '../../db/schema';
import { MySessionsPage } from '../../views/my-sessions-page';
import {
  EMPTY_NEW_PERSON,
  FacultyPage,
  type NewPersonValues,
  RemoveFacultyPage,
} from '../../views/faculty-page';
import { sessionPath } from '../../views/session-page';
import { formatSessionTime } from '../../views/time';
import { DomainError } from '../../workflows/errors';
import { allow, signedIn } from '../access';
import { createAccounts } from '../accounts';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { activeDisclosuresAt } from '../disclosures';
import { facultyChanged } from '../lifecycles/after-change';
import { addFaculty, createFacultyAccount, InvalidNewPerson, removeFaculty } from '../faculty';
import { checkboxField, validForm, validParams } from '../forms';
import { noticeNext, takeNotice } from '../notice';
import { chrome, viewerOf } from '../page';
import { findPeople, PEOPLE_SHOWN } from '../people';
import { renderError } from '../respond';
import { sessionState, sessionStates } from '../session-facts';
import { findSession, mayChangeSessionRule, type SessionWithSeries } from '../sessions';

/** Manage Faculty of one session. */
export const facultyRoutes = new Hono<AppEnv>();

const sessionParam = validParams(z.object({ sessionId: z.guid() }));
const memberParam = validParams(z.object({ sessionId: z.guid(), accountId: z.guid() }));

function depsOf(c: Context<AppEnv>) {
  const { db, clock } = c.get('deps');
  return { db, now: () => clock.now() };
}

async function sessionOf(c: Context<AppEnv>, sessionId: string) {
  return findSession(c.get('deps').db, c.get('organization').id, sessionId);
}

const NOTICES = {
  'faculty-added': 'Added as faculty.',
  'faculty-added-requested': 'Added as faculty. A disclosure request was emailed.',
  'faculty-invited': 'Added as faculty and emailed a link to choose a password.',
  'faculty-removed': 'Removed from this session.',
  'faculty-already': 'That person is already faculty of this session; nothing changed.',
} as const;

async function renderPage(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  extra: {
    newPerson?: NewPersonValues;
    newPersonErrors?: InvalidNewPerson['fields'];
    sameName?: InvalidNewPerson['sameName'];
  } = {},
  status: 200 | 400 = 200,
) {
  const { db } = c.get('deps');
  const state = await sessionState(db, found.session, found.series);
  const typed = (c.req.query('q') ?? '').slice(0, 100);
  const people = await findPeople(db, found.organization.id, typed, {
    exclude: state.faculty.map((member) => member.id),
    limit: PEOPLE_SHOWN,
  });
  const active = await activeDisclosuresAt(
    db,
    people.map((person) => person.id),
    found.session.startsAt,
  );
  const matches = people.map((person) => ({
    ...person,
    activeDisclosure: active.has(person.id),
  }));
  const waiting = takeNotice(c);
  const notice = waiting && waiting in NOTICES ? NOTICES[waiting as keyof typeof NOTICES] : undefined;
  return c.html(
    <FacultyPage
      {...chrome(c)}
      series={found.series}
      session={found.session}
      faculty={state.faculty}
      typed={typed}
      matches={matches}
      newPerson={extra.newPerson ?? EMPTY_NEW_PERSON}
      {...(extra.newPersonErrors ? { newPersonErrors: extra.newPersonErrors } : {})}
      {...(extra.sameName ? { sameName: extra.sameName } : {})}
      notice={notice}
    />,
    status,
  );
}

/** A refusal (deactivated session, expired series) is a page saying so; a stranger's id is not found. */
function refusal(c: Context<AppEnv>, error: unknown) {
  if (error instanceof DomainError) return renderError(c, error.code);
  throw error;
}

/**
 * Once an assignment is saved, the session's lifecycle hears of it; with "Request disclosure?" the
 * person's disclosure chase starts (the request, or a note that nothing is needed), and with
 * "Request presentation?" they are emailed where to upload it.
 */
function added(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  accountId: string,
  requests: { requestDisclosure: boolean; requestPresentation: boolean },
) {
  facultyChanged(c.get('deps'), found.organization, found.session, { added: accountId, ...requests });
}

facultyRoutes.get('/sessions/:sessionId/faculty', allow(mayChangeSessionRule), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  return renderPage(c, found);
});

const role = z.enum(FACULTY_ROLES).catch('speaker');

facultyRoutes.post(
  '/sessions/:sessionId/faculty',
  allow(mayChangeSessionRule),
  sessionParam,
  validForm(
    z.object({
      accountId: z.string(),
      role,
      requestDisclosure: checkboxField,
      requestPresentation: checkboxField,
    }),
    (c) => renderError(c, 'bad_request'),
  ),
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const assignment = c.req.valid('form');
    let outcome: 'added' | 'already';
    try {
      outcome = await addFaculty(depsOf(c), found, assignment, viewerOf(c), clientAddress(c));
    } catch (error) {
      return refusal(c, error);
    }
    if (outcome === 'added') added(c, found, assignment.accountId, assignment);
    noticeNext(
      c,
      outcome === 'already'
        ? 'faculty-already'
        : assignment.requestDisclosure
          ? 'faculty-added-requested'
          : 'faculty-added',
    );
    return c.redirect(`${sessionPath(c.get('organization'), found.session)}/faculty`, 303);
  },
);

const newPersonForm = z.object({
  firstName: z.string().optional().default(''),
  lastName: z.string().optional().default(''),
  email: z.string().optional().default(''),
  degree: z.string().optional().default(''),
  role,
  requestDisclosure: checkboxField,
  requestPresentation: checkboxField,
  confirmedDifferent: checkboxField,
});

facultyRoutes.post(
  '/sessions/:sessionId/faculty/new-person',
  allow(mayChangeSessionRule),
  sessionParam,
  validForm(newPersonForm, async (c, rejected) => {
    const found = await sessionOf(c, c.req.param('sessionId') ?? '');
    if (!found) return renderError(c, 'not_found');
    return renderPage(c, found, { newPersonErrors: rejected.errors }, 400);
  }),
  async (c) => {
    const found = await sessionOf(c, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const values = c.req.valid('form');
    const viewer = viewerOf(c);
    let account: Awaited<ReturnType<typeof createFacultyAccount>>;
    try {
      account = await createFacultyAccount(depsOf(c), found, values, viewer, clientAddress(c));
    } catch (error) {
      if (error instanceof InvalidNewPerson) {
        return renderPage(
          c,
          found,
          { newPerson: values, newPersonErrors: error.fields, sameName: error.sameName },
          400,
        );
      }
      return refusal(c, error);
    }
    const deps = c.get('deps');
    const organization = c.get('organization');
    const invitedBy = `${viewer.account.firstName} ${viewer.account.lastName}`;
    const sessionName = `${found.session.name}, ${formatSessionTime(found.session.startsAt, found.session.endsAt, found.session.timeZone)}`;
    deps.background.run('faculty invitation', () =>
      createAccounts(deps).inviteFaculty(organization, account, { invitedBy, sessionName }),
    );
    added(c, found, account.id, values);
    noticeNext(c, 'faculty-invited');
    return c.redirect(`${sessionPath(organization, found.session)}/faculty`, 303);
  },
);

async function memberOf(c: Context<AppEnv>, sessionId: string, accountId: string) {
  const found = await sessionOf(c, sessionId);
  if (!found) return null;
  const state = await sessionState(c.get('deps').db, found.session, found.series);
  const member = state.faculty.find((one) => one.id === accountId);
  return member ? { found, member } : null;
}

facultyRoutes.get(
  '/sessions/:sessionId/faculty/:accountId/remove',
  allow(mayChangeSessionRule),
  memberParam,
  async (c) => {
    const { sessionId, accountId } = c.req.valid('param');
    const target = await memberOf(c, sessionId, accountId);
    if (!target) return renderError(c, 'not_found');
    return c.html(<RemoveFacultyPage {...chrome(c)} session={target.found.session} member={target.member} />);
  },
);

facultyRoutes.post(
  '/sessions/:sessionId/faculty/:accountId/remove',
  allow(mayChangeSessionRule),
  memberParam,
  async (c) => {
    const { sessionId, accountId } = c.req.valid('param');
    const found = await sessionOf(c, sessionId);
    if (!found) return renderError(c, 'not_found');
    try {
      await removeFaculty(depsOf(c), found, accountId, viewerOf(c), clientAddress(c));
    } catch (error) {
      return refusal(c, error);
    }
    facultyChanged(c.get('deps'), found.organization, found.session, { removed: accountId });
    noticeNext(c, 'faculty-removed');
    return c.redirect(`${sessionPath(c.get('organization'), found.session)}/faculty`, 303);
  },
);

/** The sessions a person teaches: upcoming with their COI status, and the last year's past ones. */
facultyRoutes.get('/my-sessions', allow(signedIn), async (c) => {
  const viewer = viewerOf(c);
  const { db, clock } = c.get('deps');
  const now = clock.now();
  const mine = and(eq(sessionFaculty.accountId, viewer.account.id), isNull(sessions.deactivatedAt));
  const upcoming = await db
    .select({ session: sessions, series })
    .from(sessionFaculty)
    .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(and(mine, gt(sessions.endsAt, now)))
    .orderBy(asc(sessions.startsAt))
    .limit(100);
  const past = await db
    .select({ session: sessions, series })
    .from(sessionFaculty)
    .innerJoin(sessions, eq(sessions.id, sessionFaculty.sessionId))
    .innerJoin(series, eq(series.id, sessions.seriesId))
    .where(and(mine, lte(sessions.endsAt, now)))
    .orderBy(desc(sessions.startsAt))
    .limit(50);
  const states = await sessionStates(db, upcoming);
  return c.html(
    <MySessionsPage
      {...chrome(c)}
      accountId={viewer.account.id}
      upcoming={upcoming.flatMap((row) => {
        const state = states.get(row.session.id);
        return state ? [{ ...row, state }] : [];
      })}
      past={past}
    />,
  );
});
