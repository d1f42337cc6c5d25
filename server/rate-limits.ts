import { type SQL, sql } from 'drizzle-orm';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../db/client';

/**
 * rate-limiter-flexible's PostgreSQL store speaks node-postgres (`query({ text, values })` →
 * `{ rows, rowCount }`). This adapter answers it through drizzle, so the same counters live in the
 * `rate_limits` table (made by a migration) on PostgreSQL and on embedded PGlite, and every web
 * process shares them.
 */
function storeClient(db: Database) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const chunks: SQL[] = [];
      let last = 0;
      for (const match of q.text.matchAll(/\$(\d+)/g)) {
        chunks.push(sql.raw(q.text.slice(last, match.index)));
        chunks.push(sql`${q.values?.[Number(match[1]) - 1] ?? null}`);
        last = match.index + match[0].length;
      }
      chunks.push(sql.raw(q.text.slice(last)));
      const result: unknown = await db.execute(sql.join(chunks));
      // postgres.js answers an array with a count; PGlite an object with rows and affectedRows.
      if (Array.isArray(result)) {
        const count = (result as { count?: number }).count;
        return { rows: [...result], rowCount: count ?? result.length };
      }
      const { rows, affectedRows } = result as { rows: unknown[]; affectedRows?: number };
      return { rows, rowCount: affectedRows || rows.length };
    },
  };
}

/** Thrown by a limit that refuses; carries how long the client should wait. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds} s`);
    this.name = 'RateLimited';
  }
}

/** At most `points` requests per `seconds`, per key. */
export interface Limit {
  /** Counts one request; throws RateLimited when the key is over its budget. */
  take(key: string): Promise<void>;
  /** True when one more request would be allowed; counts nothing. */
  allows(key: string): Promise<boolean>;
  reset(key: string): Promise<void>;
}

/**
 * Failures with growing delays: the first `free` failures in `windowSeconds` cost nothing; after
 * that each failure makes the key wait twice as long as the one before (1 s, 2 s, 4 s…), never more
 * than `maxDelaySeconds`. The owner of a key who stops failing is never slowed.
 */
export interface GrowingDelay {
  /** Seconds the key must still wait, or 0. */
  wait(key: string): Promise<number>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export interface RateLimits {
  /** A named limit per client address for a signed-out endpoint; see LIMITS. */
  byAddress(name: keyof typeof LIMITS): Limit;
  /** Failed sign-ins from one address. */
  signInFailuresByAddress: GrowingDelay;
  /** Mail Rounds sends to an account because someone signed out asked (reset, unlock, sign-up notice). */
  mailsToAccount: Limit;
  /** Messages a signed-in person writes to others through Rounds (the dashboard's Email). */
  messagesFromAccount: Limit;
  /** Pairing codes Rounds texts to one phone because someone typed it on their profile. */
  textsToPhone: Limit;
  /** Pairing codes one account has texted to numbers it typed: a stranger's bill is not a toy. */
  pairingTextsByAccount: Limit;
  /** Event IDs and attendance codes one account looks up on the web: a busy week, not a sweep of codes. */
  claimCodesByAccount: Limit;
  /**
   * Refused SMS webhooks (unsigned, wrongly signed, to no organization's number) per address, kept
   * in this process's memory: the point is to stop a flood before it costs a database read, and
   * Twilio's own signed deliveries never count.
   */
  refusedWebhooksByAddress: Limit;
  /** Transcripts one learner emails, to themself or an address they type: a mailer is not a relay. */
  transcriptMailsByAccount: Limit;
}

/**
 * Budgets per client address. A hospital's staff may share one address, so these are generous
 * for people and tight for scripts.
 */
export const LIMITS = {
  'sign-in': { points: 60, seconds: 10 * 60 },
  'sign-up': { points: 20, seconds: 60 * 60 },
  'forgot-password': { points: 20, seconds: 60 * 60 },
  'account-link': { points: 60, seconds: 60 * 60 },
  // The development phone page: a person typing, not a load test (npm run bench signs its own).
  'phone-page': { points: 120, seconds: 10 * 60 },
  // Anyone checking certificates: an employer checking a stack, not a sweep of numbers.
  'verify-certificate': { points: 60, seconds: 10 * 60 },
} as const;

/** Mails one account receives on strangers' requests: enough for a person, useless for a flood. */
export const MAILS_PER_ACCOUNT_PER_HOUR = 3;

/** Recipients of messages one person writes in an hour: a coordinator's busy day, not a mailing list. */
export const MESSAGES_PER_ACCOUNT_PER_HOUR = 60;

/** Pairing codes one account may have texted in a day, to any numbers. */
export const PAIRING_TEXTS_PER_ACCOUNT_PER_DAY = 6;

/** Codes one account may try on the web in ten minutes. */
export const CLAIM_CODES_PER_ACCOUNT_PER_10_MINUTES = 30;

/** Refused webhooks one address may send in ten minutes: a misconfigured token shows, a flood stops. */
export const REFUSED_WEBHOOKS_PER_10_MINUTES = 60;

/** Transcripts one learner may email in an hour. */
export const TRANSCRIPT_MAILS_PER_ACCOUNT_PER_HOUR = 5;

/** Pairing codes texted to one phone in an hour: enough to retry, useless to bother a stranger. */
export const TEXTS_TO_PHONE_PER_HOUR = 3;

const SIGN_IN_FAILURES = { free: 30, windowSeconds: 60 * 60, maxDelaySeconds: 10 * 60 };

export function createRateLimits(db: Database): RateLimits {
  const storeClientForDb = storeClient(db);
  let first = true;
  const limiter = (keyPrefix: string, points: number, seconds: number) => {
    const made = new RateLimiterPostgres({
      storeClient: storeClientForDb,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      // One limiter sweeps expired rows for all of them.
      clearExpiredByTimeout: first,
      keyPrefix,
      points,
      duration: seconds,
    });
    first = false;
    return made;
  };

  const limit = (
    keyPrefix: string,
    points: number,
    seconds: number,
    counter: RateLimiterPostgres | RateLimiterMemory = limiter(keyPrefix, points, seconds),
  ): Limit => {
    return {
      async take(key) {
        try {
          await counter.consume(key);
        } catch (refusal) {
          if (refusal instanceof RateLimiterRes) {
            throw new RateLimited(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
          }
          throw refusal;
        }
      },
      async allows(key) {
        const state = await counter.get(key);
        return !state || state.consumedPoints < points;
      },
      async reset(key) {
        await counter.delete(key);
      },
    };
  };

  const byAddress = new Map<string, Limit>();
  for (const [name, budget] of Object.entries(LIMITS)) {
    byAddress.set(name, limit(`address:${name}`, budget.points, budget.seconds));
  }

  return {
    byAddress(name) {
      const found = byAddress.get(name);
      if (!found) throw new Error(`no rate limit named ${name}`);
      return found;
    },
    signInFailuresByAddress: growingDelay(limiter, 'address:sign-in-failures', SIGN_IN_FAILURES),
    mailsToAccount: limit('account:mails', MAILS_PER_ACCOUNT_PER_HOUR, 60 * 60),
    messagesFromAccount: limit('account:messages', MESSAGES_PER_ACCOUNT_PER_HOUR, 60 * 60),
    textsToPhone: limit('phone:texts-out', TEXTS_TO_PHONE_PER_HOUR, 60 * 60),
    pairingTextsByAccount: limit('account:pairing-texts', PAIRING_TEXTS_PER_ACCOUNT_PER_DAY, 24 * 60 * 60),
    claimCodesByAccount: limit('account:claim-codes', CLAIM_CODES_PER_ACCOUNT_PER_10_MINUTES, 10 * 60),
    transcriptMailsByAccount: limit(
      'account:transcript-mails',
      TRANSCRIPT_MAILS_PER_ACCOUNT_PER_HOUR,
      60 * 60,
    ),
    refusedWebhooksByAddress: limit(
      'address:refused-webhooks',
      REFUSED_WEBHOOKS_PER_10_MINUTES,
      10 * 60,
      new RateLimiterMemory({ points: REFUSED_WEBHOOKS_PER_10_MINUTES, duration: 10 * 60 }),
    ),
  };
}

function growingDelay(
  limiter: (keyPrefix: string, points: number, seconds: number) => RateLimiterPostgres,
  keyPrefix: string,
  policy: { free: number; windowSeconds: number; maxDelaySeconds: number },
): GrowingDelay {
  // Counts failures in the window; the gate holds one point for as long as the key must wait.
  const failures = limiter(`${keyPrefix}:count`, Number.MAX_SAFE_INTEGER, policy.windowSeconds);
  const gate = limiter(`${keyPrefix}:gate`, 1, 1);
  return {
    async wait(key) {
      const closed = await gate.get(key);
      return closed && closed.consumedPoints > 0 ? Math.ceil(closed.msBeforeNext / 1000) : 0;
    },
    async fail(key) {
      const counted = await failures.penalty(key, 1);
      const over = counted.consumedPoints - policy.free;
      if (over > 0) {
        const delay = Math.min(2 ** (over - 1), policy.maxDelaySeconds);
        await gate.set(key, 1, delay);
      }
    },
    async reset(key) {
      await Promise.all([failures.delete(key), gate.delete(key)]);
    },
  };
}
