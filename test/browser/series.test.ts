import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, countPageLoads, signIn } from '../support/browser';

const suite = browserSuite();

/** Opens a series from the Series page of the main navigation, and returns its year as the page shows it. */
async function openSeries(page: Page, name: string): Promise<number> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  const heading = await page
    .getByRole('heading', { level: 1, name: new RegExp(`^${name} \\d{4}$`) })
    .innerText();
  return Number(heading.slice(name.length + 1));
}

/** The series' status panel, a region named by its "Status" heading. */
function statusPanel(page: Page) {
  return page.getByRole('region', { name: /^Status/ });
}

describe('series in the browser', () => {
  it('a reviewer approves a series awaiting review and its status panel shows the year and its next renewal reminder, also after a reload', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('reviewer'), DEMO_PASSWORD);
    const year = await openSeries(page, 'Cardiology Case Conference');
    const panel = statusPanel(page);
    expect(await panel.innerText()).toContain(`Awaiting review for ${year}.`);

    const loads = await countPageLoads(page);
    await panel.getByRole('button', { name: `Approve for ${year}` }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: `Approved. It becomes active on Jan 1, ${year};` })
      .waitFor();
    expect(loads()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(
      'Approved. It becomes active',
    );

    const approved = await panel.innerText();
    expect(approved).toMatch(/^Status Approved/);
    expect(approved).toContain(`Approved for ${year}: active through Dec 31, ${year}, 11:59 PM EST.`);
    // Read from the running workflow: the first of the organization's fall reminder dates that year.
    expect(approved).toMatch(new RegExp(`Next renewal reminder\\s+\\w{3} \\d{1,2}, ${year}`));
    expect(await panel.getByRole('button', { name: `Approve for ${year}` }).count()).toBe(0);

    await page.reload();
    const reloaded = await statusPanel(page).innerText();
    expect(reloaded).toMatch(/^Status Approved/);
    expect(reloaded).toContain(`Approved for ${year}: active through Dec 31, ${year}`);
    expect(reloaded).toMatch(new RegExp(`Next renewal reminder\\s+\\w{3} \\d{1,2}, ${year}`));
    expect(await page.getByRole('button', { name: `Approve for ${year}` }).count()).toBe(0);
  });

  it('a coordinator requests renewal and sees next year’s draft awaiting review, linked from this year’s series, and a second request changes nothing', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('coordinator'), DEMO_PASSWORD);
    const year = await openSeries(page, 'Medicine Grand Rounds');
    const next = year + 1;
    // The same page left open in another tab, from before the renewal.
    const staleTab = await page.context().newPage();
    await staleTab.goto(page.url());

    await statusPanel(page)
      .getByRole('button', { name: `Request renewal for ${next}` })
      .click();
    await page
      .getByRole('heading', { level: 1, name: `Medicine Grand Rounds ${next}`, exact: true })
      .waitFor();
    expect(await page.getByRole('status').first().innerText()).toBe(
      'Renewal requested. This draft for next year now awaits review.',
    );
    const draft = await statusPanel(page).innerText();
    expect(draft).toMatch(/^Status Awaiting review/);
    expect(draft).toContain(`Awaiting review for ${next}.`);

    await page.getByRole('link', { name: `Medicine Grand Rounds ${year}` }).click();
    await page
      .getByRole('heading', { level: 1, name: `Medicine Grand Rounds ${year}`, exact: true })
      .waitFor();
    const original = statusPanel(page);
    expect(await original.innerText()).toContain(
      `Renewal for ${next}: Medicine Grand Rounds Awaiting review`,
    );
    expect(await original.getByRole('button', { name: /^Request renewal/ }).count()).toBe(0);
    await original.getByRole('link', { name: 'Medicine Grand Rounds' }).click();
    await page
      .getByRole('heading', { level: 1, name: `Medicine Grand Rounds ${next}`, exact: true })
      .waitFor();

    const stalePanel = statusPanel(staleTab);
    await stalePanel.getByRole('button', { name: `Request renewal for ${next}` }).click();
    await stalePanel
      .getByRole('alert')
      .filter({ hasText: 'A renewal for this series was already requested; nothing changed.' })
      .waitFor();
    expect(await stalePanel.innerText()).toContain(`Renewal for ${next}: Medicine Grand Rounds`);

    // Still one renewal: the coordinator's list shows one draft for next year above this year's series.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your series', exact: true }).waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'Medicine Grand Rounds' });
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^Medicine Grand Rounds\\s+${next}\\s+Awaiting review`)),
      expect.stringMatching(new RegExp(`^Medicine Grand Rounds\\s+${year}\\s+Approved`)),
    ]);
  });
});
