/**
 * The real app (createApp) over a test database, with a clock the test sets, the real outbox
 * mailer (messages land in the messages table) and lifecycles that record their calls.
 */
import type { Hono } from 'hono';
import { createApp } from '../../server/app';
import type { AppEnv } from '../../server/context';
import type { Clock } from '../../server/clock';
import { type Config, loadConfig } from '../../server/config';
import type { ClaimWindowLifecycle } from '../../server/lifecycles/claim-window';
import type { CreditLifecycle } from '../../server/lifecycles/credit';
import type { ClaimExceptionLifecycle } from '../../server/lifecycles/claim-exceptions';
import type { DisclosureLifecycle } from '../../server/lifecycles/disclosures';
import type { SeriesYearLifecycle } from '../../server/lifecycles/series-year';
import type { SessionApprovalLifecycle } from '../../server/lifecycles/session-approval';
import { type Background, createBackground } from '../../server/background';
import { type Log, createLog } from '../../server/log';
import { createRateLimits } from '../../server/rate-limits';
import { createTexter, type Texter } from '../../server/texting';
import { createMailer, type Mailer } from '../../server/mail';
import type { TestDatabase } from './database';

export class SettableClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
  advance(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

/** A lifecycle that does nothing but remember what it was asked; a method a test assigns answers instead. */
export type Recording<T> = T & { calls: { call: string; args: unknown[] }[] };

export function recording<T extends object>(): Recording<T> {
  const calls: { call: string; args: unknown[] }[] = [];
  const assigned: Record<string | symbol, unknown> = { calls };
  return new Proxy(assigned, {
    get(target, property) {
      if (property in target) return target[property];
      if (typeof property !== 'string' || property === 'then') return undefined;
      return async (...args: unknown[]) => {
        calls.push({ call: property, args });
        return null;
      };
    },
  }) as Recording<T>;
}

export interface TestApp {
  app: Hono<AppEnv>;
  clock: SettableClock;
  config: Config;
  /** The app's own mailer and texter, for a test that runs a lifecycle's activities beside it. */
  mailer: Mailer;
  texter: Texter;
  seriesYear: Recording<SeriesYearLifecycle>;
  sessionApproval: Recording<SessionApprovalLifecycle>;
  disclosures: Recording<DisclosureLifecycle>;
  claimWindows: Recording<ClaimWindowLifecycle>;
  credits: Recording<CreditLifecycle>;
  claimExceptions: Recording<ClaimExceptionLifecycle>;
  /** Await background.idle() before looking for a mail a signed-out form promised. */
  background: Background;
}

export function createTestApp(
  database: TestDatabase,
  options: {
    env?: Record<string, string>;
    now?: Date;
    log?: Log;
    /** Where Twilio's REST API is: a local stand-in (test/support/twilio-stand-in.ts). */
    twilioBaseUrl?: string;
  } = {},
): TestApp {
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const clock = new SettableClock(options.now ?? new Date('2026-03-02T14:00:00Z'));
  const seriesYear = recording<SeriesYearLifecycle>();
  const sessionApproval = recording<SessionApprovalLifecycle>();
  const disclosures = recording<DisclosureLifecycle>();
  const claimWindows = recording<ClaimWindowLifecycle>();
  const credits = recording<CreditLifecycle>();
  const claimExceptions = recording<ClaimExceptionLifecycle>();
  const log = options.log ?? createLog('error');
  const background = createBackground(log);
  const mailer = createMailer({ config, db: database.db, clock });
  const texter = createTexter({
    db: database.db,
    clock,
    log,
    ...(options.twilioBaseUrl ? { twilioBaseUrl: options.twilioBaseUrl } : {}),
  });
  const app = createApp({
    config,
    db: database.db,
    clock,
    mailer,
    texter,
    // Tests provoke failures on purpose; only errors are worth seeing.
    log,
    seriesYear,
    sessionApproval,
    disclosures,
    claimWindows,
    credits,
    claimExceptions,
    rateLimits: createRateLimits(database.db),
    background,
    health: { db: async () => true, temporal: async () => true },
  });
  return {
    app,
    clock,
    config,
    mailer,
    texter,
    seriesYear,
    sessionApproval,
    disclosures,
    claimWindows,
    credits,
    claimExceptions,
    background,
  };
}
