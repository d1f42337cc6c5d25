import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, countPageLoads, signIn, submit } from '../support/browser';

const suite = browserSuite();

describe('the RSS dashboard in the browser', () => {
  it('shows the demo in every status; a reviewer searches, comments and approves by keyboard, each row changing in place', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('reviewer'), DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const rows = page
      .getByRole('list')
      .filter({ has: page.locator('.dash-row') })
      .first();
    const everything = await rows.innerText();
    for (const status of ['APPROVED', 'PENDING', 'IN REVIEW', 'REJECTED', 'INCOMPLETE']) {
      expect(everything).toContain(status);
    }
    expect(everything).toContain('NO DISCLOSURE ON FILE');
    expect(everything).toContain('No faculty assigned.');
    expect(everything).toContain('The disclosure on file lapses before this session: a new one is needed.');

    // Search: PENDING sessions only.
    await page.getByLabel('Status').selectOption('pending');
    await submit(page, 'Search');
    const pending = page.getByRole('listitem', { name: 'Sepsis bundles in the emergency department' });
    expect(await pending.count()).toBe(1);
    expect(await page.locator('.dash-row').count()).toBe(1);

    // A comment, by keyboard: the row updates in place and focus stays in it.
    const loads = await countPageLoads(page);
    await pending.getByLabel('Add a comment on Sepsis bundles in the emergency department').focus();
    await page.keyboard.type('Dr. Romero confirmed the topic.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => pending.innerText()).toContain('Priya Shah');
    expect(await pending.innerText()).toContain('Dr. Romero confirmed the topic.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Comment posted.');

    // Approve, by keyboard, in the same row.
    await pending.getByRole('button', { name: 'Approve Sepsis bundles in the emergency department' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => pending.innerText()).toContain('APPROVED');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approved.');
    expect(loads()).toBe(0);
  });

  it('an owner sees their series’ sessions and cannot change one', async () => {
    const owner = await suite.visitor();
    await signIn(owner, demoEmail('owner'), DEMO_PASSWORD);
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const row = owner.getByRole('listitem', { name: 'Heart failure therapies' });
    expect(await row.innerText()).toContain('APPROVED');
    // The demo speaker's slides: the owner may download them, not replace or delete them.
    expect(await row.innerText()).toContain('Presentation: Heart failure therapies – Osei.pdf (PDF,');
    expect(await row.getByRole('link', { name: /^Replace or delete/ }).count()).toBe(0);
    expect(await row.getByRole('link', { name: 'Edit Heart failure therapies' }).count()).toBe(0);

    // Owners write to the series' people from the row: here, its owners and coordinators.
    await row.getByRole('link', { name: 'Email owners and coordinators of Heart failure therapies' }).click();
    expect(await owner.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Email the owners and coordinators',
    );
    await owner.getByLabel('Message').fill('Who introduces the speaker on the day?');
    await submit(owner, 'Send email');
    expect(await owner.getByRole('status').first().innerText()).toMatch(
      /^Email sent to \d+ (person|people)\.$/,
    );
  });
});
