import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { ClaimScreen, ClaimScreenPage, type ScreenState } from '../../views/claim-screen-page';
import { allow } from '../access';
import { claimWindow, windowState } from '../claim-window';
import type { AppEnv } from '../context';
import { chrome, viewerOf } from '../page';
import { claimUrl, qrSvg } from '../qr';
import { renderError } from '../respond';
import {
  findSession,
  mayChangeSessionRule,
  mayChangeSessions,
  maySeeSessionRule,
  runsSessionRule,
} from '../sessions';
import { validForm, validParams } from '../forms';
import { decideException, exceptionsOf } from '../claim-exceptions';
import { parseSignInSheet, planSignInSheet } from '../sign-in-sheet';
import { attendanceOf } from '../claims';
import { audit } from '../audit';
import { creditStanding, judgeReopenDay, owedWords, reopenCredit } from '../credit-requirements';
import { renderCreditSteps } from '../../views/mail/credit-steps';
import { formatInstant, formatSessionTime } from '../../views/time';
import { AttendancePage } from '../../views/attendance-page';
import { EvaluationResultsPage } from '../../views/evaluation-results-page';
import { sessionPath } from '../../views/session-page';
import { sessionEvaluationResults } from '../evaluation-results';
import { isStaff } from '../staff';

export const attendanceRoutes = new Hono<AppEnv>();

/**
 * The attendance screen for projecting in the room: the people who run the session and its faculty
 * may open it. The code appears only while the claim window is open.
 */
attendanceRoutes.get('/sessions/:sessionId/screen', allow(maySeeSessionRule), async (c) => {
  const organization = c.get('organization');
  const deps = c.get('deps');
  viewerOf(c);
  const found = await findSession(deps.db, organization.id, c.req.param('sessionId'));
  if (!found || found.session.deactivatedAt) return renderError(c, 'not_found');
  const { session, series } = found;
  const window = claimWindow(session, organization);
  const state = windowState(window, deps.clock.now());
  // Where codes rotate, the screen shows the newest; otherwise the session's printed code.
  const code = session.rotatingCode ?? session.attendanceCode;
  const screen: ScreenState = {
    window,
    state,
    code,
    qr: state === 'open' ? await qrSvg(claimUrl(deps.config.publicUrl, organization.code, code)) : null,
    claimUrl: `${deps.config.publicUrl.replace(/^https?:\/\//, '')}/${organization.code}/claim`,
  };
  const path = `/${organization.code}/sessions/${session.id}/screen`;
  const props = { organization, session, series, screen, path };
  // htmx asks every 20 seconds: only the screen itself comes back.
  if (c.req.header('HX-Request')) return c.html(<ClaimScreen {...props} />);
  return c.html(<ClaimScreenPage {...chrome(c)} {...props} />);
});

type AttendanceExtras = Omit<
  Parameters<typeof AttendancePage>[0],
  keyof ReturnType<typeof chrome> | 'session' | 'series' | 'attendees' | 'canRecord' | 'exceptions' | 'now'
>;

/** The attendance page for the session in the path, with what just happened. */
async function attendancePage(
  c: Context<AppEnv>,
  extras: AttendanceExtras = {},
  status: 200 | 400 | 409 = 200,
) {
  const organization = c.get('organization');
  const deps = c.get('deps');
  const found = await findSession(deps.db, organization.id, c.req.param('sessionId') ?? '');
  if (!found) return renderError(c, 'not_found');
  const attendees = await attendanceOf(deps.db, organization.id, found.session.id);
  return c.html(
    <AttendancePage
      {...chrome(c)}
      {...extras}
      organization={organization}
      session={found.session}
      series={found.series}
      attendees={attendees}
      now={deps.clock.now()}
      exceptions={await exceptionsOf(deps.db, organization.id, found.session.id)}
      canRecord={
        !found.session.deactivatedAt && (await mayChangeSessions(deps.db, found.series, viewerOf(c)))
      }
    />,
    status,
  );
}

/** Who attended, for the people who run the session (not its faculty, not learners). */
attendanceRoutes.get('/sessions/:sessionId/attendance', allow(runsSessionRule), (c) => attendancePage(c));

const recordForm = z.object({
  email: z.string().max(320).optional().default(''),
  credits: z.string().max(10).optional().default(''),
});

/** A coordinator records one person by hand, by the email of their account. */
attendanceRoutes.post(
  '/sessions/:sessionId/attendance/record',
  allow(mayChangeSessionRule),
  validForm(recordForm, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const found = await findSession(deps.db, organization.id, c.req.param('sessionId'));
    if (!found || found.session.deactivatedAt) return renderError(c, 'not_found');
    const typed = c.req.valid('form');
    const [row] = await deps.db.transaction((tx) =>
      planSignInSheet(
        tx,
        organization,
        found,
        [{ line: 1, email: typed.email.trim(), credits: typed.credits.trim() }],
        {
          now: deps.clock.now(),
          apply: { actorId: viewerOf(c).account.id, channel: 'manual' },
        },
      ),
    );
    const outcome = row?.outcome;
    if (!outcome || outcome.kind === 'refused') {
      return attendancePage(
        c,
        { recordError: outcome?.why ?? 'Enter the email of their account.', recordValues: typed },
        400,
      );
    }
    const name = `${outcome.account.firstName} ${outcome.account.lastName}`;
    return attendancePage(c, {
      said:
        outcome.kind === 'recorded'
          ? `${name}'s attendance is recorded.`
          : `${name}'s attendance was already on record.`,
    });
  },
);

/** The sheet's text: a chosen file, or pasted rows, or what the preview carried to Apply. */
async function sheetText(c: Context<AppEnv>): Promise<{ text: string; apply: boolean } | string> {
  let form: Record<string, string | File>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw new HTTPException(400, { message: 'malformed form body' });
  }
  const file = form.sheet;
  const pasted = typeof form.csv === 'string' ? form.csv : '';
  const apply = form.apply === 'yes';
  if (file instanceof File && file.size > 0) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      return {
        text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replaceAll('\u0000', ''),
        apply,
      };
    } catch {
      return 'That file is not text. Save the sheet from your spreadsheet as CSV (UTF-8) and choose it again.';
    }
  }
  if (pasted.trim() === '') return 'Choose a CSV file, or paste the rows.';
  return { text: pasted.replaceAll('\u0000', ''), apply };
}

/** Previews a sign-in sheet, or (with apply) records it; either way every row is shown with its outcome. */
attendanceRoutes.post('/sessions/:sessionId/attendance/sheet', allow(mayChangeSessionRule), async (c) => {
  const organization = c.get('organization');
  const deps = c.get('deps');
  const found = await findSession(deps.db, organization.id, c.req.param('sessionId'));
  if (!found || found.session.deactivatedAt) return renderError(c, 'not_found');
  const sheet = await sheetText(c);
  if (typeof sheet === 'string') return attendancePage(c, { sheetError: sheet }, 400);
  const parsed = parseSignInSheet(sheet.text);
  if (parsed.problem !== null) return attendancePage(c, { sheetError: parsed.problem }, 400);
  const actorId = viewerOf(c).account.id;
  const rows = await deps.db.transaction((tx) =>
    planSignInSheet(tx, organization, found, parsed.rows, {
      now: deps.clock.now(),
      ...(sheet.apply ? { apply: { actorId, channel: 'sign_in_sheet' as const } } : {}),
    }),
  );
  return attendancePage(c, { sheet: { applied: sheet.apply, rows, csv: sheet.text } });
});

const decisionForm = z.object({
  decision: z.enum(['approve', 'deny']),
  note: z.string().max(500, 'Keep the note under 500 characters.').optional().default(''),
});

/** A coordinator (or the CME office) approves an exception, recording the attendance, or denies it. */
attendanceRoutes.post(
  '/sessions/:sessionId/exceptions/:exceptionId/decide',
  allow(mayChangeSessionRule),
  validParams(z.object({ sessionId: z.uuid(), exceptionId: z.uuid() })),
  validForm(decisionForm, (c, rejected) =>
    attendancePage(c, { exceptionError: rejected.errors.note ?? 'Choose Approve or Deny.' }, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const found = await findSession(deps.db, organization.id, c.req.valid('param').sessionId);
    if (!found || found.session.deactivatedAt) return renderError(c, 'not_found');
    const form = c.req.valid('form');
    const outcome = await decideException(deps, organization, found, c.req.valid('param').exceptionId, {
      approve: form.decision === 'approve',
      note: form.note.trim(),
      byId: viewerOf(c).account.id,
    });
    if (!outcome.ok) return attendancePage(c, { exceptionError: outcome.problem }, 409);
    return attendancePage(c, {
      said: outcome.approved
        ? 'Approved: the attendance is recorded and the learner is told.'
        : 'Denied: the learner is told.',
    });
  },
);

/**
 * A coordinator (or the CME office) reopens a learner's lapsed or failed credit: due again at the
 * end of the day they choose (offered: REOPEN_DAYS from today; never earlier than it was), with
 * the post-test's attempts again if they were all used. The reopening is committed with the claim
 * marked for the relay, so its lifecycle is told (or started again) even if telling it now fails;
 * then the learner is mailed.
 */
attendanceRoutes.post(
  '/sessions/:sessionId/credits/:claimId/reopen',
  allow(mayChangeSessionRule),
  validParams(z.object({ sessionId: z.uuid(), claimId: z.uuid() })),
  validForm(z.object({ due: z.string().max(20).optional().default('') }), (c) =>
    renderError(c, 'bad_request'),
  ),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const { sessionId, claimId } = c.req.valid('param');
    const { due } = c.req.valid('form');
    const found = await findSession(deps.db, organization.id, sessionId);
    if (!found) return renderError(c, 'not_found');
    const [attendee] = (await attendanceOf(deps.db, organization.id, sessionId)).filter(
      (a) => a.claim.id === claimId,
    );
    if (!attendee) return renderError(c, 'not_found');
    const now = deps.clock.now();
    const nothingToReopen = () =>
      attendancePage(c, { said: 'Nothing to reopen: that credit is not past due or out of attempts.' }, 409);
    // A day is judged only for a credit that can be reopened: the form it came from is on the page.
    const standing = creditStanding(attendee, now).kind;
    if (standing !== 'lapsed' && standing !== 'test_failed') return nothingToReopen();
    const judged = judgeReopenDay(due, found.session.timeZone, now);
    if ('problem' in judged) {
      return attendancePage(c, { reopening: { claimId, typed: due, problem: judged.problem } }, 400);
    }
    const reopened = await reopenCredit(deps.db, {
      organizationId: organization.id,
      claimId,
      byId: viewerOf(c).account.id,
      now,
      dueAt: judged.dueAt,
    });
    if (!reopened) return nothingToReopen();
    await audit(c, 'credit_reopened', {
      accountId: attendee.claim.accountId,
      sessionId,
      detail: { claimId, dueAt: reopened.dueAt.toISOString() },
    });
    try {
      await deps.credits.attendanceRecorded(attendee.claim);
    } catch (error) {
      deps.log.warn('the credit lifecycle was not told of the reopening now; the relay tells it', error);
    }
    const dueWhen = formatInstant(reopened.dueAt, found.session.timeZone);
    try {
      const mail = await renderCreditSteps({
        organizationName: organization.name,
        recipientFirstName: attendee.firstName,
        sessionName: found.session.name,
        sessionWhen: formatSessionTime(found.session.startsAt, found.session.endsAt, found.session.timeZone),
        owed: owedWords({
          evaluation: reopened.evaluationQuestions !== null && reopened.evaluationCompletedAt === null,
          test: reopened.testQuestions !== null && reopened.testPassedAt === null,
        }),
        dueWhen,
        stage: 'opened',
        certificate: reopened.certificate,
        myCeUrl: `${deps.config.publicUrl}/${organization.code}/my-ce`,
      });
      await deps.mailer.send({
        idempotencyKey: `credit-reopened:${claimId}:${reopened.dueAt.toISOString()}`,
        organizationId: organization.id,
        kind: 'credit-reopened',
        to: attendee.email,
        ...mail,
      });
    } catch (error) {
      deps.log.error('the reopened credit was not mailed to its learner', error);
      return attendancePage(c, {
        said: `Reopened: ${attendee.firstName} ${attendee.lastName} has until ${dueWhen}, but the email to them did not go. Tell them yourself.`,
      });
    }
    return attendancePage(c, {
      said: `Reopened: ${attendee.firstName} ${attendee.lastName} has until ${dueWhen} and has been emailed.`,
    });
  },
);

/** What learners said of the session in their evaluations, for the people who run it. */
attendanceRoutes.get(
  '/sessions/:sessionId/evaluations',
  allow(runsSessionRule),
  validParams(z.object({ sessionId: z.uuid() })),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const found = await findSession(deps.db, organization.id, c.req.valid('param').sessionId);
    if (!found) return renderError(c, 'not_found');
    const { session, series } = found;
    return c.html(
      <EvaluationResultsPage
        {...chrome(c)}
        title={session.name}
        subtitle={`${series.name} · ${formatSessionTime(session.startsAt, session.endsAt, session.timeZone)}`}
        back={{ href: `${sessionPath(organization, session)}/attendance`, label: 'Who attended' }}
        results={await sessionEvaluationResults(deps.db, organization.id, session.id)}
        csvHref={isStaff(viewerOf(c)) ? `/${organization.code}/admin/evaluations/csv` : undefined}
      />,
    );
  },
);
