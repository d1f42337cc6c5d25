import { Hono } from 'hono';
import { renderFlyerDocx } from '../../views/flyer-docx';
import { renderFlyerPdf } from '../../views/flyer-pdf';
import { allow } from '../access';
import type { AppEnv } from '../context';
import { flyerContent, flyerRefusal } from '../flyer';
import { viewerOf } from '../page';
import { attachmentDisposition } from '../presentation-types';
import { qrPng } from '../qr';
import { renderError } from '../respond';
import { sessionState } from '../session-facts';
import { findSession, runsSessionRule } from '../sessions';

export const flyerRoutes = new Hono<AppEnv>();

const FORMATS = {
  pdf: { type: 'application/pdf' },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
} as const;

/**
 * A session's flyer, as PDF or Word, for the people who run it. Refused, with the reason and what
 * to do, until the session is APPROVED with faculty and the organization's statements are written.
 */
flyerRoutes.get('/sessions/:sessionId/flyer/:format', allow(runsSessionRule), async (c) => {
  const organization = c.get('organization');
  const deps = c.get('deps');
  const found = await findSession(deps.db, organization.id, c.req.param('sessionId'));
  if (!found || found.session.deactivatedAt) return renderError(c, 'not_found');
  const format = c.req.param('format');
  if (format !== 'pdf' && format !== 'docx') return renderError(c, 'not_found');
  const state = await sessionState(deps.db, found.session, found.series);
  const refusal = flyerRefusal(organization, state, viewerOf(c).roles.has('admin'));
  if (refusal) return renderError(c, 'flyer_not_ready', refusal);
  const content = flyerContent({
    organization,
    session: found.session,
    series: found.series,
    state,
    publicUrl: deps.config.publicUrl,
  });
  const qr = content.claim.rotating ? null : await qrPng(content.claim.qrUrl);
  const body = format === 'pdf' ? await renderFlyerPdf(content, qr) : await renderFlyerDocx(content, qr);
  const name = `Flyer – ${found.session.name}.${format}`;
  return c.body(new Uint8Array(body), 200, {
    'Content-Type': FORMATS[format].type,
    'Content-Disposition': attachmentDisposition(name),
    'X-Content-Type-Options': 'nosniff',
  });
});
