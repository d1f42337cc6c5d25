import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { addDays, localDate, weekdayOf } from '../../workflows/calendar';
import { browserSuite, signIn, submit } from '../support/browser';

const suite = browserSuite();

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

describe('sessions in the browser', () => {
  it('a coordinator adds a weekly series of sessions, renames this and the following one, moves one on the calendar and deactivates one', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('coordinator'), DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
    await page.getByRole('link', { name: 'Tumor Board', exact: true }).click();
    const heading = await page.getByRole('heading', { level: 1 }).innerText();
    const year = Number(heading.slice(-4));
    // Two days ahead in the demo's zone, or the series' first week when its year is still to come.
    const soon = addDays(localDate(new Date(), 'America/New_York'), 2);
    const first = soon.startsWith(String(year)) ? soon : `${year}-01-05`;

    await page.getByRole('link', { name: 'Add sessions' }).click();
    await page.getByLabel('Name (the topic)').fill('Immunotherapy toxicities');
    await page.getByLabel('Date', { exact: true }).fill(first);
    await page.getByLabel('Location').fill('Cancer Center, Room 2');
    await page.getByRole('radio', { name: 'Weekly' }).check();
    await page.getByRole('checkbox', { name: WEEKDAYS[weekdayOf(first)], exact: true }).check();
    await page.getByRole('radio', { name: 'After a number of sessions' }).check();
    await page.getByLabel('Number of sessions', { exact: true }).fill('3');
    await submit(page, 'Add sessions');
    expect(await page.getByRole('status').first().innerText()).toBe('3 sessions added.');
    const listed = page.getByRole('region', { name: 'Sessions' }).getByRole('link', {
      name: 'Immunotherapy toxicities',
    });
    expect(await listed.count()).toBe(3);

    await listed.nth(1).click();
    await page.getByRole('link', { name: 'Edit session' }).click();
    await page.getByRole('radio', { name: 'This and the 1 following session of its recurrence' }).check();
    await page.getByLabel('Name (the topic)').fill('Checkpoint inhibitor colitis');
    await submit(page, 'Save session');
    expect(await page.getByRole('status').first().innerText()).toBe('Saved: this session and 1 following.');
    expect(await page.getByRole('region', { name: 'History' }).innerText()).toContain(
      'Name: Immunotherapy toxicities → Checkpoint inhibitor colitis',
    );

    await page.getByRole('link', { name: 'Move on the calendar' }).click();
    const moveTo = addDays(first, 1);
    await page.getByLabel('Move “Immunotherapy toxicities” to').fill(moveTo);
    await page.getByLabel('Move “Immunotherapy toxicities” to').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Moved “Immunotherapy toxicities” to' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Moved');

    await page.getByRole('link', { name: 'Immunotherapy toxicities' }).click();
    await page.getByRole('link', { name: 'Deactivate' }).click();
    await submit(page, 'Deactivate session');
    expect(await page.getByRole('status').first().innerText()).toBe(
      'Deactivated. The session is kept for the record.',
    );
    await page.getByRole('link', { name: `Tumor Board ${year}` }).click();
    expect(await page.getByRole('region', { name: 'Sessions' }).innerText()).toContain(
      'Show 1 deactivated session',
    );
  });
});
