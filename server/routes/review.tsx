import { sessionApproved } from '../lifecycles/after-change';
import { inArray } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { accounts } from '../../db/schema';
import { ReviewPage, ReviewQueuePage } from '../../views/review-page';
import { sessionPath } from '../../views/session-page';
import { DomainError } from '../../workflows/errors';
import { closeTicketWithNote, InvalidTicketNote, openTickets } from '../escalations';
import { allow, hasRole } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { repeatedField, typedField, validForm, validParams } from '../forms';
import { noticeNext, takeNotice } from '../notice';
import { chrome, viewerOf } from '../page';
import { renderError } from '../respond';
import {
  acceptName,
  approveSession,
  InvalidReview,
  type ReviewInput,
  relationshipDetails,
  reviewQueues,
  reviewRelationship,
  reviewsOf,
} from '../review';
import { sessionState } from '../session-facts';
import { findSession, type SessionWithSeries } from '../sessions';

/** Reviewers' queues, and each session's review: judgements, an accepted name, approval. */
export const reviewRoutes = new Hono<AppEnv>();

const staff = hasRole('reviewer', 'admin');
const sessionParam = validParams(z.object({ sessionId: z.guid() }));
const relationshipParam = validParams(z.object({ sessionId: z.guid(), relationshipId: z.guid() }));

function depsOf(c: Context<AppEnv>) {
  const { db, clock } = c.get('deps');
  return { db, now: () => clock.now() };
}

const NOTICES = {
  'relationship-reviewed': 'Judgement saved.',
  'session-approved': 'Approved. Coordinators can now make its flyer.',
  'name-accepted': 'Name accepted.',
} as const;

async function renderQueues(
  c: Context<AppEnv>,
  closing?: { sessionId: string; note: string; problem: string },
) {
  const { db, clock } = c.get('deps');
  const queues = await reviewQueues(db, c.get('organization').id, clock.now());
  const tickets = await openTickets(db, c.get('organization').id);
  const waiting = takeNotice(c);
  return c.html(
    <ReviewQueuePage
      {...chrome(c)}
      {...queues}
      tickets={tickets}
      notice={
        waiting === 'ticket-closed' ? 'Ticket closed. The note is in the session’s history.' : undefined
      }
      closing={closing}
    />,
    closing ? 400 : 200,
  );
}

reviewRoutes.get('/review', allow(staff), (c) => renderQueues(c));

reviewRoutes.post(
  '/review/tickets/:sessionId/close',
  allow(staff),
  sessionParam,
  validForm(z.object({ note: typedField }), (c, rejected) =>
    renderQueues(c, {
      sessionId: c.req.param('sessionId') ?? '',
      note: String(rejected.values.note ?? ''),
      problem: rejected.errors.note ?? 'Write why the ticket is closed.',
    }),
  ),
  async (c) => {
    const { sessionId } = c.req.valid('param');
    const { note } = c.req.valid('form');
    try {
      await closeTicketWithNote(
        depsOf(c),
        c.get('organization').id,
        sessionId,
        note,
        viewerOf(c),
        clientAddress(c),
      );
    } catch (error) {
      if (error instanceof InvalidTicketNote)
        return renderQueues(c, { sessionId, note, problem: error.problem });
      if (error instanceof DomainError) return renderError(c, error.code);
      throw error;
    }
    noticeNext(c, 'ticket-closed');
    return c.redirect(`/${c.get('organization').code}/review`, 303);
  },
);

async function renderReview(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  extra: {
    returned?: { relationshipId: string; values: ReviewInput; errors: InvalidReview['fields'] };
    error?: string;
  } = {},
  status: 200 | 400 | 409 = 200,
) {
  const { db } = c.get('deps');
  const state = await sessionState(db, found.session, found.series);
  const reviews = await reviewsOf(db, found.session.id);
  const reviewerIds = [...new Set([...reviews.values()].map((review) => review.reviewerId))];
  const reviewers =
    reviewerIds.length === 0
      ? []
      : await db
          .select({ id: accounts.id, firstName: accounts.firstName, lastName: accounts.lastName })
          .from(accounts)
          .where(inArray(accounts.id, reviewerIds));
  const relationshipIds = state.faculty.flatMap(
    (member) => member.coi.active?.relationships.map((r) => r.id) ?? [],
  );
  const waiting = takeNotice(c);
  return c.html(
    <ReviewPage
      {...chrome(c)}
      series={found.series}
      session={found.session}
      state={state}
      reviews={reviews}
      reviewerNames={new Map(reviewers.map((r) => [r.id, `${r.firstName} ${r.lastName}`]))}
      details={await relationshipDetails(db, relationshipIds)}
      notice={waiting && waiting in NOTICES ? NOTICES[waiting as keyof typeof NOTICES] : undefined}
      {...extra}
    />,
    status,
  );
}

async function sessionOf(c: Context<AppEnv>, sessionId: string) {
  return findSession(c.get('deps').db, c.get('organization').id, sessionId);
}

reviewRoutes.get('/sessions/:sessionId/review', allow(staff), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  return renderReview(c, found);
});

const reviewForm = z.object({
  outcome: typedField,
  steps: repeatedField,
  otherStep: typedField,
  rationale: typedField,
  signature: typedField,
});

reviewRoutes.post(
  '/sessions/:sessionId/review/:relationshipId',
  allow(staff),
  relationshipParam,
  validForm(reviewForm, (c) => renderError(c, 'bad_request')),
  async (c) => {
    const { sessionId, relationshipId } = c.req.valid('param');
    const found = await sessionOf(c, sessionId);
    if (!found) return renderError(c, 'not_found');
    const values = c.req.valid('form');
    try {
      await reviewRelationship(depsOf(c), found, relationshipId, values, viewerOf(c), clientAddress(c));
    } catch (error) {
      if (error instanceof InvalidReview) {
        return renderReview(c, found, { returned: { relationshipId, values, errors: error.fields } }, 400);
      }
      if (error instanceof DomainError) return renderError(c, error.code);
      throw error;
    }
    noticeNext(c, 'relationship-reviewed');
    return c.redirect(`${sessionPath(c.get('organization'), found.session)}/review`, 303);
  },
);

reviewRoutes.post('/sessions/:sessionId/accept-name', allow(staff), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  try {
    await acceptName(depsOf(c), found, viewerOf(c), clientAddress(c));
  } catch (error) {
    if (error instanceof DomainError) return renderError(c, error.code);
    throw error;
  }
  noticeNext(c, 'name-accepted');
  return c.redirect(`${sessionPath(c.get('organization'), found.session)}/review`, 303);
});

reviewRoutes.post('/sessions/:sessionId/approve', allow(staff), sessionParam, async (c) => {
  const found = await sessionOf(c, c.req.valid('param').sessionId);
  if (!found) return renderError(c, 'not_found');
  try {
    await approveSession(depsOf(c), found, viewerOf(c), clientAddress(c));
    sessionApproved(c.get('deps'), c.get('organization'), found.session);
  } catch (error) {
    if (error instanceof DomainError && error.code !== 'forbidden') {
      return renderReview(c, found, { error: error.message }, 409);
    }
    throw error;
  }
  noticeNext(c, 'session-approved');
  return c.redirect(`${sessionPath(c.get('organization'), found.session)}/review`, 303);
});
