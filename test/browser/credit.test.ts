import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, signIn, submit } from '../support/browser';
import { pdfText } from '../support/pdf';

const suite = browserSuite();

const SESSION = 'Hyponatremia on the wards';

describe('from attendance to a certificate and a transcript', () => {
  it('a learner claims the demo session, completes its evaluation, downloads and verifies the certificate, and emails a transcript from a phone', async () => {
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    await coordinator.goto('/demo/dashboard');
    const row = await coordinator.locator('.dash-row').filter({ hasText: SESSION }).first().innerText();
    const eventId = /Child ID (\d+)/.exec(row)?.[1] ?? '';
    expect(eventId).toMatch(/^\d+$/);

    const learner = await suite.visitor();
    await signIn(learner, demoEmail('learner'), DEMO_PASSWORD);
    await learner.goto('/demo/my-ce');
    await expect.poll(() => learner.locator('main').innerText()).toContain('Nothing to complete.');
    await learner.getByRole('link', { name: 'Claim credit' }).click();
    await learner.getByLabel('Event ID or attendance code').fill(eventId);
    await submit(learner, 'Continue');
    await submit(learner, 'I attended: record my attendance');
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toContain('We have recorded your attendance');

    // The worker's credit lifecycle opens the evaluation the series asks for.
    const evaluate = learner.getByRole('link', { name: `Complete evaluation for ${SESSION}` });
    await expect
      .poll(
        async () => {
          await learner.goto('/demo/my-ce');
          return evaluate.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    await evaluate.click();
    await learner
      .getByRole('group', { name: 'The session met its stated learning objectives.' })
      .getByLabel('Agree', { exact: true })
      .check();
    await learner
      .getByRole('group', { name: 'The content was free of commercial bias.' })
      .getByLabel('Yes', { exact: true })
      .check();
    await learner.getByLabel('Yes, I will change my practice').check();
    await learner.getByLabel('If you will change your practice, how?').fill('Slower correction of sodium.');
    await submit(learner, 'Submit evaluation');
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toContain('Thank you: your evaluation is submitted.');

    // The lifecycle records the credit and issues the certificate.
    const download = learner.getByRole('link', { name: `Download certificate for ${SESSION}` });
    await expect
      .poll(
        async () => {
          await learner.goto('/demo/my-ce');
          return download.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    const downloading = learner.waitForEvent('download');
    await download.click();
    const file = await downloading;
    expect(file.suggestedFilename()).toMatch(/^certificate-hyponatremia-on-the-wards-[0-9A-Z-]{14}\.pdf$/);
    const text = await pdfText(await readFile((await file.path()) ?? ''));
    expect(text).toContain('Maya Patel');
    expect(text).toContain(SESSION);
    expect(text).toContain('AMA PRA Category 1 Credit™');
    const serial = /Certificate ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(text)?.[1] ?? '';
    expect(serial).not.toBe('');

    // Anyone the learner shows it to checks it by its number.
    const employer = await suite.visitor();
    await employer.goto('/verify');
    await employer.getByLabel('Certificate number').fill(serial.toLowerCase());
    await submit(employer, 'Verify');
    await expect
      .poll(() => employer.getByRole('status').innerText())
      .toContain(`Genuine. Certificate ${serial}`);

    // On a phone: the transcript lists it, downloads as a PDF and goes by email.
    await learner.setViewportSize({ width: 390, height: 844 });
    await learner.goto('/demo/my-ce');
    await learner.getByRole('link', { name: 'Transcript' }).click();
    await expect.poll(() => learner.locator('main').innerText()).toContain(SESSION);
    const pdfDownloading = learner.waitForEvent('download');
    await learner.getByRole('link', { name: 'Download PDF' }).click();
    const transcript = await pdfText(await readFile((await (await pdfDownloading).path()) ?? ''));
    expect(transcript).toContain('CE Transcript');
    expect(transcript).toContain(`${SESSION} (Medicine Grand Rounds)`);
    await learner.getByLabel(`Me (${demoEmail('learner')})`).check();
    await submit(learner, 'Email transcript');
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toBe(`Your transcript is on its way to ${demoEmail('learner')}.`);
  });
});

describe('the CME office', () => {
  it('keeps evaluations and post-tests, reads results, adds credit by hand; a learner on a phone fails the new post-test, then passes', async () => {
    const office = await suite.visitor();
    await signIn(office, demoEmail('admin'), DEMO_PASSWORD);
    await office.getByRole('link', { name: 'Evaluations', exact: true }).first().click();
    expect(await office.getByRole('heading', { level: 1 }).innerText()).toBe('Evaluations and post-tests');
    await office.getByRole('link', { name: 'Standard CME evaluation' }).click();
    await expect.poll(() => office.getByLabel('Questions').inputValue()).toContain('single: Yes | No');
    await submit(office, 'Save evaluation');
    await office.getByRole('link', { name: 'New post-test' }).click();
    await office.getByLabel('Name').fill('Hyponatremia post-test');
    await office
      .getByLabel('Questions')
      .fill('How fast may sodium be corrected in a day?\n- 20 mmol/L\n* 8 mmol/L');
    await submit(office, 'Save post-test');
    await expect.poll(() => office.locator('main').innerText()).toContain('Hyponatremia post-test');
    // Grand rounds asks for it from now on.
    await office.goto('/demo/series');
    await office
      .getByRole('link', { name: /Medicine Grand Rounds/ })
      .first()
      .click();
    await office.getByRole('link', { name: 'Edit details' }).click();
    await office.getByLabel('Post-test').selectOption({ label: 'Hyponatremia post-test' });
    await submit(office, 'Save details');

    await office.goto('/demo/series');
    await office
      .getByRole('link', { name: /Medicine Grand Rounds/ })
      .first()
      .click();
    await office.getByRole('link', { name: 'Evaluation results' }).click();
    await expect
      .poll(() => office.getByRole('heading', { level: 1 }).innerText())
      .toMatch(/^Evaluation results: Medicine Grand Rounds \d{4}$/);
    await office.goBack();
    await office.getByRole('link', { name: SESSION }).first().click();
    await office.getByRole('link', { name: 'Evaluation results' }).click();
    await expect
      .poll(() => office.getByRole('heading', { level: 1 }).innerText())
      .toBe(`Evaluation results: ${SESSION}`);

    await office.setViewportSize({ width: 390, height: 844 });
    await office.goto('/demo/admin/accounts');
    await office.getByRole('link', { name: 'External credit for Maya Patel' }).click();
    await office.getByLabel('Activity').fill('Regional stroke conference');
    await office.getByLabel('Provider').fill('Demo Medical Center');
    await office.getByLabel('Completed on').fill('2026-10-02');
    await office.getByLabel('Credits').fill('6');
    await office.getByLabel('Why it is added by hand').fill('Paper sign-in sheet');
    await submit(office, 'Add credit');
    await expect
      .poll(() => office.getByRole('status').innerText())
      .toBe('Added: Regional stroke conference, 6.00 AMA PRA Category 1 Credit™.');

    // A learner on a phone takes grand rounds' new post-test: failed once, then passed.
    const coordinator = await suite.visitor();
    await signIn(coordinator, demoEmail('coordinator'), DEMO_PASSWORD);
    await coordinator.goto('/demo/dashboard');
    const row = await coordinator.locator('.dash-row').filter({ hasText: SESSION }).first().innerText();
    const eventId = /Child ID (\d+)/.exec(row)?.[1] ?? '';

    const learner = await suite.visitor();
    await learner.setViewportSize({ width: 390, height: 844 });
    await signIn(learner, demoEmail('owner'), DEMO_PASSWORD);
    await learner.goto('/demo/claim');
    await learner.getByLabel('Event ID or attendance code').fill(eventId);
    await submit(learner, 'Continue');
    await submit(learner, 'I attended: record my attendance');
    const take = learner.getByRole('link', { name: `Take the post-test for ${SESSION}` });
    await expect
      .poll(
        async () => {
          await learner.goto('/demo/my-ce');
          return take.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    await take.click();
    await learner.getByLabel('20 mmol/L').check();
    await submit(learner, 'Submit answers');
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toBe('You scored 0%; 80% passes. You have 2 attempts left.');
    await learner.getByRole('link', { name: 'Try again' }).click();
    await learner.getByLabel('8 mmol/L').check();
    await submit(learner, 'Submit answers');
    await expect
      .poll(() => learner.getByRole('status').innerText())
      .toBe('Test Complete: you passed with 100%.');
  });
});
