import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DeletePresentationPage, PresentationPage } from '../../views/presentation-page';
import { presentationPath } from '../presentation-types';
import { sessionPath } from '../../views/session-page';
import { DomainError } from '../../workflows/errors';
import { allow } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { validParams } from '../forms';
import { noticeNext, takeNotice } from '../notice';
import { chrome, viewerOf } from '../page';
import { attachmentDisposition, downloadName, PRESENTATION_KINDS } from '../presentation-types';
import {
  deletePresentation,
  facultyMemberOf,
  InvalidPresentation,
  mayManagePresentation,
  presentationFile,
  presentationsOf,
  presentationKey,
  uploadPresentation,
} from '../presentations';
import { renderError } from '../respond';
import { sessionClosed } from '../session-status';
import { findSession, maySeeSessionRule, type SessionWithSeries, sessionRule } from '../sessions';

/** A faculty member's presentation for a session: its page, the upload, the download, the deletion. */
export const presentationRoutes = new Hono<AppEnv>();

const memberParam = validParams(z.object({ sessionId: z.guid(), accountId: z.guid() }));

const NOTICES = {
  'presentation-uploaded': 'Presentation uploaded.',
  'presentation-replaced': 'Presentation replaced; the earlier file is gone.',
  'presentation-deleted': 'Presentation deleted.',
} as const;

/** Access rule: the faculty member themselves, a coordinator of the series, or the CME office. */
const managesPresentation = sessionRule((db, found, viewer, c) =>
  mayManagePresentation(db, found, viewer, c.req.param('accountId') ?? ''),
);

async function load(c: Context<AppEnv>, sessionId: string, accountId: string) {
  const { db } = c.get('deps');
  const found = await findSession(db, c.get('organization').id, sessionId);
  if (!found) return null;
  const member = await facultyMemberOf(db, sessionId, accountId);
  if (!member) return null;
  return { found, member };
}

async function renderPage(
  c: Context<AppEnv>,
  found: SessionWithSeries,
  member: NonNullable<Awaited<ReturnType<typeof facultyMemberOf>>>,
  extra: { error?: string } = {},
  status: 200 | 400 = 200,
) {
  const { db, config } = c.get('deps');
  const slides = (await presentationsOf(db, [found.session.id])).get(
    presentationKey(found.session.id, member.accountId),
  );
  const manage =
    sessionClosed(found) === null && (await mayManagePresentation(db, found, viewerOf(c), member.accountId));
  const waiting = takeNotice(c);
  return c.html(
    <PresentationPage
      {...chrome(c)}
      organization={found.organization}
      session={found.session}
      member={member}
      presentation={slides ?? null}
      manage={manage}
      limitMb={config.PRESENTATION_MAX_MB}
      notice={waiting && waiting in NOTICES ? NOTICES[waiting as keyof typeof NOTICES] : undefined}
      error={extra.error}
    />,
    status,
  );
}

const PAGE = '/sessions/:sessionId/faculty/:accountId/presentation';

presentationRoutes.get(PAGE, allow(maySeeSessionRule), memberParam, async (c) => {
  const { sessionId, accountId } = c.req.valid('param');
  const loaded = await load(c, sessionId, accountId);
  if (!loaded) return renderError(c, 'not_found');
  return renderPage(c, loaded.found, loaded.member);
});

presentationRoutes.post(PAGE, allow(managesPresentation), memberParam, async (c) => {
  const { sessionId, accountId } = c.req.valid('param');
  const loaded = await load(c, sessionId, accountId);
  if (!loaded) return renderError(c, 'not_found');
  const { found, member } = loaded;
  // Already parsed (and size-checked) by the CSRF check; this reads the cached form.
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File) || file.size === 0) {
    return renderPage(c, found, member, { error: 'Choose a file to upload; none was sent.' }, 400);
  }
  const { config, db, clock } = c.get('deps');
  try {
    const { replaced } = await uploadPresentation(
      { db, now: () => clock.now() },
      found,
      accountId,
      { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
      config.PRESENTATION_MAX_MB * 1024 * 1024,
      viewerOf(c),
      clientAddress(c),
    );
    noticeNext(c, replaced ? 'presentation-replaced' : 'presentation-uploaded');
    return c.redirect(
      presentationPath(sessionPath(found.organization, found.session), { id: accountId }),
      303,
    );
  } catch (error) {
    if (error instanceof InvalidPresentation)
      return renderPage(c, found, member, { error: error.problem }, 400);
    if (error instanceof DomainError) return renderError(c, error.code);
    throw error;
  }
});

presentationRoutes.get(`${PAGE}/file`, allow(maySeeSessionRule), memberParam, async (c) => {
  const { sessionId, accountId } = c.req.valid('param');
  const loaded = await load(c, sessionId, accountId);
  if (!loaded) return renderError(c, 'not_found');
  const file = await presentationFile(c.get('deps').db, sessionId, accountId);
  if (!file) return renderError(c, 'not_found');
  const etag = `"${file.sha256}"`;
  const headers = {
    'Content-Type': PRESENTATION_KINDS[file.kind].contentType,
    // Always a download, never shown in the page's origin, whatever the browser thinks of it.
    'Content-Disposition': attachmentDisposition(downloadName(file.fileName, file.kind)),
    'Cache-Control': 'private, no-store',
    ETag: etag,
  };
  if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
  return c.body(new Uint8Array(file.content), 200, {
    ...headers,
    'Content-Length': String(file.content.byteLength),
  });
});

presentationRoutes.get(`${PAGE}/delete`, allow(managesPresentation), memberParam, async (c) => {
  const { sessionId, accountId } = c.req.valid('param');
  const loaded = await load(c, sessionId, accountId);
  if (!loaded) return renderError(c, 'not_found');
  const closed = sessionClosed(loaded.found);
  if (closed) return renderError(c, closed);
  const slides = (await presentationsOf(c.get('deps').db, [sessionId])).get(
    presentationKey(sessionId, accountId),
  );
  if (!slides) {
    return c.redirect(
      presentationPath(sessionPath(loaded.found.organization, loaded.found.session), { id: accountId }),
      303,
    );
  }
  return c.html(
    <DeletePresentationPage
      {...chrome(c)}
      organization={loaded.found.organization}
      session={loaded.found.session}
      member={loaded.member}
      fileName={slides.fileName}
    />,
  );
});

presentationRoutes.post(`${PAGE}/delete`, allow(managesPresentation), memberParam, async (c) => {
  const { sessionId, accountId } = c.req.valid('param');
  const loaded = await load(c, sessionId, accountId);
  if (!loaded) return renderError(c, 'not_found');
  const { db, clock } = c.get('deps');
  try {
    await deletePresentation(
      { db, now: () => clock.now() },
      loaded.found,
      accountId,
      viewerOf(c),
      clientAddress(c),
    );
  } catch (error) {
    if (error instanceof DomainError) return renderError(c, error.code);
    throw error;
  }
  noticeNext(c, 'presentation-deleted');
  return c.redirect(
    presentationPath(sessionPath(loaded.found.organization, loaded.found.session), { id: accountId }),
    303,
  );
});
