import { bigint, integer, pgTable, varchar } from 'drizzle-orm/pg-core';

/**
 * Counters of rate-limiter-flexible's PostgreSQL store (server/rate-limits.ts), in its own table
 * layout, so every web process shares one count per client address or account.
 */
export const rateLimits = pgTable('rate_limits', {
  key: varchar({ length: 255 }).primaryKey(),
  points: integer().notNull().default(0),
  /** Epoch milliseconds; null never expires. */
  expire: bigint({ mode: 'number' }),
});
