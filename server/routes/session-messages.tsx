import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { SessionMessagePage, type SessionMessageValues } from '../../views/session-message-page';
import { sessionPath } from '../../views/session-page';
import { formatInstant } from '../../views/time';
import { DomainError } from '../../workflows/errors';
import { allow } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { typedField, validForm, validParams } from '../forms';
import { noticeNext } from '../notice';
import { chrome, viewerOf } from '../page';
import { renderError } from '../respond';
import {
  type Audience,
  audienceParam,
  InvalidMessage,
  type MessageErrors,
  parseAudience,
  recipientsOf,
  sendSessionMessage,
} from '../session-messages';
import { findSession, runsSessionRule, type SessionWithSeries } from '../sessions';

/** The dashboard's Email: to one faculty member, or to the series' owners and coordinators. */
export const sessionMessageRoutes = new Hono<AppEnv>();

const sessionParam = validParams(z.object({ sessionId: z.guid() }));
const backOf = (value: unknown): 'dashboard' | 'session' => (value === 'session' ? 'session' : 'dashboard');

async function renderPage(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  audience: Audience,
  back: 'dashboard' | 'session',
  values: SessionMessageValues,
  errors?: MessageErrors,
) {
  const recipients = await recipientsOf(c.get('deps').db, found, audience, viewerOf(c));
  if (!recipients) return renderError(c, 'not_found');
  return c.html(
    <SessionMessagePage
      {...chrome(c)}
      organization={found.organization}
      session={found.session}
      audience={audienceParam(audience)}
      recipients={recipients}
      back={back}
      values={values}
      errors={errors}
    />,
    errors ? 400 : 200,
  );
}

sessionMessageRoutes.get('/sessions/:sessionId/email', allow(runsSessionRule), sessionParam, async (c) => {
  const found = await findSession(c.get('deps').db, c.get('organization').id, c.req.valid('param').sessionId);
  const audience = parseAudience(c.req.query('to'));
  if (!found || !audience) return renderError(c, 'not_found');
  const { session } = found;
  return renderPage(c, found, audience, backOf(c.req.query('from')), {
    subject: `${session.name}, ${formatInstant(session.startsAt, session.timeZone)}`,
    body: '',
    draft: randomUUID(),
  });
});

sessionMessageRoutes.post(
  '/sessions/:sessionId/email',
  allow(runsSessionRule),
  sessionParam,
  validForm(
    z.object({ to: typedField, back: typedField, subject: typedField, body: typedField, draft: typedField }),
    async (c, rejected) => {
      const found = await findSession(
        c.get('deps').db,
        c.get('organization').id,
        c.req.param('sessionId') ?? '',
      );
      const audience = parseAudience(String(rejected.values.to ?? ''));
      if (!found || !audience) return renderError(c, 'not_found');
      const value = (name: string) => String(rejected.values[name] ?? '');
      return renderPage(
        c,
        found,
        audience,
        backOf(rejected.values.back),
        { subject: value('subject'), body: value('body'), draft: value('draft') || randomUUID() },
        rejected.errors as MessageErrors,
      );
    },
  ),
  async (c) => {
    const found = await findSession(
      c.get('deps').db,
      c.get('organization').id,
      c.req.valid('param').sessionId,
    );
    const form = c.req.valid('form');
    const audience = parseAudience(form.to);
    if (!found || !audience) return renderError(c, 'not_found');
    const back = backOf(form.back);
    try {
      const { sent } = await sendSessionMessage(
        c.get('deps'),
        found,
        audience,
        form,
        viewerOf(c),
        clientAddress(c),
      );
      noticeNext(c, 'message-sent', [sent]);
    } catch (error) {
      if (error instanceof InvalidMessage) {
        return renderPage(c, found, audience, back, form, error.fields);
      }
      if (error instanceof DomainError) return renderError(c, error.code);
      throw error;
    }
    return c.redirect(
      back === 'dashboard'
        ? `/${found.organization.code}/dashboard#row-${found.session.id}`
        : sessionPath(found.organization, found.session),
      303,
    );
  },
);
