import { Hono } from 'hono';
import { allow, anyone } from '../access';
import type { AppEnv } from '../context';

export const healthRoutes = new Hono<AppEnv>();

/** 200 only when both the database and Temporal answer; load balancers and `npm start` poll it. */
healthRoutes.get('/healthz', allow(anyone), async (c) => {
  const { health } = c.get('deps');
  const [db, temporal] = await Promise.all([settle(health.db()), settle(health.temporal())]);
  const ok = db && temporal;
  return c.json({ ok, db, temporal, service: 'rounds' }, ok ? 200 : 503, { 'Cache-Control': 'no-store' });
});

/** A dependency that does not answer within three seconds counts as down: health checks must be quick. */
async function settle(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 3000);
  });
  try {
    return await Promise.race([check, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
