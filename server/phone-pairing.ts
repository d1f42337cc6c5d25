import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { type Account, accounts, type Organization, type PhonePairing, phonePairings } from '../db/schema';
import { renderPhonePairingRequest, renderPhoneUnpaired } from '../views/mail/phone-pairing';
import { phonePairedText, pairingCodeText } from '../views/text-replies';
import { formatInstant } from '../views/time';
import { record } from './audit-trail';
import { newToken, sha256 } from './auth/sessions';
import type { Clock } from './clock';
import type { Config } from './config';
import { emailKey } from './identifiers';
import type { Log } from './log';
import type { Mailer } from './mail';
import { RateLimited, type RateLimits } from './rate-limits';
import { TextInFlight, TextNotSent, type Texter, TextRefused } from './texting';

/**
 * Pairing a phone with an account, so its texts claim attendance for that account. Knowing
 * someone's email must not be enough to pair their account: texting an email only asks the
 * account's owner, by mail, to confirm; typing a number on the profile only asks the phone, by
 * text. Either way the code or link goes where the claimant has to prove they are.
 */

/** How long a pairing waits for its confirmation. */
export const PAIRING_MINUTES = 30;
/** Wrong codes a pairing survives. Six digits and five tries: one chance in 200,000. */
export const PAIRING_CODE_ATTEMPTS = 5;

export interface PairingDeps {
  db: Database;
  clock: Clock;
  config: Config;
  mailer: Mailer;
  texter: Texter;
  log: Log;
  rateLimits: RateLimits;
}

function codeHash(pairingId: string, code: string): string {
  return sha256(`${pairingId}:${code}`);
}

function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

async function createPairing(
  deps: PairingDeps,
  organization: Organization,
  account: Pick<Account, 'id'>,
  phone: string,
  method: PhonePairing['method'],
): Promise<{ pairing: PhonePairing; token: string; code: string }> {
  const token = newToken();
  const id = sha256(token);
  const code = newCode();
  const now = deps.clock.now();
  const [pairing] = await deps.db
    .insert(phonePairings)
    .values({
      id,
      organizationId: organization.id,
      accountId: account.id,
      phone,
      method,
      codeHash: codeHash(id, code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + PAIRING_MINUTES * 60_000),
    })
    .returning();
  if (!pairing) throw new Error('pairing not stored');
  return { pairing, token, code };
}

/**
 * Someone texted an email address from `phone`. If it is an account's, that account is mailed a
 * link and a code; nothing says whether it was. At most a few such mails an hour per account.
 */
export async function requestPairingByEmail(
  deps: PairingDeps,
  organization: Organization,
  phone: string,
  email: string,
): Promise<void> {
  const [account] = await deps.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.organizationId, organization.id), eq(accounts.emailKey, emailKey(email))))
    .limit(1);
  if (!account) return;
  if (account.mobile === phone && account.smsPairedAt) return;
  try {
    await deps.rateLimits.mailsToAccount.take(account.id);
  } catch (error) {
    if (error instanceof RateLimited) {
      deps.log.warn(`phone pairing mail to account ${account.id} held back: too many this hour`);
      return;
    }
    throw error;
  }
  const { pairing, token, code } = await createPairing(deps, organization, account, phone, 'email');
  const url = `${deps.config.publicUrl}/${organization.code}/pair-phone?token=${token}`;
  const mail = await renderPhonePairingRequest({
    organizationName: organization.name,
    recipientFirstName: account.firstName,
    phone,
    smsNumber: organization.smsNumber ?? '',
    code,
    url,
    expiresInMinutes: PAIRING_MINUTES,
  });
  await deps.mailer.send({
    idempotencyKey: `phone-pairing-${pairing.id}`,
    organizationId: organization.id,
    kind: 'phone-pairing',
    to: account.email,
    ...mail,
    secrets: [token, code],
  });
  await record(deps, {
    organizationId: organization.id,
    action: 'phone_pairing_requested',
    accountId: account.id,
    detail: { phone, method: 'email' },
  });
}

/** The newest pairing of `phone` still waiting for its code, of the given method. */
async function waitingPairing(
  db: Database,
  organizationId: string,
  where: { phone?: string; accountId?: string },
  method: PhonePairing['method'],
  now: Date,
): Promise<PhonePairing | null> {
  const [pairing] = await db
    .select()
    .from(phonePairings)
    .where(
      and(
        eq(phonePairings.organizationId, organizationId),
        where.phone ? eq(phonePairings.phone, where.phone) : undefined,
        where.accountId ? eq(phonePairings.accountId, where.accountId) : undefined,
        eq(phonePairings.method, method),
        isNull(phonePairings.confirmedAt),
        gt(phonePairings.expiresAt, now),
      ),
    )
    .orderBy(desc(phonePairings.createdAt))
    .limit(1);
  if (!pairing || pairing.attempts >= PAIRING_CODE_ATTEMPTS) return null;
  return pairing;
}

/** Whether `phone` has an emailed pairing waiting for the code the mail gave. */
export async function hasWaitingPairing(deps: PairingDeps, organization: Organization, phone: string) {
  return Boolean(await waitingPairing(deps.db, organization.id, { phone }, 'email', deps.clock.now()));
}

export type CodeOutcome = 'paired' | 'wrong_code' | 'no_pairing';

async function tryCode(
  deps: PairingDeps,
  organization: Organization,
  pairing: PhonePairing | null,
  code: string,
  how: string,
): Promise<CodeOutcome> {
  if (!pairing) return 'no_pairing';
  // Every try counts before it is judged, atomically: parallel guesses cannot slip past the limit.
  const [counted] = await deps.db
    .update(phonePairings)
    .set({ attempts: sql`${phonePairings.attempts} + 1` })
    .where(and(eq(phonePairings.id, pairing.id), lt(phonePairings.attempts, PAIRING_CODE_ATTEMPTS)))
    .returning({ attempts: phonePairings.attempts });
  if (!counted) return 'no_pairing';
  if (codeHash(pairing.id, code.trim()) !== pairing.codeHash) return 'wrong_code';
  await pair(deps, organization, pairing, how);
  return 'paired';
}

/** The phone texted back the code its emailed pairing carries. */
export async function confirmPairingByText(
  deps: PairingDeps,
  organization: Organization,
  phone: string,
  code: string,
): Promise<CodeOutcome> {
  const pairing = await waitingPairing(deps.db, organization.id, { phone }, 'email', deps.clock.now());
  return tryCode(deps, organization, pairing, code, 'text');
}

/** A signed-in person typed a mobile on their profile: the phone is texted a code to type back. */
export async function requestPairingFromProfile(
  deps: PairingDeps,
  organization: Organization,
  account: Account,
  phone: string,
): Promise<'sent' | 'stopped' | 'too_many' | 'failed' | 'unavailable'> {
  try {
    await deps.rateLimits.pairingTextsByAccount.take(account.id);
    await deps.rateLimits.textsToPhone.take(`${organization.id}:${phone}`);
  } catch (error) {
    if (error instanceof RateLimited) return 'too_many';
    throw error;
  }
  const { pairing, code } = await createPairing(deps, organization, account, phone, 'profile');
  let sent: Awaited<ReturnType<Texter['send']>>;
  try {
    sent = await deps.texter.send(organization, {
      idempotencyKey: `phone-pairing-${pairing.id}`,
      kind: 'pairing-code',
      to: phone,
      body: pairingCodeText(organization, code, PAIRING_MINUTES),
      secrets: [code],
    });
  } catch (error) {
    // Twilio refused the number (a landline, say), or could not be reached: the person is told
    // which, and nothing more is lost; asking again sends a new code.
    if (!(error instanceof TextRefused || error instanceof TextNotSent || error instanceof TextInFlight))
      throw error;
    deps.log.warn(`pairing code to ${phone} could not be sent: ${error.message}`);
    return error instanceof TextRefused ? 'failed' : 'unavailable';
  }
  await record(deps, {
    organizationId: organization.id,
    action: 'phone_pairing_requested',
    actorId: account.id,
    accountId: account.id,
    detail: { phone, method: 'profile' },
  });
  return sent.status === 'stopped' ? 'stopped' : 'sent';
}

/** The profile's pairing waiting for its texted code, if any. */
export function profilePairing(
  deps: Pick<PairingDeps, 'db' | 'clock'>,
  organizationId: string,
  accountId: string,
) {
  return waitingPairing(deps.db, organizationId, { accountId }, 'profile', deps.clock.now());
}

/** The signed-in person typed the code their phone was texted. */
export async function confirmPairingFromProfile(
  deps: PairingDeps,
  organization: Organization,
  account: Pick<Account, 'id'>,
  code: string,
): Promise<CodeOutcome> {
  const pairing = await profilePairing(deps, organization.id, account.id);
  return tryCode(deps, organization, pairing, code, 'profile');
}

/** An emailed pairing's link, if it is still good. */
export async function pairingByToken(
  deps: Pick<PairingDeps, 'db' | 'clock'>,
  organization: Organization,
  token: string,
): Promise<(PhonePairing & { account: Account }) | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await deps.db
    .select({ pairing: phonePairings, account: accounts })
    .from(phonePairings)
    .innerJoin(accounts, eq(accounts.id, phonePairings.accountId))
    .where(
      and(
        eq(phonePairings.id, sha256(token)),
        eq(phonePairings.organizationId, organization.id),
        eq(phonePairings.method, 'email'),
        isNull(phonePairings.confirmedAt),
        gt(phonePairings.expiresAt, deps.clock.now()),
      ),
    )
    .limit(1);
  if (!row || row.pairing.attempts >= PAIRING_CODE_ATTEMPTS) return null;
  return { ...row.pairing, account: row.account };
}

/** The account's owner opened the mailed link and pressed Pair. */
export async function confirmPairingByLink(
  deps: PairingDeps,
  organization: Organization,
  token: string,
): Promise<PhonePairing | null> {
  const pairing = await pairingByToken(deps, organization, token);
  if (!pairing) return null;
  await pair(deps, organization, pairing, 'link');
  return pairing;
}

/**
 * Pairs the phone with the pairing's account. A phone belongs to one account: if another had it,
 * it moves, and that account is told (by mail, without saying whose it became). The phone is told
 * in the words learners know, unless it is answering by text itself.
 */
async function pair(deps: PairingDeps, organization: Organization, pairing: PhonePairing, how: string) {
  const now = deps.clock.now();
  const previous = await deps.db.transaction(async (tx) => {
    const claimed = await tx
      .update(phonePairings)
      .set({ confirmedAt: now })
      .where(and(eq(phonePairings.id, pairing.id), isNull(phonePairings.confirmedAt)))
      .returning({ id: phonePairings.id });
    if (claimed.length === 0) return null;
    const [holder] = await tx
      .update(accounts)
      .set({ smsPairedAt: null, updatedAt: now })
      .where(
        and(
          eq(accounts.organizationId, organization.id),
          eq(accounts.mobile, pairing.phone),
          isNotNull(accounts.smsPairedAt),
          ne(accounts.id, pairing.accountId),
        ),
      )
      .returning();
    await tx
      .update(accounts)
      .set({ mobile: pairing.phone, smsPairedAt: now, updatedAt: now })
      .where(and(eq(accounts.id, pairing.accountId), eq(accounts.organizationId, organization.id)));
    return { holder: holder ?? null };
  });
  if (!previous) return;
  await record(deps, {
    organizationId: organization.id,
    action: 'phone_paired',
    accountId: pairing.accountId,
    detail: { phone: pairing.phone, by: how, ...(previous.holder ? { movedFrom: previous.holder.id } : {}) },
  });
  if (previous.holder) {
    const mail = await renderPhoneUnpaired({
      organizationName: organization.name,
      recipientFirstName: previous.holder.firstName,
      phone: pairing.phone,
      when: formatInstant(now, organization.timeZone),
      profileUrl: `${deps.config.publicUrl}/${organization.code}/profile`,
    });
    await deps.mailer.send({
      idempotencyKey: `phone-unpaired-${pairing.id}`,
      organizationId: organization.id,
      kind: 'phone-unpaired',
      to: previous.holder.email,
      ...mail,
    });
  }
  if (how !== 'text') {
    try {
      await deps.texter.send(organization, {
        idempotencyKey: `phone-paired-${pairing.id}`,
        kind: 'phone-paired',
        to: pairing.phone,
        body: phonePairedText(organization),
      });
    } catch (error) {
      // The pairing stands; only its courtesy text did not go.
      deps.log.warn(
        `"phone paired" text to ${pairing.phone} failed: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}
