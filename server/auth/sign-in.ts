import type { Context } from 'hono';
import type { Account, Organization } from '../../db/schema';
import { type Accounts, createAccounts } from '../accounts';
import { audit } from '../audit';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { CHALLENGE_MINUTES, type SecondFactor, createMfa } from './mfa';
import {
  challengeToken,
  clearChallengeToken,
  deviceToken,
  ensureDeviceToken,
  setChallengeToken,
  startSession,
} from './sessions';

export type SignInAttempt =
  | { ok: true; account: Account }
  /** The password was right; the authenticator code comes next (a challenge cookie is set). */
  | { ok: false; refusal: 'code_needed' }
  /** Same answer for an unknown email, a wrong password and a paused account. */
  | { ok: false; refusal: 'bad_credentials' }
  /** This address failed too often; it waits, whichever account it tries. */
  | { ok: false; refusal: 'sign_in_paused'; retryAfterSeconds: number };

/**
 * One password check, wherever a password is asked for (sign in, confirm an email): the address
 * throttle first, then the account's own lock, every outcome in the audit trail, the owner mailed
 * when their account locks. A right password signs in, or, with an authenticator, starts the
 * halfway sign-in that `attemptCode` finishes.
 */
export async function attemptSignIn(
  c: Context<AppEnv>,
  organization: Organization,
  email: string,
  password: string,
  next: string | null = null,
  /** The email-confirmation link itself signs in an account not yet confirmed. */
  unconfirmed: 'refuse' | 'allow' = 'refuse',
): Promise<SignInAttempt> {
  const deps = c.get('deps');
  const address = clientAddress(c);
  const waitSeconds = await deps.rateLimits.signInFailuresByAddress.wait(address);
  if (waitSeconds > 0) {
    await audit(c, 'sign_in_throttled', { detail: { retryAfterSeconds: waitSeconds } });
    return { ok: false, refusal: 'sign_in_paused', retryAfterSeconds: waitSeconds };
  }

  const accounts: Accounts = createAccounts(deps);
  const outcome = await accounts.signIn(organization, email, password, deviceToken(c), { unconfirmed });
  if (outcome.ok) {
    if (outcome.account.totpEnabledAt) {
      await startCodeStep(c, outcome.account, next);
      return { ok: false, refusal: 'code_needed' };
    }
    await completeSignIn(c, outcome.account, null);
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
  if (account && outcome.reason === 'unconfirmed') {
    // The right password for an account whose link was never opened: send the link again.
    deps.background.run('confirmation mail', () => accounts.resendEmailConfirmation(organization, account));
  }
  return { ok: false, refusal: 'bad_credentials' };
}

export type CodeAttempt =
  | { ok: true; account: Account; next: string | null }
  /** No halfway sign-in in this browser (never started, expired, or out of tries). */
  | { ok: false; refusal: 'start_again' }
  | { ok: false; refusal: 'wrong_code'; triesLeft: number }
  | { ok: false; refusal: 'sign_in_paused'; retryAfterSeconds: number };

/**
 * The second step: a code from the authenticator app, or a recovery code. Wrong codes count
 * against the account like wrong passwords (and can lock it), as well as against the address and
 * the halfway sign-in's own few tries.
 */
export async function attemptCode(
  c: Context<AppEnv>,
  organization: Organization,
  code: string,
): Promise<CodeAttempt> {
  const deps = c.get('deps');
  const mfa = createMfa(deps);
  const accounts = createAccounts(deps);
  const address = clientAddress(c);
  const waitSeconds = await deps.rateLimits.signInFailuresByAddress.wait(address);
  if (waitSeconds > 0) {
    await audit(c, 'sign_in_throttled', { detail: { retryAfterSeconds: waitSeconds } });
    return { ok: false, refusal: 'sign_in_paused', retryAfterSeconds: waitSeconds };
  }
  const token = challengeToken(c);
  const pending = token ? await mfa.takeAttempt(token) : null;
  const now = deps.clock.now();
  const paused =
    pending?.account.lockedUntil && pending.account.lockedUntil > now
      ? !(await accounts.knownDevice(pending.account.id, deviceToken(c)))
      : false;
  if (!token || !pending || pending.account.organizationId !== organization.id || paused) {
    if (token) await mfa.endChallenge(token);
    clearChallengeToken(c);
    return { ok: false, refusal: 'start_again' };
  }
  const factor = await mfa.verify(organization, pending.account, code);
  if (!factor) {
    await deps.rateLimits.signInFailuresByAddress.fail(address);
    await audit(c, 'sign_in_failed', { accountId: pending.account.id, detail: { reason: 'wrong_code' } });
    const counted = await accounts.countFailure(organization, pending.account);
    if (counted.lockedNow) {
      const { until } = counted.lockedNow;
      await audit(c, 'account_locked', {
        accountId: pending.account.id,
        detail: { failedSignIns: counted.account.failedSignIns, until: until.toISOString() },
      });
      deps.background.run('unlock mail', () => accounts.mailUnlockLink(organization, counted.account, until));
    }
    if (pending.triesLeft === 0 || counted.lockedNow) {
      await mfa.endChallenge(token);
      clearChallengeToken(c);
      return { ok: false, refusal: 'start_again' };
    }
    return { ok: false, refusal: 'wrong_code', triesLeft: pending.triesLeft };
  }
  await mfa.endChallenge(token);
  clearChallengeToken(c);
  await accounts.clearFailures(pending.account.id);
  await completeSignIn(c, pending.account, factor);
  return { ok: true, account: pending.account, next: pending.next };
}

/** A fresh session on a browser now known to the account, in the audit trail. */
export async function completeSignIn(
  c: Context<AppEnv>,
  account: Account,
  secondFactor: SecondFactor | null,
  via: 'password' | 'institution' = 'password',
) {
  await startSession(c, account.id);
  await createAccounts(c.get('deps')).rememberDevice(account.id, ensureDeviceToken(c));
  await audit(c, 'sign_in_succeeded', {
    accountId: account.id,
    detail: { via, ...(secondFactor ? { secondFactor } : {}) },
  });
}

/** The right password (or institution sign-in) for an account with an authenticator: the code comes next. */
export async function startCodeStep(c: Context<AppEnv>, account: Account, next: string | null) {
  const token = await createMfa(c.get('deps')).startChallenge(account.id, next);
  setChallengeToken(c, token, CHALLENGE_MINUTES * 60);
}
