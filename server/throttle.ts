import type { MiddlewareHandler } from 'hono';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { type LIMITS, RateLimited } from './rate-limits';
import { renderError } from './respond';

/**
 * A signed-out endpoint's budget per client address (LIMITS in rate-limits.ts). Over it, the
 * answer is 429 with Retry-After, and nothing else runs.
 */
export function throttle(name: keyof typeof LIMITS): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      await c.get('deps').rateLimits.byAddress(name).take(clientAddress(c));
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return renderError(c, 'rate_limited', retryMessage(error.retryAfterSeconds));
    }
    return next();
  };
}

/** "Too many attempts. Try again in 3 minutes." */
export function retryMessage(seconds: number, opening = 'Too many attempts.'): string {
  const minutes = Math.ceil(seconds / 60);
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${opening} Try again in ${wait}.`;
}
