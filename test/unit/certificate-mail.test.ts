import { expect, test } from 'vitest';
import { certificateMailFor, renderCertificateMail } from '../../views/mail/certificate';

test('a session’s shared certificate mail, filled in, is the mail rendered for that learner alone', async () => {
  const shared = {
    organizationName: 'Riverside Health',
    sessionName: 'Sepsis & shock',
    credits: '1.00 AMA PRA Category 1 Credit™',
  };
  for (const learner of [
    {
      recipientFirstName: 'Ann',
      serial: '7KQ2-M9XD-4HTA',
      downloadUrl: 'https://cme.example/r/my-ce/certificates/1',
    },
    {
      recipientFirstName: `Seán O'Brien & <Co> $&`,
      serial: '0000-0000-0001',
      downloadUrl: 'https://cme.example/r/my-ce/certificates/2?a=1&b=2',
    },
  ]) {
    expect(await certificateMailFor(shared, learner)).toEqual(
      await renderCertificateMail({ ...shared, ...learner }),
    );
  }
});
