import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app';

// Replaced by the accounts work: loads the viewer from the session cookie and checks CSRF.
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (_c, next) => next();
