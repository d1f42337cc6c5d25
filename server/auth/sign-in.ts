import type { Context } from 'hono';
import type { Account, Organization } from '../../db/schema';
import { type Accounts, createAccounts } from '../accounts';
import { audit } from '../audit';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { deviceToken, ensureDeviceToken, startSession } from './sessions';

export type SignInAttempt =
  | { ok: true; account: Account }
  /** Same answer for an unknown email, a wrong password and a paused account. */
  | { ok: false; refusal: 'bad_credentials' }
  /** This address failed too often; it waits, whichever account it tries. */
  | { ok: false; refusal: 'sign_in_paused'; retryAfterSeconds: number };

/**
 * One password check, wherever a password is asked for (sign in, confirm an email): the address
 * throttle first, then the account's own lock, every outcome in the audit trail, the owner mailed
 * when their account locks, and on success a fresh session on a browser now known to the account.
 */
export async function attemptSignIn(
  c: Context<AppEnv>,
  organization: Organization,
  email: string,
  password: string,
): Promise<SignInAttempt> {
  const deps = c.get('deps');
  const address = clientAddress(c);
  const waitSeconds = await deps.rateLimits.signInFailuresByAddress.wait(address);
  if (waitSeconds > 0) {
    await audit(c, 'sign_in_throttled', { detail: { retryAfterSeconds: waitSeconds } });
    return { ok: false, refusal: 'sign_in_paused', retryAfterSeconds: waitSeconds };
  }

  const accounts: Accounts = createAccounts(deps);
  const outcome = await accounts.signIn(organization, email, password, deviceToken(c));
  if (outcome.ok) {
    await startSession(c, outcome.account.id);
    await accounts.rememberDevice(outcome.account.id, ensureDeviceToken(c));
    await audit(c, 'sign_in_succeeded', { accountId: outcome.account.id });
    return { ok: true, account: outcome.account };
  }

  await deps.rateLimits.signInFailuresByAddress.fail(address);
  const account = 'account' in outcome ? outcome.account : null;
  await audit(c, 'sign_in_failed', { accountId: account?.id ?? null, detail: { reason: outcome.reason } });
  if (account && 'lockedNow' in outcome && outcome.lockedNow) {
    const { until } = outcome.lockedNow;
    await audit(c, 'account_locked', {
      accountId: account.id,
      detail: { failedSignIns: account.failedSignIns, until: until.toISOString() },
    });
    // The page must not wait for (or reveal) the mail.
    deps.background.run('unlock mail', () => accounts.mailUnlockLink(organization, account, until));
  }
  return { ok: false, refusal: 'bad_credentials' };
}
