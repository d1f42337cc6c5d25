import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import {
  type Account,
  auditEvents,
  claims,
  externalCredits,
  messages,
  type Organization,
  type Session,
} from '../../db/schema';
import { TRANSCRIPT_MAILS_PER_ACCOUNT_PER_HOUR } from '../../server/rate-limits';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, type Visitor } from '../support/http';
import { pdfText } from '../support/pdf';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let t: TestApp;
let organization: Organization;
let ann: Account;
let visitor: Visitor;
let sepsis: Session;

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { name: 'Riverside Health' });
  const grandRounds = await seedSeries(database.db, organization, { name: 'Medicine Grand Rounds' });
  const nursing = await seedSeries(database.db, organization, {
    name: 'Nursing Grand Rounds',
    creditType: 'ANCC contact hours',
    creditsPerSession: '1.50',
  });
  ann = await seedMember(database.db, organization, {
    email: 'ann@riverside.test',
    firstName: 'Ann',
    lastName: 'Lee',
    degree: 'MD',
  });
  t = createTestApp(database, { now: new Date('2026-12-03T15:00:00Z') });
  const activities = createCreditActivities({
    db: database.db,
    clock: t.clock,
    mailer: t.mailer,
    publicUrl: t.config.publicUrl,
  });
  const credit = async (session: Session, recorded = true) => {
    const claim = await seedClaim(database.db, session, ann, {
      claimedAt: session.endsAt,
      credits: session.credits,
    });
    if (recorded) {
      await activities.openCreditRequirements({ claimId: claim.id });
      await activities.recordCredit({ claimId: claim.id });
      await activities.issueCertificate({ claimId: claim.id });
    }
    return claim;
  };
  sepsis = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis update',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:00:00Z'),
  });
  await credit(sepsis);
  await credit(
    await seedApprovedSession(database.db, nursing, {
      name: 'Pressure injuries',
      startsAt: new Date('2026-06-10T16:00:00Z'),
      endsAt: new Date('2026-06-10T17:30:00Z'),
      credits: '1.50',
    }),
  );
  // Last year's: outside the default range.
  await credit(
    await seedApprovedSession(database.db, grandRounds, {
      name: 'Heart failure therapies',
      startsAt: new Date('2025-11-04T17:00:00Z'),
      endsAt: new Date('2025-11-04T18:00:00Z'),
    }),
  );
  // Attended but not yet credited (an evaluation owed): not on the transcript.
  await credit(
    await seedApprovedSession(database.db, grandRounds, {
      name: 'Delirium prevention',
      startsAt: new Date('2026-11-30T17:00:00Z'),
      endsAt: new Date('2026-11-30T18:00:00Z'),
    }),
    false,
  );
  visitor = await signedInVisitor(t.app, organization, ann.email, `/${organization.code}/my-ce/transcript`);
});
afterEach(async () => {
  await database.drop();
});

const path = (rest = '') => `/${organization.code}/my-ce/transcript${rest}`;

async function uploadExternal(fields: Record<string, string>, file = new File([PDF], 'acls.pdf')) {
  await visitor.get(path());
  return visitor.post(
    path('/external'),
    {
      title: 'ACLS recertification',
      provider: 'American Heart Association',
      completedOn: '2026-09-15',
      creditType: 'AMA PRA Category 1 Credit™',
      credits: '4',
      ...fields,
    },
    { files: { file } },
  );
}

describe('the transcript', () => {
  test('this year’s credits, totals per credit type, and external credit at the end, as a page, a PDF and a CSV', async () => {
    const added = await uploadExternal({});
    expect(added.status).toBe(200);
    expect(textOf(added.html)).toContain('Added: ACLS recertification, 4.00 AMA PRA Category 1 Credit™.');

    const page = textOf((await visitor.get(path())).html);
    expect(page).toContain('Thu, Jan 1, 2026 to Thu, Dec 3, 2026');
    expect(page).toContain('Sepsis update');
    expect(page).toContain('Pressure injuries');
    expect(page).not.toContain('Heart failure therapies');
    expect(page).not.toContain('Delirium prevention');
    expect(page).toContain('External · American Heart Association');
    expect(page).toContain('AMA PRA Category 1 Credit™: 1.00 and 4.00 external');
    expect(page).toContain('ANCC contact hours: 1.50');

    const pdf = await visitor.download(path('/pdf?from=2026-01-01&to=2026-12-03'));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain(
      'transcript-lee-ann-2026-01-01-to-2026-12-03.pdf',
    );
    const text = await pdfText(pdf.bytes);
    for (const words of [
      'CE Transcript',
      'Ann Lee, MD',
      'Sepsis update (Medicine Grand Rounds)',
      'Pressure injuries (Nursing Grand Rounds)',
      'External credit',
      'ACLS recertification (American Heart Association)',
      'AMA PRA Category 1 Credit™: 1.00 (and 4.00 external)',
      'ANCC contact hours: 1.50',
    ]) {
      expect(text).toContain(words);
    }
    expect(text).not.toContain('Heart failure therapies');

    const csv = await visitor.download(path('/csv?from=2025-01-01&to=2026-12-31'));
    const rows = new TextDecoder().decode(csv.bytes).trim().split('\r\n');
    expect(rows[0]).toBe(
      '"Date","Activity","Series or provider","Credit type","Credits","Source","Certificate"',
    );
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 2).join(','))).toEqual([
      '"2025-11-04","Heart failure therapies"',
      '"2026-03-03","Sepsis update"',
      '"2026-06-10","Pressure injuries"',
      '"2026-09-15","ACLS recertification"',
    ]);
  });

  test('a range that makes no sense is refused with why', async () => {
    const page = await visitor.get(path('?from=2026-12-01&to=2026-01-01'));
    expect(page.status).toBe(400);
    expect(fieldError(page.html, 'to')).toBe('The end date comes before the start date.');
  });

  test('a CSV cell that would be a formula in a spreadsheet is written as text', async () => {
    await uploadExternal({ title: '=HYPERLINK("http://evil.example","click")' });
    const csv = new TextDecoder().decode((await visitor.download(path('/csv'))).bytes);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  });
});

describe('external credit', () => {
  test('a file that is not a PDF or image is refused by its bytes, with everything typed kept', async () => {
    const refused = await uploadExternal(
      { title: 'Wound care' },
      new File([new TextEncoder().encode('MZ\x90\x00 not a certificate')], 'certificate.pdf'),
    );
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'file')).toBe(
      'That file is not a PDF, PNG or JPEG. Save or scan it as one and try again.',
    );
    expect(refused.html).toContain('value="Wound care"');
    expect(await database.db.select().from(externalCredits)).toEqual([]);
  });

  test('its file downloads for its learner only; the learner removes their own, audited both ways', async () => {
    await uploadExternal({});
    const [stored] = await database.db.select().from(externalCredits);
    const file = await visitor.download(path(`/external/${stored!.id}/file`));
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(file.bytes).equals(Buffer.from(PDF))).toBe(true);

    const bob = await seedMember(database.db, organization, { email: 'bob@riverside.test' });
    const other = await signedInVisitor(t.app, organization, bob.email, path());
    expect((await other.download(path(`/external/${stored!.id}/file`))).status).toBe(404);
    expect((await other.post(path(`/external/${stored!.id}/remove`))).status).toBe(404);

    const removed = await visitor.post(path(`/external/${stored!.id}/remove`));
    expect(textOf(removed.html)).toContain('Removed: ACLS recertification.');
    expect(await database.db.select().from(externalCredits)).toEqual([]);
    const actions = (
      await database.db.select().from(auditEvents).where(eq(auditEvents.accountId, ann.id))
    ).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['external_credit_added', 'external_credit_removed']));
  });
});

describe('emailing the transcript', () => {
  test('to another address, with the PDF attached, recorded and audited; then rate limited', async () => {
    await visitor.get(path());
    const sent = await visitor.post(path('/email'), {
      from: '2026-01-01',
      to: '2026-12-03',
      sendTo: 'other',
      email: 'credentialing@board.example',
    });
    expect(sent.status).toBe(200);
    expect(textOf(sent.html)).toContain('Your transcript is on its way to credentialing@board.example.');
    const [mail] = await database.db.select().from(messages).where(eq(messages.kind, 'transcript'));
    expect(mail).toMatchObject({ to: 'credentialing@board.example', status: 'sent' });
    expect(mail?.text).toContain('Ann Lee, MD asked us to send you their continuing-education transcript');
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'transcript_emailed'));
    expect(audited?.detail).toMatchObject({ to: 'credentialing@board.example' });

    const badAddress = await visitor.post(path('/email'), { sendTo: 'other', email: 'not an address' });
    expect(badAddress.status).toBe(400);
    expect(fieldError(badAddress.html, 'email')).toContain('Enter the email address');

    for (let i = 1; i < TRANSCRIPT_MAILS_PER_ACCOUNT_PER_HOUR; i++) {
      expect((await visitor.post(path('/email'), { sendTo: 'me' })).status).toBe(200);
    }
    const stopped = await visitor.post(path('/email'), { sendTo: 'me' });
    expect(stopped.status).toBe(429);
    expect(textOf(stopped.html)).toContain('You have emailed several transcripts.');
    const [claimed] = await database.db.select().from(claims).where(eq(claims.sessionId, sepsis.id));
    expect(claimed?.creditRecordedAt).not.toBeNull();
  });
});

describe('credit added by the CME office', () => {
  test('a reviewer adds it with a reason, audited; the learner sees it as external and cannot remove it', async () => {
    const rita = await seedMember(database.db, organization, {
      email: 'rita@riverside.test',
      roles: ['reviewer'],
    });
    const office = await signedInVisitor(
      t.app,
      organization,
      rita.email,
      `/${organization.code}/admin/accounts`,
    );
    const page = `/${organization.code}/admin/accounts/${ann.id}/credit`;
    await office.get(page);
    const missing = await office.post(page, {
      title: 'Regional stroke conference',
      provider: 'Riverside Health',
      completedOn: '2026-10-02',
      creditType: 'AMA PRA Category 1 Credit™',
      credits: '6',
    });
    expect(missing.status).toBe(400);
    expect(fieldError(missing.html, 'reason')).toBe('Say why it is added by hand.');
    const added = await office.post(page, {
      title: 'Regional stroke conference',
      provider: 'Riverside Health',
      completedOn: '2026-10-02',
      creditType: 'AMA PRA Category 1 Credit™',
      credits: '6',
      reason: 'Paper sign-in sheet from the conference',
    });
    expect(textOf(added.html)).toContain(
      'Added: Regional stroke conference, 6.00 AMA PRA Category 1 Credit™.',
    );
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'external_credit_added'));
    expect(audited).toMatchObject({ actorId: rita.id, accountId: ann.id });
    expect(audited?.detail).toMatchObject({ reason: 'Paper sign-in sheet from the conference' });

    const transcript = textOf((await visitor.get(path())).html);
    expect(transcript).toContain('Regional stroke conference');
    expect(transcript).toContain('added by the CME office');
    const [stored] = await database.db.select().from(externalCredits);
    expect((await visitor.post(path(`/external/${stored!.id}/remove`))).status).toBe(404);
    expect((await visitor.get(page)).status).toBe(403);
  });
});
