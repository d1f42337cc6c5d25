import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import { seriesRoles } from '../../db/schema';
import { ensureStandardEvaluation } from '../../server/evaluation-forms';
import { holdIdleConnections } from '../../server/runtime';
import { MEMBER_PASSWORD, seedMember } from '../support/accounts';
import { browserSuite, signIn, submit } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp } from '../support/test-app';

// A lapsed credit takes a month to happen: the app is served in process over a test database, on
// a clock the test sets. Every page is still checked with axe at 1280 and 390 pixels.
let database: TestDatabase | undefined;
const place = { organization: '', attendance: '', coordinator: 'cora@riverside.test' };

const suite = browserSuite({
  async start() {
    database = await createTestDatabase();
    const organization = await seedOrganization(database.db, { name: 'Riverside Health' });
    const series = await seedSeries(database.db, organization, {
      name: 'Medicine Grand Rounds',
      evaluationFormId: await ensureStandardEvaluation(database.db, organization.id),
      status: 'approved',
    });
    const session = await seedApprovedSession(database.db, series, {
      name: 'Sepsis update',
      startsAt: new Date('2026-03-03T17:00:00Z'),
      endsAt: new Date('2026-03-03T18:00:00Z'),
    });
    const coordinator = await seedMember(database.db, organization, { email: place.coordinator });
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: series.id, accountId: coordinator.id, role: 'coordinator' });
    const t = createTestApp(database, { now: new Date('2026-03-03T18:05:00Z') });
    const ann = await seedMember(database.db, organization, {
      email: 'ann@riverside.test',
      firstName: 'Ann',
      lastName: 'Lee',
    });
    const claim = await seedClaim(database.db, session, ann, { claimedAt: t.clock.now() });
    const credit = createCreditActivities({
      db: database.db,
      clock: t.clock,
      mailer: t.mailer,
      publicUrl: t.config.publicUrl,
    });
    await credit.openCreditRequirements({ claimId: claim.id });
    // A month on, the evaluation was never done: the lifecycle lapses the credit at its due date.
    t.clock.set(new Date('2026-04-03T12:00:00Z'));
    await credit.closeRequirements({ claimId: claim.id, at: t.clock.now().toISOString() });
    place.organization = organization.code;
    place.attendance = `/${organization.code}/sessions/${session.id}/attendance`;

    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    holdIdleConnections(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      async stop() {
        await new Promise((done) => {
          server.close(done);
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await database?.drop();
      },
    };
  },
});

describe('reopening a lapsed credit', () => {
  it('a coordinator on a phone reopens it by keyboard to a day they choose; a day already past is refused and kept', async () => {
    const coordinator = await suite.visitor();
    await coordinator.setViewportSize({ width: 390, height: 844 });
    await signIn(coordinator, place.coordinator, MEMBER_PASSWORD, place.organization);
    await coordinator.goto(place.attendance);
    const row = coordinator.getByRole('row').filter({ hasText: 'ann@riverside.test' });
    expect(await row.innerText()).toContain(
      'Lapsed: the evaluation was not done by Apr 2, 2026, 1:00 PM EDT',
    );

    // Folded until asked for; opened from the keyboard, it offers two weeks from today.
    const due = coordinator.getByLabel('Due by the end of (for Ann Lee)');
    expect(await due.isVisible()).toBe(false);
    await coordinator.getByText('Reopen the credit of Ann Lee').focus();
    await coordinator.keyboard.press('Enter');
    expect(await due.inputValue()).toBe('2026-04-17');

    await due.fill('2026-04-02');
    await submit(coordinator, 'Reopen for Ann Lee');
    expect(await coordinator.getByRole('alert').innerText()).toBe('Choose a day after today.');
    expect(await due.inputValue()).toBe('2026-04-02');

    await due.fill('2026-04-24');
    await due.press('Enter');
    await expect
      .poll(() => coordinator.getByRole('status').first().innerText())
      .toContain('Reopened: Ann Lee has until Apr 24, 2026, 11:59 PM EDT and has been emailed.');
    expect(await row.innerText()).toContain('Waiting for the evaluation, due Apr 24, 2026, 11:59 PM EDT');
  });
});
