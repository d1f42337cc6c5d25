import { STRONGER_DEFAULT } from '../../views/admin-settings-page';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  type Organization,
  accountRoles,
  accounts,
  auditEvents,
  organizations,
} from '../../db/schema';
import { ERRORS } from '../../workflows/errors';
import { seedMember, signIn, signedInVisitor } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts, fieldError, fieldValue, textOf } from '../support/http';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', lockoutThreshold: 5 });
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

async function member(email: string, options: Parameters<typeof seedMember>[2] = {}) {
  return seedMember(database.db, organization, { email, ...options });
}

function visitorAs(email: string, app = t.app): Promise<Visitor> {
  return signedInVisitor(app, organization, email, '/river');
}

async function lock(account: Account) {
  await database.db
    .update(accounts)
    .set({ lockedAt: t.clock.now(), failedSignIns: 5 })
    .where(eq(accounts.id, account.id));
}

async function stored(account: Account) {
  const [row] = await database.db.select().from(accounts).where(eq(accounts.id, account.id));
  return row!;
}

const validSettings = {
  name: 'Riverside Health CME',
  timeZone: 'America/Chicago',
  smsNumber: '+1 (555) 555-0199',
  degrees: 'MD\nDO\nRN\n',
  professions: 'Physician\nNurse',
  claimMinutesBefore: '15',
  claimMinutesAfter: '90',
  passwordPolicy: 'upper-lower-digit-special',
  lockoutThreshold: '7',
  renewalReminderDates: '11-01\n10-01',
  holidays: '2026-12-25\n2026-11-26',
  disclosureReminderDays: '5',
  disclosureLapseReminderDays: '7\n30\n14',
  accreditationStatement: 'Riverside Health is accredited by the ACCME.',
  creditDesignationStatement:
    'Riverside Health designates this live activity for 1.0 AMA PRA Category 1 Credit™.',
};

describe('organization settings', () => {
  test('an admin saves every setting, and running series years hear about the new reminder dates', async () => {
    await member('admin@example.org', { roles: ['admin'] });
    const admin = await visitorAs('admin@example.org');
    const page = await admin.get('/river/admin/settings');
    expect(page.status).toBe(200);
    expect(fieldValue(page.html, 'timeZone')).toBe('America/New_York');
    // The seeds' 8–16 preset stays, but the page says which policy is stronger.
    expect(page.html).toContain(STRONGER_DEFAULT);

    const saved = await admin.post('/river/admin/settings', validSettings);
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('The settings were saved.');
    const [row] = await database.db.select().from(organizations).where(eq(organizations.id, organization.id));
    expect(row).toMatchObject({
      code: 'river',
      name: 'Riverside Health CME',
      timeZone: 'America/Chicago',
      smsNumber: '+15555550199',
      degrees: ['MD', 'DO', 'RN'],
      professions: ['Physician', 'Nurse'],
      claimMinutesBefore: 15,
      claimMinutesAfter: 90,
      passwordPolicy: 'upper-lower-digit-special',
      mfaRequiredForStaff: false,
      lockoutThreshold: 7,
      renewalReminderDates: ['10-01', '11-01'],
      holidays: ['2026-11-26', '2026-12-25'],
      disclosureReminderDays: 5,
      disclosureLapseReminderDays: [30, 14, 7],
      accreditationStatement: validSettings.accreditationStatement,
      creditDesignationStatement: validSettings.creditDesignationStatement,
    });
    expect(t.seriesYear.calls).toEqual([
      {
        call: 'organizationPolicyChanged',
        args: [organization.id, { timeZone: 'America/Chicago', reminderDates: ['10-01', '11-01'] }],
      },
    ]);
    // Running disclosure chases and disclosure years follow the new reminder settings.
    await t.background.idle();
    expect(t.disclosures.calls).toEqual([
      { call: 'policyChanged', args: [organization.id, { reminderDays: 5, lapseReminderDays: [30, 14, 7] }] },
    ]);

    // Saved again with the same dates (in another order): nothing for the series years to re-plan.
    await admin.post('/river/admin/settings', { ...validSettings, renewalReminderDates: '10-01\n11-01' });
    expect(t.seriesYear.calls).toHaveLength(1);
    await t.background.idle();
    expect(t.disclosures.calls).toHaveLength(1);

    // A new zone moves every running year's end to Dec 31 in that zone: they re-plan.
    await admin.post('/river/admin/settings', { ...validSettings, timeZone: 'America/Denver' });
    expect(t.seriesYear.calls.at(-1)).toEqual({
      call: 'organizationPolicyChanged',
      args: [organization.id, { timeZone: 'America/Denver', reminderDates: ['10-01', '11-01'] }],
    });
  });

  test('the Twilio auth token is write-only, goes with its account SID, and a number has one organization', async () => {
    await member('admin@example.org', { roles: ['admin'] });
    const admin = await visitorAs('admin@example.org');
    await admin.get('/river/admin/settings');
    const sid = `AC${'4'.repeat(32)}`;
    const token = '0123456789abcdef0123456789abcdef';
    const missingToken = await admin.post('/river/admin/settings', {
      ...validSettings,
      twilioAccountSid: sid,
    });
    expect(missingToken.status).toBe(400);
    expect(fieldError(missingToken.html, 'twilioAuthToken')).toBe(
      'Enter the Auth Token of this Twilio account.',
    );

    const saved = await admin.post('/river/admin/settings', {
      ...validSettings,
      twilioAccountSid: sid,
      twilioAuthToken: token,
    });
    expect(saved.status).toBe(200);
    expect(saved.html).not.toContain(token);
    expect((await admin.get('/river/admin/settings')).html).not.toContain(token);
    // Saved again without it: the token stays.
    await admin.post('/river/admin/settings', { ...validSettings, twilioAccountSid: sid });
    const [kept] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, organization.id));
    expect(kept).toMatchObject({ twilioAccountSid: sid, twilioAuthToken: token });
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'settings_changed'));
    expect(JSON.stringify(audited?.detail)).not.toContain('twilioAuthToken');

    // Another organization may not take the same number.
    await seedOrganization(database.db, { code: 'lake', smsNumber: '+15555550123' });
    const taken = await admin.post('/river/admin/settings', { ...validSettings, smsNumber: '+15555550123' });
    expect(taken.status).toBe(400);
    expect(fieldError(taken.html, 'smsNumber')).toBe(
      'Another organization on this installation texts from that number. Each needs its own.',
    );

    // No account SID: the token is forgotten.
    await admin.post('/river/admin/settings', validSettings);
    const [cleared] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, organization.id));
    expect(cleared).toMatchObject({ twilioAccountSid: null, twilioAuthToken: null });
  });

  test('invalid settings are refused field by field, keep what was typed, and change nothing', async () => {
    await member('admin@example.org', { roles: ['admin'] });
    const admin = await visitorAs('admin@example.org');
    const answer = await admin.post('/river/admin/settings', {
      ...validSettings,
      timeZone: 'Mars/Olympus_Mons',
      smsNumber: 'front desk',
      degrees: '   ',
      claimMinutesBefore: '-5',
      lockoutThreshold: '25',
      renewalReminderDates: '10-01\n13-01',
      holidays: '2026-02-30',
    });
    expect(answer.status).toBe(400);
    const html = answer.html;
    expect(fieldError(html, 'timeZone')).toBe('Choose a time zone from the list.');
    expect(fieldError(html, 'smsNumber')).toBe('Enter the SMS number in E.164 form, like +15555550100.');
    expect(fieldError(html, 'degrees')).toBe('Degrees: enter at least one, one per line.');
    expect(fieldError(html, 'claimMinutesBefore')).toBe(
      'Minutes before start must be a whole number of minutes, 0 or more.',
    );
    expect(fieldError(html, 'lockoutThreshold')).toBe(
      'Lockout threshold must be a whole number from 1 to 20.',
    );
    expect(fieldError(html, 'renewalReminderDates')).toMatch(/^“13-01” is not a month and day written MM-DD/);
    expect(fieldError(html, 'holidays')).toMatch(/^“2026-02-30” is not a date written YYYY-MM-DD/);
    expect(fieldError(html, 'name')).toBeUndefined();
    expect(fieldValue(html, 'smsNumber')).toBe('front desk');
    expect(fieldValue(html, 'renewalReminderDates')).toBe('10-01\n13-01');

    const [row] = await database.db.select().from(organizations).where(eq(organizations.id, organization.id));
    expect(row?.name).toBe(organization.name);
    expect(t.seriesYear.calls).toHaveLength(0);
  });

  test('only an admin reaches the settings', async () => {
    await member('reviewer@example.org', { roles: ['reviewer'] });
    const reviewer = await visitorAs('reviewer@example.org');
    expect((await reviewer.get('/river/admin/settings')).status).toBe(403);
    expect((await reviewer.post('/river/admin/settings', validSettings)).status).toBe(403);
  });
});

describe('accounts and unlocking', () => {
  test('a locked account is visibly marked, and a reviewer unlocks it with htmx', async () => {
    const ann = await member('ann@example.org');
    await lock(ann);
    await member('reviewer@example.org', { roles: ['reviewer'] });
    const reviewer = await visitorAs('reviewer@example.org');

    const list = await reviewer.get('/river/admin/accounts');
    expect(list.status).toBe(200);
    const row = new RegExp(`<tr id="account-${ann.id}"[\\s\\S]*?</tr>`).exec(list.html)?.[0] ?? '';
    expect(row).toContain('Locked');
    expect(row).toContain(`hx-post="/river/admin/accounts/${ann.id}/unlock"`);

    const fragment = await reviewer.post(`/river/admin/accounts/${ann.id}/unlock`, {}, { htmx: true });
    expect(fragment.status).toBe(200);
    expect(fragment.html.startsWith(`<tr id="account-${ann.id}"`)).toBe(true);
    expect(fragment.html).not.toContain('Locked');
    expect(await stored(ann)).toMatchObject({ lockedAt: null, failedSignIns: 0 });
    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).status).toBe(303);
  });

  test('without JavaScript the unlock button is a plain form that comes back to the list', async () => {
    const ann = await member('ann@example.org');
    await lock(ann);
    await member('admin@example.org', { roles: ['admin'] });
    const admin = await visitorAs('admin@example.org');
    const answer = await admin.post(`/river/admin/accounts/${ann.id}/unlock`);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/river/admin/accounts');
    expect((await admin.follow(answer)).html).toContain('The account was unlocked');
    expect((await stored(ann)).lockedAt).toBeNull();
  });

  test('the accounts list finds people by name or email and can show only locked accounts', async () => {
    const ann = await member('ann@example.org', { firstName: 'Ann', lastName: 'Lee' });
    await member('bob@example.org', { firstName: 'Bob', lastName: 'Stone' });
    await lock(ann);
    await member('reviewer@example.org', { roles: ['reviewer'], firstName: 'Rae', lastName: 'Viewer' });
    const reviewer = await visitorAs('reviewer@example.org');
    const byName = await reviewer.get('/river/admin/accounts?search=stone');
    expect(byName.html).toContain('bob@example.org');
    expect(byName.html).not.toContain('ann@example.org');
    const byEmail = await reviewer.get('/river/admin/accounts?search=ANN%40example');
    expect(byEmail.html).toContain('ann@example.org');
    expect(byEmail.html).not.toContain('bob@example.org');
    const wildcard = await reviewer.get('/river/admin/accounts?search=%25');
    expect(wildcard.html).not.toContain('ann@example.org');
    expect(textOf(wildcard.html)).toContain('No accounts match “%”.');
    expect(wildcard.html).not.toContain('<table');
    expect(textOf(wildcard.html)).not.toContain('(optional)');
    const locked = await reviewer.get('/river/admin/accounts?locked=1');
    expect(locked.html).toContain('ann@example.org');
    expect(locked.html).not.toContain('bob@example.org');
  });

  test('a learner cannot see the accounts or unlock anyone', async () => {
    const ann = await member('ann@example.org');
    await lock(ann);
    await member('learner@example.org');
    const learner = await visitorAs('learner@example.org');
    expect((await learner.get('/river/admin/accounts')).status).toBe(403);
    const refused = await learner.post(`/river/admin/accounts/${ann.id}/unlock`);
    expect(refused.status).toBe(403);
    expect(alerts(refused.html)).toEqual([ERRORS.forbidden.message]);
    expect((await stored(ann)).lockedAt).not.toBeNull();
  });

  test('staff cannot unlock an account of another organization', async () => {
    const lake = await seedOrganization(database.db, { code: 'lake' });
    const stranger = await seedMember(database.db, lake, { email: 'stranger@example.org' });
    await lock(stranger);
    await member('admin@example.org', { roles: ['admin'] });
    const admin = await visitorAs('admin@example.org');
    expect((await admin.post(`/river/admin/accounts/${stranger.id}/unlock`)).status).toBe(404);
    expect((await stored(stranger)).lockedAt).not.toBeNull();
  });

  test('only an admin changes roles, and an admin cannot drop their own admin role', async () => {
    const ann = await member('ann@example.org');
    await member('reviewer@example.org', { roles: ['reviewer'] });
    const adminAccount = await member('admin@example.org', { roles: ['admin'] });

    const reviewer = await visitorAs('reviewer@example.org');
    expect((await reviewer.post(`/river/admin/accounts/${ann.id}/roles`, { roles: ['admin'] })).status).toBe(
      403,
    );

    const admin = await visitorAs('admin@example.org');
    const fragment = await admin.post(
      `/river/admin/accounts/${ann.id}/roles`,
      { roles: ['learner', 'faculty', 'reviewer'] },
      { htmx: true },
    );
    expect(fragment.status).toBe(200);
    expect(fragment.html).toContain('Roles saved.');
    const roles = await database.db.select().from(accountRoles).where(eq(accountRoles.accountId, ann.id));
    expect(roles.map((r) => r.role).sort()).toEqual(['faculty', 'learner', 'reviewer']);
    // Series roles are not account roles: the form refuses them.
    const seriesRole = await admin.post(
      `/river/admin/accounts/${ann.id}/roles`,
      { roles: ['coordinator'] },
      { htmx: true },
    );
    expect(seriesRole.status).toBe(400);

    const self = await admin.post(`/river/admin/accounts/${adminAccount.id}/roles`, { roles: ['reviewer'] });
    expect(self.status).toBe(400);
    const own = await database.db
      .select()
      .from(accountRoles)
      .where(eq(accountRoles.accountId, adminAccount.id));
    expect(own.map((r) => r.role)).toEqual(['admin']);
  });
});

describe('the development outbox', () => {
  test('shows recorded mail newest first, and the reset link in it can be followed', async () => {
    await member('admin@example.org', { roles: ['admin'] });
    await member('ann@example.org');
    await member('bob@example.org');
    for (const email of ['ann@example.org', 'bob@example.org']) {
      const visitor = new Visitor(t.app);
      await visitor.get('/river/forgot-password');
      await visitor.post('/river/forgot-password', { email });
      await t.background.idle();
      t.clock.advance(1);
    }
    const admin = await visitorAs('admin@example.org');
    const outbox = await admin.get('/river/admin/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.html.indexOf('bob@example.org')).toBeLessThan(outbox.html.indexOf('ann@example.org'));

    const messageLinks = [...outbox.html.matchAll(/href="(\/river\/admin\/outbox\/[0-9a-f-]{36})"/g)].map(
      (m) => m[1]!,
    );
    expect(messageLinks).toHaveLength(2);
    const message = await admin.get(messageLinks[1]!);
    expect(message.html).toContain('ann@example.org');
    const href = /<a href="(http:\/\/localhost:3000\/river\/reset-password\?token=[^"]+)"/.exec(
      message.html,
    )?.[1];
    expect(href).toBeDefined();
    const url = new URL(href!);
    const form = await new Visitor(t.app).get(url.pathname + url.search);
    expect(form.status).toBe(200);
    expect(form.html).toContain('New password');
  });

  test('there is no outbox in production', async () => {
    await member('admin@example.org', { roles: ['admin'] });
    const production = createTestApp(database, {
      env: { NODE_ENV: 'production', PUBLIC_URL: 'https://cme.example.org' },
    });
    const admin = await visitorAs('admin@example.org', production.app);
    expect((await admin.get('/river/admin/outbox')).status).toBe(404);
  });

  test('a learner cannot read the outbox', async () => {
    await member('ann@example.org');
    const learner = await visitorAs('ann@example.org');
    expect((await learner.get('/river/admin/outbox')).status).toBe(403);
  });
});

describe('profile', () => {
  test('a learner keeps their names, degree, profession, specialties, mobile, NPI and board ID', async () => {
    const ann = await member('ann@example.org');
    const visitor = await visitorAs('ann@example.org');
    await visitor.get('/river/profile');
    const saved = await visitor.post('/river/profile', {
      firstName: 'Ann',
      lastName: 'Lee-Park',
      degree: 'DO',
      profession: 'Physician',
      specialties: 'Cardiology, Internal Medicine',
      mobile: '(555) 123-4567',
      npi: '1234567893',
      boardId: 'ABIM-123456',
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Your profile was saved.');
    expect(await stored(ann)).toMatchObject({
      lastName: 'Lee-Park',
      degree: 'DO',
      specialties: ['Cardiology', 'Internal Medicine'],
      mobile: '+15551234567',
      npi: '1234567893',
      boardId: 'ABIM-123456',
    });
  });

  test('an NPI with a wrong check digit is refused and the typed value kept', async () => {
    const ann = await member('ann@example.org');
    const visitor = await visitorAs('ann@example.org');
    await visitor.get('/river/profile');
    const refused = await visitor.post('/river/profile', {
      firstName: 'Ann',
      lastName: 'Lee',
      degree: 'MD',
      profession: 'Physician',
      npi: '1234567890',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'npi')).toBe('That is not a valid NPI: its check digit does not match.');
    expect(fieldValue(refused.html, 'npi')).toBe('1234567890');
    expect((await stored(ann)).npi).toBeNull();
  });
});
