/**
 * The real app (createApp) over a test database, with a clock the test sets, the real outbox
 * mailer (messages land in the messages table) and a series-year lifecycle that records its calls.
 */
import type { Hono } from 'hono';
import { createApp } from '../../server/app';
import type { AppEnv } from '../../server/context';
import type { Clock } from '../../server/clock';
import { type Config, loadConfig } from '../../server/config';
import type { SeriesYearLifecycle } from '../../server/lifecycles/series-year';
import { type Background, createBackground } from '../../server/background';
import { type Log, createLog } from '../../server/log';
import { createRateLimits } from '../../server/rate-limits';
import { createMailer } from '../../server/mail';
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

export type SeriesYearCall =
  | { call: 'start'; args: Parameters<SeriesYearLifecycle['start']> }
  | { call: 'renewalApproved'; args: Parameters<SeriesYearLifecycle['renewalApproved']> }
  | { call: 'describe'; args: Parameters<SeriesYearLifecycle['describe']> }
  | { call: 'organizationPolicyChanged'; args: Parameters<SeriesYearLifecycle['organizationPolicyChanged']> };

/** A SeriesYearLifecycle that does nothing but remember what it was asked. */
export function recordingSeriesYear(): SeriesYearLifecycle & { calls: SeriesYearCall[] } {
  const calls: SeriesYearCall[] = [];
  return {
    calls,
    async start(...args) {
      calls.push({ call: 'start', args });
    },
    async renewalApproved(...args) {
      calls.push({ call: 'renewalApproved', args });
    },
    async describe(...args) {
      calls.push({ call: 'describe', args });
      return null;
    },
    async organizationPolicyChanged(...args) {
      calls.push({ call: 'organizationPolicyChanged', args });
    },
  };
}

export interface TestApp {
  app: Hono<AppEnv>;
  clock: SettableClock;
  config: Config;
  seriesYear: ReturnType<typeof recordingSeriesYear>;
  /** Await background.idle() before looking for a mail a signed-out form promised. */
  background: Background;
}

export function createTestApp(
  database: TestDatabase,
  options: { env?: Record<string, string>; now?: Date; log?: Log } = {},
): TestApp {
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const clock = new SettableClock(options.now ?? new Date('2026-03-02T14:00:00Z'));
  const seriesYear = recordingSeriesYear();
  const log = options.log ?? createLog('error');
  const background = createBackground(log);
  const app = createApp({
    config,
    db: database.db,
    clock,
    mailer: createMailer({ config, db: database.db, clock }),
    // Tests provoke failures on purpose; only errors are worth seeing.
    log,
    seriesYear,
    rateLimits: createRateLimits(database.db),
    background,
    health: { db: async () => true, temporal: async () => true },
  });
  return { app, clock, config, seriesYear, background };
}
