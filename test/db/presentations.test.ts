import { readFile } from 'node:fs/promises';
import { PDFDocument } from '@cantoo/pdf-lib';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  auditEvents,
  type Organization,
  presentations,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
  sessions,
} from '../../db/schema';
import { linkIn, mailTo, seedMember, signIn, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let daniel: Account;
let priya: Account;
let grandRounds: Series;
let session: Session;

const pptx = async () =>
  new Uint8Array(await readFile(new URL('../fixtures/stewardship.pptx', import.meta.url)));

async function pdf(pages = 1): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  for (let i = 0; i < pages; i++) document.addPage().drawText(`Slide ${i + 1}`);
  return document.save();
}

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z'), env: { PRESENTATION_MAX_MB: '1' } });
  const cora = await seedMember(database.db, organization, {
    email: 'coordinator@example.org',
    firstName: 'Cora',
    lastName: 'Coordinator',
  });
  const owner = await seedMember(database.db, organization, {
    email: 'owner@example.org',
    firstName: 'Olu',
    lastName: 'Owner',
  });
  await seedMember(database.db, organization, { email: 'learner@example.org' });
  daniel = await seedMember(database.db, organization, {
    email: 'daniel.okafor@example.org',
    firstName: 'Daniel',
    lastName: 'Okafor',
    roles: ['faculty'],
  });
  priya = await seedMember(database.db, organization, {
    email: 'priya.shah@example.org',
    firstName: 'Priya',
    lastName: 'Shah',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db.insert(seriesRoles).values([
    { seriesId: grandRounds.id, accountId: cora.id, role: 'coordinator' },
    { seriesId: grandRounds.id, accountId: owner.id, role: 'owner' },
  ]);
  session = await seedSession(database.db, grandRounds, {
    name: 'Antibiotic stewardship',
    startsAt: new Date('2026-12-08T17:00:00Z'),
  });
  await database.db.insert(sessionFaculty).values([
    { sessionId: session.id, accountId: daniel.id, role: 'speaker', requestPresentation: true },
    { sessionId: session.id, accountId: priya.id, role: 'speaker' },
  ]);
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/series');
}

const pagePath = (faculty: Account = daniel) =>
  `/river/sessions/${session.id}/faculty/${faculty.id}/presentation`;

function file(bytes: Uint8Array, name: string, type = 'application/octet-stream') {
  return new File([Buffer.from(bytes)], name, { type });
}

async function upload(visitor: Visitor, bytes: Uint8Array, name: string, faculty: Account = daniel) {
  await visitor.get(pagePath(faculty));
  return visitor.post(pagePath(faculty), {}, { files: { file: file(bytes, name) } });
}

async function recorded(action: string) {
  return database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.sessionId, session.id), eq(auditEvents.action, action as never)));
}

describe('presentations', () => {
  test('a coordinator uploads a speaker’s slides; the session shows them, and everyone who may see the session downloads the same bytes as an attachment', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const before = await cora.get(`/river/sessions/${session.id}`);
    expect(textOf(before.html)).toContain('Presentation requested, not uploaded yet');

    const slides = await pptx();
    const uploaded = await upload(cora, slides, 'Stewardship – Okafor.pptx');
    expect(uploaded.status).toBe(303);
    const page = await cora.follow(uploaded);
    expect(textOf(page.html)).toContain('Presentation uploaded.');
    expect(textOf(page.html)).toContain('PowerPoint, 28 KB');
    expect(textOf(page.html)).toContain('by Cora Coordinator');

    const sessionPage = await cora.get(`/river/sessions/${session.id}`);
    expect(textOf(sessionPage.html)).toContain('Presentation: Stewardship – Okafor.pptx (PowerPoint, 28 KB)');
    // The session's history names what was uploaded, for whom.
    expect(textOf(sessionPage.html)).toContain(
      'Presentation uploaded Nov 24, 2026, 10:00 AM EST by Cora CoordinatorFaculty: Okafor, Daniel',
    );

    for (const email of [
      'coordinator@example.org',
      'owner@example.org',
      'daniel.okafor@example.org',
      'priya.shah@example.org',
    ]) {
      const visitor = email === 'coordinator@example.org' ? cora : await visitorAs(email);
      const download = await visitor.download(`${pagePath()}/file`);
      expect(download.status, email).toBe(200);
      expect(download.headers.get('Content-Type')).toBe(
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      );
      expect(download.headers.get('Content-Disposition')).toMatch(/^attachment; /);
      expect(download.headers.get('Content-Disposition')).toContain(
        "filename*=UTF-8''Stewardship%20%E2%80%93%20Okafor.pptx",
      );
      expect(download.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(Buffer.from(download.bytes).equals(Buffer.from(slides))).toBe(true);
    }

    const history = await recorded('presentation_uploaded');
    expect(history).toHaveLength(1);
    expect(history[0]?.detail).toMatchObject({
      after: { presentation: 'Stewardship – Okafor.pptx' },
      faculty: 'Okafor, Daniel',
      type: 'PowerPoint',
    });
  });

  test('a learner, a stranger and another organization get nothing; faculty may manage only their own', async () => {
    const cora = await visitorAs('coordinator@example.org');
    await upload(cora, await pdf(), 'okafor.pdf');

    const learner = await visitorAs('learner@example.org');
    expect((await learner.download(`${pagePath()}/file`)).status).toBe(403);
    expect((await learner.get(pagePath())).status).toBe(403);

    const signedOut = new Visitor(t.app);
    await signedOut.get('/river/sign-in');
    const anonymous = await signedOut.post(pagePath(), {}, { files: { file: file(await pdf(), 'x.pdf') } });
    expect(anonymous.status).toBe(401);
    const bounced = await signedOut.download(`${pagePath()}/file`);
    expect(bounced.status).toBe(303);
    expect(bounced.headers.get('Location')).toContain('/river/sign-in');

    const other = await seedOrganization(database.db, { code: 'lake' });
    await seedMember(database.db, other, { email: 'admin@lake.example.org', roles: ['admin'] });
    const lakeAdmin = new Visitor(t.app);
    expect((await signIn(lakeAdmin, other, 'admin@lake.example.org')).status).toBe(303);
    expect(
      (await lakeAdmin.download(`/lake/sessions/${session.id}/faculty/${daniel.id}/presentation/file`))
        .status,
    ).toBe(403);

    // Priya teaches the session: she may download Daniel's slides but not replace or delete them.
    const priyaVisitor = await visitorAs('priya.shah@example.org');
    const danielsPage = await priyaVisitor.get(pagePath());
    expect(textOf(danielsPage.html)).not.toContain('Replace presentation');
    await priyaVisitor.get(pagePath(priya));
    const refused = await priyaVisitor.post(
      pagePath(),
      {},
      { files: { file: file(await pdf(), 'mine.pdf') } },
    );
    expect(refused.status).toBe(403);
    expect((await priyaVisitor.post(`${pagePath()}/delete`, {})).status).toBe(403);
    // Her own she uploads herself.
    const own = await upload(priyaVisitor, await pdf(2), 'shah.pdf', priya);
    expect(own.status).toBe(303);

    // The owner looks and changes nothing.
    const owner = await visitorAs('owner@example.org');
    expect((await owner.post(`${pagePath()}/delete`, {})).status).toBe(403);
    const rows = await database.db.select({ accountId: presentations.accountId }).from(presentations);
    expect(rows.map((row) => row.accountId).sort()).toEqual([daniel.id, priya.id].sort());
  });

  test('a file that is not a presentation, an empty one and one over the limit are refused with why, keeping the file before', async () => {
    const daniel = await visitorAs('daniel.okafor@example.org');
    await upload(daniel, await pdf(), 'first.pdf');

    const disguised = await upload(
      daniel,
      new TextEncoder().encode('<html><script>steal()</script></html>'),
      'slides.pptx',
    );
    expect(disguised.status).toBe(400);
    expect(fieldError(disguised.html, 'file')).toBe(
      '“slides.pptx” is not a file Rounds keeps as a presentation. Upload a PDF, PowerPoint, Keynote, OpenDocument or Word file.',
    );

    const empty = await upload(daniel, new Uint8Array(), 'empty.pdf');
    expect(empty.status).toBe(400);
    expect(fieldError(empty.html, 'file')).toBe('Choose a file to upload; none was sent.');

    // The limit here is 1 MB: a file just over it is read and measured, one far over is refused unread.
    const justOver = new Uint8Array(1024 * 1024 + 10);
    justOver.set(await pdf());
    const over = await upload(daniel, justOver, 'big.pdf');
    expect(over.status).toBe(400);
    expect(fieldError(over.html, 'file')).toBe('That file is 1 MB; a presentation can be at most 1 MB.');
    const huge = await upload(daniel, new Uint8Array(3 * 1024 * 1024), 'huge.pdf');
    expect(huge.status).toBe(413);
    expect(textOf(huge.html)).toContain('a presentation can be at most 1 MB');

    const [kept] = await database.db.select({ fileName: presentations.fileName }).from(presentations);
    expect(kept?.fileName).toBe('first.pdf');

    // A deactivated session's presentations are kept as they are: no link offers a change, none is taken.
    await database.db.update(sessions).set({ deactivatedAt: new Date('2026-11-24T14:00:00Z') });
    const cora = await visitorAs('coordinator@example.org');
    for (const page of [
      `/river/sessions/${session.id}`,
      `/river/sessions/${session.id}/faculty`,
      pagePath(),
    ]) {
      const html = textOf((await cora.get(page)).html);
      expect(html, page).not.toMatch(/Upload presentation|Replace or delete|Replace presentation/);
    }
    const closed = await cora.post(pagePath(), {}, { files: { file: file(await pdf(2), 'late.pdf') } });
    expect(closed.status).toBe(409);
    expect(await recorded('presentation_uploaded')).toHaveLength(1);
  });

  test('replacing keeps one file, deleting asks first and is recorded, and removing the speaker removes their slides', async () => {
    const cora = await visitorAs('coordinator@example.org');
    await upload(cora, await pdf(), 'draft.pdf');
    const replaced = await cora.follow(await upload(cora, await pptx(), 'final.pptx'));
    expect(textOf(replaced.html)).toContain('Presentation replaced; the earlier file is gone.');
    expect(await database.db.select({ fileName: presentations.fileName }).from(presentations)).toEqual([
      { fileName: 'final.pptx' },
    ]);
    const [replacement] = await recorded('presentation_uploaded').then((rows) =>
      rows.filter((row) => 'before' in row.detail),
    );
    expect(replacement?.detail).toMatchObject({
      before: { presentation: 'draft.pdf' },
      after: { presentation: 'final.pptx' },
    });

    const confirm = await cora.get(`${pagePath()}/delete`);
    expect(textOf(confirm.html)).toContain('Delete final.pptx, the presentation of Daniel Okafor');
    const deleted = await cora.follow(await cora.post(`${pagePath()}/delete`, {}));
    expect(textOf(deleted.html)).toContain('Presentation deleted.');
    expect(textOf(deleted.html)).toContain(
      'A presentation was requested from Daniel Okafor; none is uploaded yet.',
    );
    expect((await cora.download(`${pagePath()}/file`)).status).toBe(404);
    expect((await recorded('presentation_deleted'))[0]?.detail).toMatchObject({
      before: { presentation: 'final.pptx' },
    });

    const again = await pdf();
    await upload(cora, again, 'again.pdf');
    // A second press of Upload with the same file changes nothing and records nothing more.
    const twice = await cora.follow(await upload(cora, again, 'again.pdf'));
    expect(textOf(twice.html)).toContain('Presentation uploaded.');
    expect(await recorded('presentation_uploaded')).toHaveLength(3);
    const confirmRemoval = await cora.get(`/river/sessions/${session.id}/faculty/${daniel.id}/remove`);
    expect(textOf(confirmRemoval.html)).toContain('Their presentation, again.pdf, is deleted with them');
    expect((await cora.post(`/river/sessions/${session.id}/faculty/${daniel.id}/remove`, {})).status).toBe(
      303,
    );
    expect(await database.db.select().from(presentations)).toHaveLength(0);
    expect((await recorded('faculty_removed'))[0]?.detail).toMatchObject({
      before: { faculty: 'Okafor, Daniel', presentation: 'again.pdf' },
    });
  });

  test('Request presentation? emails the speaker a link to the upload page, once, without copying the coordinator', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const hale = await seedMember(database.db, organization, {
      email: 'sam.hale@example.org',
      firstName: 'Sam',
      lastName: 'Hale',
      roles: ['faculty'],
    });
    await cora.get(`/river/sessions/${session.id}/faculty`);
    const added = await cora.post(`/river/sessions/${session.id}/faculty`, {
      accountId: hale.id,
      role: 'speaker',
      requestPresentation: 'on',
    });
    expect(added.status).toBe(303);
    await t.background.idle();
    const [request, ...more] = await mailTo(database.db, 'sam.hale@example.org');
    expect(more).toHaveLength(0);
    expect(request?.subject).toBe('Please upload your presentation for Antibiotic stewardship');
    expect(request?.text).toContain('Tue, Dec 8, 2026, 12:00 PM');
    const link = linkIn(request!, `/river/sessions/${session.id}/faculty/${hale.id}/presentation`);
    expect(await mailTo(database.db, 'coordinator@example.org')).toHaveLength(0);
    expect(await recorded('presentation_requested')).toHaveLength(1);

    const samVisitor = await visitorAs('sam.hale@example.org');
    const page = await samVisitor.get(link);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Upload presentation');
    const done = await samVisitor.post(link, {}, { files: { file: file(await pdf(), 'hale.pdf') } });
    expect(done.status).toBe(303);
  });
});
