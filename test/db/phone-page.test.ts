import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { claims, type Organization, type Series, textsReceived } from '../../db/schema';
import { seedMember } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, textOf, Visitor } from '../support/http';
import { seedApprovedSession, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let grandRounds: Series;
let t: TestApp;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { smsNumber: '+18449860352', name: 'Riverside' });
  grandRounds = await seedSeries(database.db, organization);
  await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis bundles in 2026',
    attendanceCode: 'K7MPQ',
    startsAt: new Date('2026-03-03T17:00:00Z'),
  });
  await seedMember(database.db, organization, {
    email: 'ann.lee@riverside.test',
    mobile: '+12155550101',
    smsPairedAt: new Date('2026-01-10T15:00:00Z'),
  });
  t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z') });
});

afterEach(async () => {
  await database.drop();
});

describe('the development phone page', () => {
  test('sends a signed text through the real webhook and shows the reply', async () => {
    const phone = new Visitor(t.app);
    await phone.get(`/${organization.code}/phone`);
    const sent = await phone.post(`/${organization.code}/phone`, { from: '(215) 555-0101', body: 'k7mpq' });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/${organization.code}/phone?from=%2B12155550101`);
    const shown = textOf((await phone.get(sent.location ?? '')).html);
    expect(shown).toContain('Texts with +12155550101');
    expect(shown).toContain('Reply: Thank you. We have recorded your attendance for Sepsis bundles in 2026');
    expect(await database.db.select().from(claims)).toHaveLength(1);
    const [received] = await database.db.select().from(textsReceived);
    expect(received?.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  test('says what is wrong with a number it cannot use, keeping the message', async () => {
    const phone = new Visitor(t.app);
    await phone.get(`/${organization.code}/phone`);
    const refused = await phone.post(`/${organization.code}/phone`, { from: 'my cell', body: 'K7MPQ' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'from')).toBe(
      'Enter a phone number, like (555) 010-2030 or +44 20 7946 0958.',
    );
    expect(refused.html).toContain('K7MPQ');
    expect(await database.db.select().from(textsReceived)).toEqual([]);
  });

  test('without an SMS number it says where to set one', async () => {
    const silent = await seedOrganization(database.db);
    const phone = new Visitor(t.app);
    await phone.get(`/${silent.code}/phone`);
    const answer = await phone.post(`/${silent.code}/phone`, { from: '2155550101', body: 'HELP' });
    expect(answer.status).toBe(409);
    expect(textOf(answer.html)).toContain('Set the organization’s SMS number under Settings first');
  });

  test('does not exist in production', async () => {
    const production = createTestApp(database, {
      env: { NODE_ENV: 'production', PUBLIC_URL: 'https://cme.riverside.test' },
    });
    const admin = await seedMember(database.db, organization, {
      email: 'admin@riverside.test',
      roles: ['admin'],
    });
    const visitor = new Visitor(production.app);
    const { signIn } = await import('../support/accounts');
    await signIn(visitor, organization, admin.email);
    expect((await visitor.get(`/${organization.code}/phone`)).status).toBe(403);
    await visitor.get(`/${organization.code}/profile`);
    expect(
      (await visitor.post(`/${organization.code}/phone`, { from: '2155550101', body: 'HELP' })).status,
    ).toBe(403);
    expect(
      await database.db.select().from(textsReceived).where(eq(textsReceived.organizationId, organization.id)),
    ).toEqual([]);
  });
});
