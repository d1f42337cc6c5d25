import { readFile } from 'node:fs/promises';
import { PDFDocument } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { addDays, localDate, weekdayOf } from '../../workflows/calendar';
import type { Page } from 'playwright-core';
import { browserSuite, signIn, submit } from '../support/browser';

const suite = browserSuite();

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A date a few days ahead in the demo's zone, or the series' first week when its year is still to come. */
function soonIn(year: number, days: number): string {
  const soon = addDays(localDate(new Date(), 'America/New_York'), days);
  return soon.startsWith(String(year)) ? soon : `${year}-01-${String(4 + days).padStart(2, '0')}`;
}

/** Opens a demo series from the main navigation; returns its year. */
async function openSeries(page: Page, name: string): Promise<number> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  return Number((await page.getByRole('heading', { level: 1 }).innerText()).slice(-4));
}

/** The link in the newest mail to `to` with this subject, as an admin finds it in the outbox. */
async function linkFromOutbox(to: string, subject: string, link: RegExp): Promise<string> {
  const admin = await suite.visitor();
  await signIn(admin, demoEmail('admin'), DEMO_PASSWORD);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
  await admin.getByRole('row').filter({ hasText: to }).getByRole('link', { name: subject }).first().click();
  const href = await admin.getByRole('link', { name: link }).first().getAttribute('href');
  expect(href).toBeTruthy();
  // Mail links name PUBLIC_URL's host; the browser keeps to the address it started on.
  const url = new URL(href ?? '');
  return url.pathname + url.search;
}

describe('sessions in the browser', () => {
  it('a coordinator adds a weekly series of sessions, renames this and the following one, removes faculty added by mistake, moves one on the calendar and deactivates one', async () => {
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

    // Faculty added by mistake is removed again, after a confirmation.
    await page.getByRole('link', { name: 'Manage faculty' }).click();
    await page.getByLabel('Last name, First name').fill('Okafor');
    await page.getByLabel('Last name, First name').press('Enter');
    await page.getByRole('checkbox', { name: 'Request disclosure from Daniel Okafor?' }).uncheck();
    await submit(page, 'Add Daniel Okafor as faculty');
    expect(await page.getByRole('status').first().innerText()).toBe('Added as faculty.');
    await page.getByRole('link', { name: 'Remove Daniel Okafor' }).click();
    await submit(page, 'Remove Daniel Okafor');
    expect(await page.getByRole('status').first().innerText()).toBe('Removed from this session.');
    await page.getByRole('link', { name: 'Checkpoint inhibitor colitis', exact: true }).click();

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

  it('a coordinator assigns faculty with Request disclosure?, the faculty member discloses through the emailed link, and a reviewer mitigates and approves', async () => {
    const topic = 'Anticoagulation in atrial fibrillation';
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    const year = await openSeries(coordinator, 'Medicine Grand Rounds');
    await coordinator.getByRole('link', { name: 'Add sessions' }).click();
    await coordinator.getByLabel('Name (the topic)').fill(topic);
    await coordinator.getByLabel('Date', { exact: true }).fill(soonIn(year, 12));
    await submit(coordinator, 'Add sessions');
    await coordinator.getByRole('region', { name: 'Sessions' }).getByRole('link', { name: topic }).click();
    await coordinator.getByRole('link', { name: 'Manage faculty' }).click();
    await coordinator.getByLabel('Last name, First name').fill('Okafor, D');
    await coordinator.getByLabel('Last name, First name').press('Enter');
    const request = coordinator.getByRole('checkbox', { name: 'Request disclosure from Daniel Okafor?' });
    expect(await request.isChecked()).toBe(true);
    await submit(coordinator, 'Add Daniel Okafor as faculty');
    expect(await coordinator.getByRole('status').first().innerText()).toBe(
      'Added as faculty. A disclosure request was emailed.',
    );
    expect(await coordinator.getByRole('region', { name: /^Faculty/ }).innerText()).toContain(
      'NO DISCLOSURE ON FILE',
    );

    const disclosureLink = await linkFromOutbox(
      demoEmail('faculty'),
      `Please complete your disclosure for ${topic}`,
      /\/demo\/disclosure$/,
    );
    const faculty = await suite.visitor();
    await signIn(faculty, demoEmail('faculty'), DEMO_PASSWORD);
    await faculty
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My sessions' })
      .click();
    expect(await faculty.getByRole('main').innerText()).toContain(topic);
    await faculty.goto(disclosureLink);
    await faculty.getByRole('radio', { name: 'I have financial relationships to disclose' }).check();
    const first = faculty.getByRole('group', { name: 'Relationship 1' });
    await first.getByLabel('Company').fill('Acme Pharma');
    await first.getByLabel('Nature of the relationship').selectOption('consultant');
    await faculty.getByLabel('Type your full name').fill('Daniel Okafor');
    await faculty
      .getByRole('checkbox', { name: 'I attest that this disclosure is complete and accurate' })
      .check();
    await submit(faculty, 'Submit disclosure');
    expect(await faculty.getByRole('status').first().innerText()).toContain('your disclosure is on file');

    // The faculty member uploads their slides from the session's page, by keyboard.
    await faculty
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My sessions' })
      .click();
    await faculty.getByRole('link', { name: topic }).first().click();
    await faculty.getByRole('link', { name: 'Upload presentation for Daniel Okafor' }).click();
    const slides = await PDFDocument.create();
    slides.addPage().drawText(topic);
    const slideBytes = Buffer.from(await slides.save());
    await faculty.getByLabel('Presentation file').setInputFiles({
      name: 'Anticoagulation – Okafor.pdf',
      mimeType: 'application/pdf',
      buffer: slideBytes,
    });
    await faculty.getByLabel('Presentation file').focus();
    const uploaded = faculty.waitForEvent('load');
    await faculty.keyboard.press('Tab');
    await faculty.keyboard.press('Enter');
    await uploaded;
    expect(await faculty.getByRole('status').first().innerText()).toBe('Presentation uploaded.');

    const reviewer = await suite.visitor();
    await signIn(reviewer, demoEmail('reviewer'), DEMO_PASSWORD);
    await reviewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    await reviewer
      .getByRole('region', { name: /^Relationships awaiting review/ })
      .getByRole('link', { name: topic })
      .click();
    await reviewer.getByRole('radio', { name: 'Relevant, and mitigated' }).check();
    await reviewer
      .getByRole('checkbox', { name: 'Peer review of the content before it is presented' })
      .check();
    await reviewer.getByLabel('Rationale').fill('Slides peer reviewed; no product is named.');
    await reviewer.getByLabel('Your signature (full name)').fill('Priya Shah');
    await submit(reviewer, 'Save judgement');
    expect(await reviewer.getByRole('status').first().innerText()).toBe('Judgement saved.');
    await submit(reviewer, 'Approve session');
    expect(await reviewer.getByRole('status').first().innerText()).toBe(
      'Approved. Coordinators can now make its flyer.',
    );

    // A reviewer corrects the series' details; the change is in its history.
    await openSeries(reviewer, 'Medicine Grand Rounds');
    await reviewer.getByRole('link', { name: 'Edit details' }).click();
    await reviewer.getByLabel('Department').fill('Department of Internal Medicine');
    await submit(reviewer, 'Save details');
    expect(await reviewer.getByRole('status').first().innerText()).toBe(
      'Saved. The change is in the series’ history.',
    );
    expect(await reviewer.getByRole('region', { name: 'History' }).innerText()).toContain(
      'Department: Internal Medicine → Department of Internal Medicine',
    );

    // Back from Manage faculty to the session's page.
    await coordinator.getByRole('link', { name: topic, exact: true }).click();
    const status = await coordinator.getByRole('region', { name: /^Status/ }).innerText();
    expect(status).toContain('APPROVED');
    expect(await coordinator.getByRole('region', { name: /^Faculty/ }).innerText()).toContain(
      'Approved with exceptions',
    );
    // The coordinator downloads the slides as they were uploaded (kept in the embedded database).
    const downloading = coordinator.waitForEvent('download');
    await coordinator
      .getByRole('link', { name: 'Download Daniel Okafor’s presentation Anticoagulation – Okafor.pdf' })
      .click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Anticoagulation – Okafor.pdf');
    expect((await readFile(await download.path())).equals(slideBytes)).toBe(true);
    // Deleting asks first; keeping it changes nothing.
    await coordinator
      .getByRole('link', { name: 'Replace or delete the presentation of Daniel Okafor' })
      .click();
    await coordinator.getByRole('link', { name: 'Delete', exact: true }).click();
    expect(await coordinator.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Delete this presentation?',
    );
    await coordinator.getByRole('link', { name: 'Keep it' }).click();
    expect(await coordinator.getByRole('heading', { level: 2 }).first().innerText()).toBe(
      'Anticoagulation – Okafor.pdf',
    );
    await coordinator.getByRole('link', { name: topic, exact: true }).click();
    // The session's approval lifecycle runs in Temporal; the page reads its plan from it.
    const schedule = await coordinator.getByRole('region', { name: 'Approval schedule' }).innerText();
    expect(schedule).toMatch(/3-by-5 deadline\s+\w{3}, \w{3} \d+, \d{4} \(end of day\)/);
    expect(schedule).toMatch(/Next status check\s+.+, 9:00 AM E[SD]T \(5 days before\)/);
  });
});
