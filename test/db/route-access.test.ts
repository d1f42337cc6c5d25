import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type Organization, seriesRoles, sessionFaculty, sessions } from '../../db/schema';
import { seedMember, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { RESERVED_ORGANIZATION_CODES } from '../../server/identifiers';
import { createTestApp } from '../support/test-app';

/**
 * The routes a signed-out visitor may use. Everything else must refuse them; adding a public route
 * means adding it here, on purpose.
 */
const PUBLIC_ROUTES = new Set([
  'GET /',
  'GET /healthz',
  'GET /favicon.ico',
  'GET /assets/:name',
  // Certificate verification, for anyone shown a certificate (throttled per address).
  'GET /verify',
  'GET /verify/:serial',
  'GET /:org',
  'GET /:org/sign-up',
  'POST /:org/sign-up',
  'GET /:org/sign-in',
  'POST /:org/sign-in',
  'GET /:org/sign-in/code',
  'GET /:org/sso/start',
  'GET /:org/sso/callback',
  'POST /:org/sign-in/code',
  'POST /:org/sign-out',
  'GET /:org/forgot-password',
  'POST /:org/forgot-password',
  'GET /:org/reset-password',
  'POST /:org/reset-password',
  'GET /:org/confirm-email',
  'POST /:org/confirm-email',
  'GET /:org/unlock',
  'POST /:org/unlock',
  'GET /:org/pair-phone',
  'POST /:org/pair-phone',
  // The development phone: outside production only (test/db/phone-page.test.ts tries production).
  'GET /:org/phone',
  'POST /:org/phone',
]);

/** Reachable signed out, but only with a signature: Twilio's webhook refuses anyone else with 403. */
const SIGNED_ROUTES = new Set(['POST /webhooks/twilio/sms']);

let database: TestDatabase;
let organization: Organization;
beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river' });
});
afterEach(async () => {
  await database.drop();
});

function concrete(path: string): string {
  return path
    .replace(':org', 'river')
    .replace(':name', 'rounds.css')
    .replace(/:id\b/g, randomUUID())
    .replace(/:\w+/g, 'x');
}

test('every route refuses a signed-out visitor, except the public ones', async () => {
  const { app } = createTestApp(database);
  const routes = [
    ...new Set(
      app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`),
    ),
  ];
  expect(routes.length).toBeGreaterThan(PUBLIC_ROUTES.size);
  for (const name of PUBLIC_ROUTES) expect(routes, `${name} is no longer a route`).toContain(name);

  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    const visitor = new Visitor(app);
    await visitor.get('/river/sign-in'); // a valid CSRF token, so only the access rule can refuse
    const answer = method === 'GET' ? await visitor.get(concrete(path)) : await visitor.post(concrete(path));
    const refused =
      answer.status === 401 ||
      (answer.status === 303 && (answer.location ?? '').startsWith('/river/sign-in?next='));
    if (SIGNED_ROUTES.has(route)) {
      expect(answer.status, `${route} answered an unsigned request`).toBe(403);
    } else if (PUBLIC_ROUTES.has(route)) {
      expect(refused, `${route} is public but refused a signed-out visitor (${answer.status})`).toBe(false);
      expect(answer.status, route).not.toBe(403);
    } else {
      expect(refused, `${route} answered ${answer.status} to a signed-out visitor`).toBe(true);
    }
  }
});

test("the app's own top-level paths are all reserved, so no organization code can shadow one", () => {
  const { app } = createTestApp(database);
  const topLevel = new Set(
    app.routes
      .map((route) => route.path.split('/')[1] ?? '')
      .filter((segment) => segment !== '' && !segment.startsWith(':') && segment !== '*'),
  );
  expect([...topLevel].sort()).toEqual(['assets', 'favicon.ico', 'healthz', 'verify', 'webhooks']);
  for (const segment of topLevel) expect(RESERVED_ORGANIZATION_CODES.has(segment), segment).toBe(true);
});

test('a learner is refused every admin page', async () => {
  const { app } = createTestApp(database);
  await seedMember(database.db, organization, { email: 'ann@example.org' });
  const learner = new Visitor(app);
  await signIn(learner, organization, 'ann@example.org');
  await learner.get('/river');

  const adminRoutes = app.routes.filter(
    (route) => route.method !== 'ALL' && route.path.startsWith('/:org/admin'),
  );
  expect(adminRoutes.length).toBeGreaterThan(0);
  for (const route of adminRoutes) {
    const path = concrete(route.path);
    const answer = route.method === 'GET' ? await learner.get(path) : await learner.post(path);
    expect(answer.status, `${route.method} ${route.path}`).toBe(403);
  }
});

/** What an owner may post about their series: asking for its renewal, and talking about a session. */
const OWNER_MAY_POST = new Set([
  'POST /:org/series/:id/renew',
  'POST /:org/dashboard/sessions/:sessionId/comments',
  'POST /:org/sessions/:sessionId/email',
]);

test('a learner and an owner are refused every change to a series, its sessions, faculty, presentations and reviews', async () => {
  const { app } = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z') });
  const owner = await seedMember(database.db, organization, { email: 'olga@example.org' });
  await seedMember(database.db, organization, { email: 'ann@example.org' });
  const speaker = await seedMember(database.db, organization, {
    email: 'dan@example.org',
    roles: ['faculty'],
  });
  const grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: owner.id, role: 'owner' });
  const session = await seedSession(database.db, grandRounds, {
    name: 'Sepsis bundles',
    startsAt: new Date('2026-12-08T17:00:00Z'),
  });
  await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: speaker.id });
  const before = await database.db.select().from(sessions);

  const changes = [
    ...new Set(
      app.routes
        .filter((route) => route.method === 'POST')
        .map((route) => route.path)
        .filter((path) => /:sessionId|\/series\/|\/review\//.test(path)),
    ),
  ];
  expect(changes.length).toBeGreaterThan(15);
  const path = (route: string) =>
    route
      .replace(':org', 'river')
      .replace(':sessionId', session.id)
      .replace(':id', grandRounds.id)
      .replace(':accountId', speaker.id)
      .replace(/:\w+/g, randomUUID());

  for (const email of ['ann@example.org', 'olga@example.org']) {
    const visitor = new Visitor(app);
    expect((await signIn(visitor, organization, email)).status).toBe(303);
    await visitor.get('/river');
    for (const route of changes) {
      if (email === 'olga@example.org' && OWNER_MAY_POST.has(`POST ${route}`)) continue;
      const answer = await visitor.post(path(route));
      expect(answer.status, `${email}: POST ${route}`).toBe(403);
    }
  }
  expect(await database.db.select().from(sessions)).toEqual(before);
  expect(await database.db.select().from(sessionFaculty)).toHaveLength(1);
});
