import { isStaff } from '../staff';
import { randomInt } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Database } from '../../db/client';
import {
  type Account,
  type Organization,
  type Role,
  accounts,
  recoveryCodes,
  signInChallenges,
} from '../../db/schema';
import type { Clock } from '../clock';
import { newToken, sha256 } from './sessions';

/** RFC 6238 defaults, which every authenticator app understands. */
const PERIOD_SECONDS = 30;
/** One step either side: a phone clock a little off still works. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** A halfway sign-in lasts this long and allows this many wrong codes. */
export const CHALLENGE_MINUTES = 5;
export const CHALLENGE_ATTEMPTS = 5;
/** No 0/O, 1/I/L: a code read off paper is typed right. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export type SecondFactor = 'totp' | 'recovery-code';

/** Whether this organization makes this person use an authenticator app (reviewers and admins). */
export function mfaRequired(organization: Organization, roles: ReadonlySet<Role>): boolean {
  return organization.mfaRequiredForStaff && isStaff({ roles });
}

function totpFor(organization: Organization, account: Account, secret: string): TOTP {
  return new TOTP({
    issuer: `${organization.name} CME`,
    label: account.email,
    secret: Secret.fromBase32(secret),
    period: PERIOD_SECONDS,
  });
}

/** "k7m2p-x9qrt": 50 bits from an unambiguous alphabet, in two groups of five. */
function newRecoveryCode(): string {
  const pick = () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  const group = () => Array.from({ length: 5 }, pick).join('');
  return `${group()}-${group()}`;
}

/** As typed, a recovery code may have spaces, capitals or no hyphen. */
function recoveryKey(typed: string): string {
  const plain = typed.toLowerCase().replace(/[^a-z0-9]/g, '');
  return sha256(`${plain.slice(0, 5)}-${plain.slice(5)}`);
}

export function createMfa(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const step = () => Math.floor(clock.now().getTime() / 1000 / PERIOD_SECONDS);

  /** The step a TOTP code is good for, or null. */
  function totpStep(
    organization: Organization,
    account: Account,
    secret: string,
    typed: string,
  ): number | null {
    const token = typed.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const delta = totpFor(organization, account, secret).validate({
      token,
      timestamp: clock.now().getTime(),
      window: WINDOW,
    });
    return delta === null ? null : step() + delta;
  }

  async function replaceRecoveryCodes(tx: Database, accountId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = clock.now();
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
    await tx
      .insert(recoveryCodes)
      .values(codes.map((code) => ({ id: sha256(code), accountId, createdAt: now })));
    return codes;
  }

  return {
    /**
     * Starts (or restarts) enrolment: a new secret, not in use until a code from the app proves the
     * app has it. Returns what the page shows: the QR code and the secret for typing by hand.
     */
    async startEnrolment(organization: Organization, account: Account) {
      const secret = new Secret({ size: 20 }).base32;
      await db.update(accounts).set({ totpSecret: secret }).where(eq(accounts.id, account.id));
      return enrolment(organization, account, secret);
    },

    /** What the enrolment page shows for a secret already started. */
    enrolment,

    /** Turns the authenticator on once a code from it is right; returns the recovery codes to show once. */
    async confirmEnrolment(
      organization: Organization,
      account: Account,
      typed: string,
    ): Promise<string[] | null> {
      if (!account.totpSecret || account.totpEnabledAt) return null;
      const accepted = totpStep(organization, account, account.totpSecret, typed);
      if (accepted === null) return null;
      return db.transaction(async (tx) => {
        await tx
          .update(accounts)
          .set({ totpEnabledAt: clock.now(), totpLastStep: accepted })
          .where(eq(accounts.id, account.id));
        return replaceRecoveryCodes(tx, account.id);
      });
    },

    /**
     * Checks a code from the app (each good once) or an unused recovery code (used up now). Returns
     * which it was, or null.
     */
    async verify(
      organization: Organization,
      account: Account,
      typed: string,
      accept: { recoveryCodes: boolean } = { recoveryCodes: true },
    ): Promise<SecondFactor | null> {
      if (!account.totpEnabledAt || !account.totpSecret) return null;
      const accepted = totpStep(organization, account, account.totpSecret, typed);
      if (accepted !== null) {
        // The update succeeds only for a step after the last one used, so a replayed code fails.
        const [used] = await db
          .update(accounts)
          .set({ totpLastStep: accepted })
          .where(
            and(
              eq(accounts.id, account.id),
              or(isNull(accounts.totpLastStep), lt(accounts.totpLastStep, accepted)),
            ),
          )
          .returning({ id: accounts.id });
        return used ? 'totp' : null;
      }
      if (!accept.recoveryCodes || typed.replace(/[^a-zA-Z0-9]/g, '').length !== 10) return null;
      const [used] = await db
        .update(recoveryCodes)
        .set({ usedAt: clock.now() })
        .where(
          and(
            eq(recoveryCodes.id, recoveryKey(typed)),
            eq(recoveryCodes.accountId, account.id),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ id: recoveryCodes.id });
      return used ? 'recovery-code' : null;
    },

    async recoveryCodesLeft(accountId: string): Promise<number> {
      const rows = await db
        .select({ id: recoveryCodes.id })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.accountId, accountId), isNull(recoveryCodes.usedAt)));
      return rows.length;
    },

    /** New recovery codes; the old ones stop working. */
    async newRecoveryCodes(accountId: string): Promise<string[]> {
      return db.transaction((tx) => replaceRecoveryCodes(tx, accountId));
    },

    async disable(accountId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(accounts)
          .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
          .where(eq(accounts.id, accountId));
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
      });
    },

    // ---- The halfway sign-in ----

    /** After the right password: a challenge the browser holds by cookie until the code comes. */
    async startChallenge(accountId: string, next: string | null): Promise<string> {
      const token = newToken();
      const now = clock.now();
      await db.delete(signInChallenges).where(lt(signInChallenges.expiresAt, now));
      await db.insert(signInChallenges).values({
        id: sha256(token),
        accountId,
        next,
        createdAt: now,
        expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000),
      });
      return token;
    },

    /** The account and destination a challenge cookie stands for, while it is fresh. */
    async challenge(token: string | undefined): Promise<{ account: Account; next: string | null } | null> {
      if (!token) return null;
      const [found] = await db
        .select({ challenge: signInChallenges, account: accounts })
        .from(signInChallenges)
        .innerJoin(accounts, eq(accounts.id, signInChallenges.accountId))
        .where(eq(signInChallenges.id, sha256(token)))
        .limit(1);
      if (
        !found ||
        found.challenge.expiresAt <= clock.now() ||
        found.challenge.attempts >= CHALLENGE_ATTEMPTS
      ) {
        return null;
      }
      return { account: found.account, next: found.challenge.next };
    },

    /**
     * Takes one try of a fresh challenge before the code is even looked at, so requests sent at
     * once cannot share a try. Returns the account, where it was going and the tries left after
     * this one, or null when the challenge is unknown, expired or used up.
     */
    async takeAttempt(token: string | undefined) {
      if (!token) return null;
      const [taken] = await db
        .update(signInChallenges)
        .set({ attempts: sql`${signInChallenges.attempts} + 1` })
        .where(
          and(
            eq(signInChallenges.id, sha256(token)),
            lt(signInChallenges.attempts, CHALLENGE_ATTEMPTS),
            gt(signInChallenges.expiresAt, clock.now()),
          ),
        )
        .returning();
      if (!taken) return null;
      const [account] = await db.select().from(accounts).where(eq(accounts.id, taken.accountId)).limit(1);
      if (!account) return null;
      return { account, next: taken.next, triesLeft: CHALLENGE_ATTEMPTS - taken.attempts };
    },

    async endChallenge(token: string): Promise<void> {
      await db.delete(signInChallenges).where(eq(signInChallenges.id, sha256(token)));
    },
  };

  async function enrolment(organization: Organization, account: Account, secret: string) {
    const uri = totpFor(organization, account, secret).toString();
    return {
      secret,
      /** A data: URL (the CSP allows data: images), so the secret never leaves this page. */
      qrCode: await QRCode.toDataURL(uri, { margin: 1, width: 220 }),
    };
  }
}

export type Mfa = ReturnType<typeof createMfa>;
