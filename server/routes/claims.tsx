import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { claimExceptions, type Organization } from '../../db/schema';
import { and, eq } from 'drizzle-orm';
import { ClaimCodePage, ClaimRecordedPage, ClaimSessionPage, refusalWords } from '../../views/claim-pages';
import { allow, signedIn } from '../access';
import { normalizeAttendanceCode } from '../attendance-codes';
import {
  type ClaimableSession,
  type ClaimRefusal,
  claimableCredits,
  claimedCredits,
  claimRefusal,
  findSessionByCode,
  recordAttendance,
} from '../claims';
import type { AppEnv } from '../context';
import { validForm } from '../forms';
import { EXCEPTION_REASON_MAX, requestException } from '../claim-exceptions';
import { chrome, viewerOf } from '../page';
import { RateLimited } from '../rate-limits';
import { type RegistrationState, register, registrationState } from '../registrations';
import { renderError } from '../respond';
import { retryMessage } from '../throttle';

export const claimRoutes = new Hono<AppEnv>();

claimRoutes.get('/claim', allow(signedIn), (c) =>
  c.html(<ClaimCodePage {...chrome(c)} organization={c.get('organization')} values={{ code: '' }} />),
);

/** A code looked up by this account; over budget, a 429 page. */
async function lookUp(c: Context<AppEnv>, organization: Organization, typed: string) {
  const deps = c.get('deps');
  await deps.rateLimits.claimCodesByAccount.take(viewerOf(c).account.id);
  return findSessionByCode(deps.db, organization.id, typed);
}

function tooMany(c: Context<AppEnv>, error: RateLimited) {
  c.header('Retry-After', String(error.retryAfterSeconds));
  return renderError(c, 'rate_limited', retryMessage(error.retryAfterSeconds, 'Too many codes tried.'));
}

const codeForm = z.object({ code: z.string().max(40).optional().default('') });

claimRoutes.post(
  '/claim',
  allow(signedIn),
  validForm(codeForm, (c, rejected) =>
    c.html(<ClaimCodePage {...chrome(c)} organization={c.get('organization')} {...rejected} />, 400),
  ),
  async (c) => {
    const organization = c.get('organization');
    const typed = c.req.valid('form').code;
    const code = normalizeAttendanceCode(typed);
    const refuse = (message: string) =>
      c.html(
        <ClaimCodePage
          {...chrome(c)}
          organization={organization}
          values={{ code: typed }}
          errors={{ code: message }}
        />,
        400,
      );
    if (code === '') return refuse('Enter the Event ID or attendance code.');
    if (!/^[0-9A-Z]{1,20}$/.test(code))
      return refuse('An Event ID is digits and a code is letters and digits.');
    let found: ClaimableSession | null;
    try {
      found = await lookUp(c, organization, code);
    } catch (error) {
      if (error instanceof RateLimited) return tooMany(c, error);
      throw error;
    }
    if (!found) {
      const rotating =
        organization.rotatingCodeMinutes > 0
          ? ` Codes on the screen change every ${organization.rotatingCodeMinutes} minutes: enter the one shown now.`
          : '';
      return refuse(`No session has the Event ID or code ${code}. Check it and try again.${rotating}`);
    }
    return c.redirect(`/${organization.code}/claim/${code}`, 303);
  },
);

const codeParam = z.object({ code: z.string().max(40) });
const viaQuery = zValidator('query', z.object({ via: z.enum(['qr']).optional().catch(undefined) }));

/**
 * The session the path's code names and whether this learner may claim it now; or the answer
 * instead: not found, or too many codes tried.
 */
async function claimContext(c: Context<AppEnv>) {
  const organization = c.get('organization');
  const deps = c.get('deps');
  const parsed = codeParam.safeParse({ code: c.req.param('code') });
  const code = parsed.success ? normalizeAttendanceCode(parsed.data.code) : '';
  const notFound = () => renderError(c, 'not_found', 'No session has that Event ID or attendance code.');
  if (!/^[0-9A-Z]{1,20}$/.test(code)) return notFound();
  let found: ClaimableSession | null;
  try {
    found = await lookUp(c, organization, code);
  } catch (error) {
    if (error instanceof RateLimited) return tooMany(c, error);
    throw error;
  }
  if (!found) return notFound();
  const refusal = await claimRefusal(deps.db, organization, found, viewerOf(c).account, deps.clock.now());
  return { code, found, refusal };
}

claimRoutes.get('/claim/:code', allow(signedIn), viaQuery, async (c) => {
  const context = await claimContext(c);
  if (context instanceof Response) return context;
  return sessionPage(c, context, {
    via: c.req.valid('query').via ?? 'web',
    registration: await registrationOf(c, context.found),
  });
});

/**
 * The session's claim page as this learner stands now: the refusal in words, the exception offer
 * after a closed window, and whatever the route adds (its form's values, errors, what it did).
 */
async function sessionPage(
  c: Context<AppEnv>,
  context: { code: string; found: ClaimableSession; refusal: ClaimRefusal | null },
  extra: {
    via?: 'web' | 'qr';
    values?: Record<string, string>;
    errors?: Record<string, string>;
    said?: string | undefined;
    registration?: RegistrationState;
  },
  status: 200 | 400 | 409 = 200,
) {
  const organization = c.get('organization');
  const { found, refusal } = context;
  const options = claimableCredits(found.session.credits);
  return c.html(
    <ClaimSessionPage
      {...chrome(c)}
      organization={organization}
      code={context.code}
      session={found.session}
      series={found.series}
      refusal={refusal ? refusalWords(organization, found.session, refusal) : null}
      creditOptions={options}
      values={extra.values ?? { credits: options[0] ?? '', reason: '' }}
      via={extra.via ?? 'web'}
      exception={await exceptionOffer(c, found, refusal)}
      registration={extra.registration}
      errors={extra.errors}
      said={extra.said}
    />,
    status,
  );
}

/** Where the signed-in learner stands with the session's registration, when it requires one. */
function registrationOf(c: Context<AppEnv>, found: ClaimableSession) {
  const deps = c.get('deps');
  return registrationState(deps.db, c.get('organization'), found, viewerOf(c).account, deps.clock.now());
}

/** A session that requires registration: the learner registers, until it begins. */
claimRoutes.post(
  '/claim/:code/register',
  allow(signedIn),
  validForm(z.object({}), (c) => renderError(c, 'bad_request')),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const context = await claimContext(c);
    if (context instanceof Response) return context;
    const { found } = context;
    const account = viewerOf(c).account;
    const now = deps.clock.now();
    const state = await register(deps.db, organization, found, account, now);
    const refusal = await claimRefusal(deps.db, organization, found, account, now);
    const said =
      state.kind === 'registered'
        ? `You are registered for ${found.session.name}.`
        : state.kind === 'not_required'
          ? 'This session needs no registration.'
          : undefined;
    const ok = state.kind === 'registered' || state.kind === 'not_required';
    return sessionPage(c, { ...context, refusal }, { registration: state, said }, ok ? 200 : 409);
  },
);

/** After a closed window, the exception the learner asked for, or the offer to ask. */
async function exceptionOffer(c: Context<AppEnv>, found: ClaimableSession, refusal: ClaimRefusal | null) {
  if (refusal?.reason !== 'outside_window' || refusal.state !== 'closed') return undefined;
  const [asked] = await c
    .get('deps')
    .db.select({ status: claimExceptions.status, decisionNote: claimExceptions.decisionNote })
    .from(claimExceptions)
    .where(
      and(
        eq(claimExceptions.sessionId, found.session.id),
        eq(claimExceptions.accountId, viewerOf(c).account.id),
      ),
    );
  return { asked: asked ?? null };
}

const exceptionForm = z.object({
  reason: z
    .string()
    .max(EXCEPTION_REASON_MAX * 2)
    .optional()
    .default(''),
  credits: z.string().max(10).optional().default(''),
});

/** Missed the window: the learner asks the coordinators, with a reason. */
claimRoutes.post(
  '/claim/:code/exception',
  allow(signedIn),
  validForm(exceptionForm, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const context = await claimContext(c);
    if (context instanceof Response) return context;
    const { found } = context;
    const form = c.req.valid('form');
    const page = (extra: { errors?: Record<string, string>; said?: string }, status: 200 | 400 | 409) =>
      sessionPage(c, context, { values: form, ...extra }, status);
    const reason = form.reason.trim();
    const credits = claimedCredits(form.credits, found.session.credits);
    const errors: Record<string, string> = {};
    if (reason === '') errors.reason = 'Say why you could not claim in time.';
    else if (reason.length > EXCEPTION_REASON_MAX)
      errors.reason = `Keep it under ${EXCEPTION_REASON_MAX} characters.`;
    if (!credits)
      errors.credits = `Choose the credits you claim: a quarter credit up to ${found.session.credits}.`;
    if (Object.keys(errors).length > 0 || !credits) return page({ errors }, 400);
    const outcome = await requestException(deps, organization, found, viewerOf(c).account, {
      reason,
      credits,
    });
    if (!outcome.ok) return page({ errors: { reason: outcome.problem } }, 409);
    return page(
      { said: 'Your request is with the session’s coordinators. You will get an email when they decide.' },
      200,
    );
  },
);

const claimForm = z.object({
  credits: z.string().max(10).optional().default(''),
  via: z.enum(['web', 'qr']).optional().catch('web').default('web'),
});

claimRoutes.post(
  '/claim/:code',
  allow(signedIn),
  validForm(claimForm, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const viewer = viewerOf(c);
    const context = await claimContext(c);
    if (context instanceof Response) return context;
    const { found, refusal } = context;
    const form = c.req.valid('form');
    const options = claimableCredits(found.session.credits);
    const page = (props: { refusal: string | null; errors?: Record<string, string> }, status: 400 | 409) =>
      c.html(
        <ClaimSessionPage
          {...chrome(c)}
          organization={organization}
          code={context.code}
          session={found.session}
          series={found.series}
          creditOptions={options}
          values={{ credits: form.credits }}
          via={form.via}
          {...props}
        />,
        status,
      );
    // A second tap finds the first claim: it is confirmed again, not refused.
    if (refusal?.reason === 'already_recorded') {
      return c.html(
        <ClaimRecordedPage
          {...chrome(c)}
          organization={organization}
          session={found.session}
          series={found.series}
          credits={refusal.claim.credits}
        />,
      );
    }
    if (refusal) return page({ refusal: refusalWords(organization, found.session, refusal) }, 409);
    const credits = claimedCredits(form.credits, found.session.credits);
    if (!credits) {
      return page(
        {
          refusal: null,
          errors: {
            credits: `Choose the credits you claim: a quarter credit up to ${found.session.credits}.`,
          },
        },
        400,
      );
    }
    const recorded = await deps.db.transaction((tx) =>
      recordAttendance(tx, {
        found,
        accountId: viewer.account.id,
        channel: form.via,
        credits,
        now: deps.clock.now(),
        actorId: viewer.account.id,
      }),
    );
    return c.html(
      <ClaimRecordedPage
        {...chrome(c)}
        organization={organization}
        session={found.session}
        series={found.series}
        credits={recorded.claim.credits}
      />,
    );
  },
);
