import { readFile } from 'node:fs/promises';
import jsQR from 'jsqr';
import mammoth from 'mammoth';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, signIn, submit } from '../support/browser';

const suite = browserSuite();

const SESSION = 'Hyponatremia on the wards';

/** The demo session under way's Event ID, as its coordinator reads it on the dashboard. */
async function eventId(): Promise<string> {
  const coordinator = await suite.visitor();
  await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
  await coordinator.goto('/demo/dashboard');
  const row = await coordinator.locator('.dash-row').filter({ hasText: SESSION }).first().innerText();
  const id = /Child ID (\d+)/.exec(row)?.[1];
  expect(id, `no Child ID in "${row}"`).toBeTruthy();
  return id ?? '';
}

/** Texts from the development phone page and returns the reply shown. */
async function textFromPhone(page: Page, from: string, body: string): Promise<string> {
  await page.goto('/demo/phone');
  await page.getByLabel('Your phone number').fill(from);
  await page.getByLabel('Message').fill(body);
  await submit(page, 'Send text');
  return page.locator('ol.conversation li').first().innerText();
}

describe('claiming credit', () => {
  it('a learner pairs a phone from the profile and claims the session under way by text', async () => {
    const id = await eventId();
    const learner = await suite.visitor();
    await signIn(learner, demoEmail('learner'), DEMO_PASSWORD);
    await learner.goto('/demo/profile');
    await learner.getByLabel('Mobile phone').fill('(555) 010-2030');
    await submit(learner, 'Save profile');
    await expect.poll(() => learner.getByText('We texted a 6-digit code to +15550102030.').count()).toBe(1);

    // The pretend phone shows the code Rounds texted it.
    const phone = await suite.visitor();
    await phone.goto('/demo/phone?from=%2B15550102030');
    const texted = await phone.locator('ol.conversation li').first().innerText();
    const code = /(\d{6}) is your Demo Medical Center CME code/.exec(texted)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    await learner.getByLabel('Code texted to +15550102030').fill(code);
    await submit(learner, 'Pair this phone');
    await expect
      .poll(() =>
        learner
          .getByText('Your phone number has been updated: texts from it now record your attendance.')
          .count(),
      )
      .toBe(1);

    const reply = await textFromPhone(phone, '(555) 010-2030', ` ${id} `);
    expect(reply).toContain(`Reply: Thank you. We have recorded your attendance for ${SESSION}`);
    const again = await textFromPhone(phone, '5550102030', id);
    expect(again).toContain(`Reply: Your attendance for ${SESSION} was already recorded`);

    // The credit lifecycle (a real workflow, on the real worker) opens the evaluation the series
    // asks for; the credit follows it (test/browser/credit.test.ts).
    await expect
      .poll(
        async () => {
          await learner.goto('/demo/my-ce');
          return learner.getByRole('row').filter({ hasText: SESSION }).innerText();
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toContain('by text\ncredit after the evaluation, due by');
  });

  it('a learner claims on the web by keyboard alone, choosing fewer credits', async () => {
    const id = await eventId();
    const learner = await suite.visitor();
    await signIn(learner, demoEmail('faculty'), DEMO_PASSWORD);
    await learner.goto('/demo/my-ce');
    await learner.getByRole('link', { name: 'Claim credit' }).focus();
    let loaded = learner.waitForEvent('load');
    await learner.keyboard.press('Enter');
    await loaded;
    await learner.getByLabel('Event ID or attendance code').focus();
    await learner.keyboard.type(id);
    loaded = learner.waitForEvent('load');
    await learner.keyboard.press('Enter');
    await loaded;
    await expect.poll(() => learner.locator('dl.facts').innerText()).toContain(SESSION);
    await learner.getByLabel('Credits to claim').focus();
    await learner.keyboard.press('ArrowDown');
    await learner.getByRole('button', { name: 'I attended: record my attendance' }).focus();
    loaded = learner.waitForEvent('load');
    await learner.keyboard.press('Enter');
    await loaded;
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toBe(`Thank you. We have recorded your attendance for ${SESSION}: 0.75 credits.`);
  });
});

describe('registration', () => {
  it('a coordinator makes a session require registration, and a learner registers on a phone before it begins', async () => {
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    await coordinator.goto('/demo/dashboard');
    const upcoming = 'Pain management after surgery';
    await coordinator.getByRole('heading', { name: upcoming }).getByRole('link', { name: upcoming }).click();
    await coordinator.getByRole('link', { name: 'Edit session' }).click();
    await coordinator.getByLabel('Learners must register to claim credit').check();
    await submit(coordinator, 'Save session');
    await expect.poll(() => coordinator.locator('main').innerText()).toContain('Required to claim credit');
    const code = (await coordinator.locator('main strong.code').first().innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{5}$/);

    const phone = await suite.visitor();
    await phone.setViewportSize({ width: 390, height: 844 });
    await signIn(phone, demoEmail('faculty'), DEMO_PASSWORD);
    await phone.goto(`/demo/claim/${code}`);
    await expect.poll(() => phone.locator('dl.facts').innerText()).toContain(upcoming);
    await expect
      .poll(() => phone.locator('main').innerText())
      .toContain('This session requires registration');
    await submit(phone, 'Register for this session');
    await expect
      .poll(() => phone.locator('main').innerText())
      .toMatch(
        /You registered for this session on [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T\./,
      );
    expect(await phone.getByRole('button', { name: 'Register for this session' }).count()).toBe(0);
  });
});

describe('the attendance screen', () => {
  it('a coordinator projects the QR code, and a phone that scans it claims in one tap', async () => {
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    await coordinator.goto('/demo/dashboard');
    await coordinator.getByRole('heading', { name: SESSION }).getByRole('link', { name: SESSION }).click();
    const screenLoaded = coordinator.waitForEvent('load');
    await coordinator.getByRole('link', { name: 'Attendance screen' }).click();
    await screenLoaded;
    await expect
      .poll(() => coordinator.locator('.claim-big').first().innerText(), { timeout: 30_000 })
      .toMatch(/^Text [A-Z0-9]{5} to \+15555550100$/);

    // Scanned the way a phone's camera does: from the pixels on the screen.
    const shot = PNG.sync.read(await coordinator.locator('figure.claim-qr').screenshot());
    const scanned = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(scanned?.data).toMatch(/\/demo\/claim\/[A-Z0-9]{5}\?via=qr$/);
    const target = new URL(scanned?.data ?? '');

    const phone = await suite.visitor();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(target.pathname + target.search);
    // Signed out: sign in first, and come back to the claim.
    await phone.getByLabel('Email').fill(demoEmail('owner'));
    await phone.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await submit(phone, 'Sign in');
    await expect.poll(() => phone.locator('dl.facts').innerText(), { timeout: 30_000 }).toContain(SESSION);
    await submit(phone, 'I attended: record my attendance');
    await expect
      .poll(() => phone.getByRole('status').innerText())
      .toBe(`Thank you. We have recorded your attendance for ${SESSION}: 1.0 credit.`);
    await phone.goto('/demo/my-ce');
    await expect
      .poll(() => phone.getByRole('row').filter({ hasText: SESSION }).innerText())
      .toContain('by QR code');
  });
});

describe('for the people who run a session', () => {
  it('a coordinator downloads the flyer as PDF and Word, and records someone by hand on the attendance page', async () => {
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    await coordinator.goto('/demo/dashboard');
    await coordinator.getByRole('heading', { name: SESSION }).getByRole('link', { name: SESSION }).click();

    const pdfDownload = coordinator.waitForEvent('download');
    await coordinator.getByRole('link', { name: 'Flyer as PDF' }).click();
    const pdfPath = await (await pdfDownload).path();
    const document = await getDocument({
      data: new Uint8Array(await readFile(pdfPath)),
      standardFontDataUrl: new URL('../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url).pathname,
      verbosity: 0,
    }).promise;
    const content = await (await document.getPage(1)).getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    expect(text).toContain(SESSION);
    expect(text).toContain('Amara Osei, MD');
    expect(text).toContain('AMA PRA Category 1 Credit™');

    const docxDownload = coordinator.waitForEvent('download');
    await coordinator.getByRole('link', { name: 'Flyer as Word document' }).click();
    const { value } = await mammoth.extractRawText({ path: await (await docxDownload).path() });
    expect(value).toContain(SESSION);
    expect(value).toContain('Nothing to disclose.');

    await coordinator.getByRole('link', { name: 'Who attended' }).click();
    await coordinator.getByLabel("Learner's email").fill(demoEmail('admin'));
    await submit(coordinator, 'Record attendance');
    await expect
      .poll(() => coordinator.getByRole('status').first().innerText())
      .toContain('attendance is recorded.');
    await expect
      .poll(() =>
        coordinator
          .getByRole('row')
          .filter({ hasText: demoEmail('admin') })
          .innerText(),
      )
      .toContain('by a coordinator');
  });
});

describe('a missed window', () => {
  it('a learner asks for an exception and a coordinator approves it, recording the attendance', async () => {
    const missed = 'Anemia in older adults';
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    await coordinator.goto(`/demo/dashboard?from=${weekAgo}`);
    const row = await coordinator.locator('.dash-row').filter({ hasText: missed }).first().innerText();
    const id = /Child ID (\d+)/.exec(row)?.[1] ?? '';
    expect(id).toMatch(/^\d+$/);

    const learner = await suite.visitor();
    await learner.setViewportSize({ width: 390, height: 844 });
    await signIn(learner, demoEmail('reviewer'), DEMO_PASSWORD);
    await learner.goto(`/demo/claim/${id}`);
    await learner
      .getByLabel('Why you could not claim in time')
      .fill('I was called to a code blue during the session.');
    await submit(learner, 'Ask for an exception');
    await expect
      .poll(() => learner.getByRole('status').first().innerText())
      .toContain('Your request is with the session’s coordinators.');

    await coordinator.getByRole('heading', { name: missed }).getByRole('link', { name: missed }).click();
    await coordinator.getByRole('link', { name: 'Who attended' }).click();
    await expect
      .poll(() => coordinator.locator('#exceptions-heading').locator('..').innerText())
      .toContain('I was called to a code blue during the session.');
    await coordinator.getByLabel('Note to Priya (optional)').fill('Thank you for your work that day.');
    await submit(coordinator, 'Approve and record');
    await expect
      .poll(() => coordinator.getByRole('status').first().innerText())
      .toContain('Approved: the attendance is recorded and the learner is told.');
    await expect
      .poll(() =>
        coordinator
          .getByRole('row')
          .filter({ hasText: demoEmail('reviewer') })
          .innerText(),
      )
      .toContain('by approved exception');
  });
});
