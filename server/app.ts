import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { organizations } from '../db/schema';
import { allow, anyone, unguardedRoutes } from './access';
import { sessionMiddleware } from './auth/sessions';
import type { AppDeps, AppEnv } from './context';
import { renderError } from './respond';
import { accountRoutes } from './routes/account';
import { adminRoutes } from './routes/admin';
import { healthRoutes } from './routes/health';
import { homeRoutes } from './routes/home';
import { seriesRoutes } from './routes/series';

const ASSETS: Record<string, { file: URL; type: string }> = {
  'htmx.js': {
    file: new URL('../node_modules/htmx.org/dist/htmx.min.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  'rounds.js': {
    file: new URL('../views/assets/rounds.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  'rounds.css': {
    file: new URL('../views/assets/rounds.css', import.meta.url),
    type: 'text/css; charset=utf-8',
  },
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('viewer', null);
    c.set('csrfToken', '');
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
  });

  const assetCache = new Map<string, string>();
  app.get('/assets/:name', allow(anyone), async (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) return renderError(c, 'not_found');
    let body = assetCache.get(asset.file.pathname);
    if (body === undefined) {
      body = await readFile(asset.file, 'utf8');
      assetCache.set(asset.file.pathname, body);
    }
    return c.body(body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=300' });
  });

  app.route('/', healthRoutes);
  app.route('/', homeRoutes);

  const organizationApp = new Hono<AppEnv>();
  organizationApp.use('*', async (c, next) => {
    const code = c.req.param('org')?.toLowerCase() ?? '';
    const [organization] = await deps.db
      .select()
      .from(organizations)
      .where(eq(organizations.code, code))
      .limit(1);
    if (!organization) return renderError(c, 'not_found');
    c.set('organization', organization);
    return next();
  });
  organizationApp.use('*', sessionMiddleware);
  organizationApp.route('/', accountRoutes);
  organizationApp.route('/', seriesRoutes);
  organizationApp.route('/admin', adminRoutes);
  app.route('/:org', organizationApp);

  app.notFound((c) => renderError(c, 'not_found'));
  app.onError((error, c) => {
    deps.log.error(`${c.req.method} ${new URL(c.req.url).pathname} failed`, error);
    return renderError(c, 'internal');
  });

  const unguarded = unguardedRoutes(app.routes);
  if (unguarded.length > 0) throw new Error(`Routes without an access rule: ${unguarded.join(', ')}`);
  return app;
}
