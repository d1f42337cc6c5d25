import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountRoles, organizations } from '../../db/schema';
import { signIn } from '../support/accounts';
import { type PostgresTestDatabase, createTestDatabase } from '../support/database';
import { Visitor } from '../support/http';
import { createTestApp } from '../support/test-app';

const ROOT = new URL('../../', import.meta.url).pathname;
let database: PostgresTestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

/** Runs `npm run organization:create -- …` the way an installer would, against the test database. */
function createOrganization(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('npm', ['run', '-s', 'organization:create', '--', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: database.url,
        NODE_ENV: 'development',
      },
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const riverside = [
  '--code',
  'Riverside',
  '--name',
  'Riverside Medical Center',
  '--time-zone',
  'America/Chicago',
  '--admin-email',
  'cme@riverside.org',
  '--admin-first-name',
  'Ann',
  '--admin-last-name',
  'Lee',
];

describe('npm run organization:create', () => {
  it('sets up an office with default policies and an admin who chooses a password through the printed link', async () => {
    const { code, output } = await createOrganization(riverside);
    expect(code, output).toBe(0);
    expect(output).toContain('Created Riverside Medical Center (organization code riverside)');

    const [organization] = await database.db.select().from(organizations);
    expect(organization).toMatchObject({
      code: 'riverside',
      timeZone: 'America/Chicago',
      passwordPolicy: 'asvs',
      lockoutThreshold: 5,
      renewalReminderDates: ['09-15', '10-15', '11-15'],
    });
    expect(organization!.degrees).toContain('MD');

    const link = /(\/riverside\/reset-password\?token=[\w-]+)/.exec(output)?.[1];
    expect(link).toBeDefined();
    const t = createTestApp(database, { now: new Date() });
    const visitor = new Visitor(t.app);
    await visitor.get(link!);
    const token = new URL(link!, 'http://x').searchParams.get('token')!;
    const done = await visitor.post('/riverside/reset-password', {
      token,
      password: 'grand rounds every tuesday',
      confirmPassword: 'grand rounds every tuesday',
    });
    expect(done.status).toBe(303);

    const admin = new Visitor(t.app);
    await signIn(admin, organization!, 'cme@riverside.org', 'grand rounds every tuesday');
    expect((await admin.get('/riverside/admin/settings')).status).toBe(200);
    const roles = await database.db.select({ role: accountRoles.role }).from(accountRoles);
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'reviewer']);
  });

  it('refuses a taken code or a bad option, naming it, and creates nothing', async () => {
    expect((await createOrganization(riverside)).code).toBe(0);
    const taken = await createOrganization(riverside);
    expect(taken.code).toBe(1);
    expect(taken.output).toContain('An organization with code "riverside" already exists.');

    const badZone = await createOrganization([
      ...riverside.slice(0, 1),
      'lakeside',
      ...riverside.slice(2, 5),
      'Chicago',
      ...riverside.slice(6),
    ]);
    expect(badZone.code).toBe(1);
    expect(badZone.output).toMatch(/time-zone: expected an IANA time zone/);
    expect(await database.db.select().from(organizations).where(eq(organizations.code, 'lakeside'))).toEqual(
      [],
    );
  });

  it('refuses a code that is one of the names Rounds itself uses', async () => {
    const webhooks = await createOrganization(['--code', 'Webhooks', ...riverside.slice(2)]);
    expect(webhooks.code).toBe(1);
    expect(webhooks.output).toContain('code: "webhooks" is a name Rounds itself uses; choose another');
    expect(await database.db.select().from(organizations)).toEqual([]);
  });
});
