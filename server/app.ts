import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { organizations } from '../db/schema';
import { allow, anyone, unguardedRoutes } from './access';
import { firstThingsFirst } from './auth/first-things';
import { sessionMiddleware } from './auth/sessions';
import type { AppDeps, AppEnv } from './context';
import { organizationCodeProblem } from './identifiers';
import { renderError } from './respond';
import { accountRoutes } from './routes/account';
import { adminRoutes } from './routes/admin';
import { healthRoutes } from './routes/health';
import { homeRoutes } from './routes/home';
import { institutionSignInRoutes } from './routes/institution-sign-in';
import { peopleRoutes } from './routes/people';
import { securityRoutes } from './routes/security';
import { seriesRoutes } from './routes/series';
import { sessionRoutes } from './routes/sessions';
import { facultyRoutes } from './routes/faculty';
import { dashboardRoutes } from './routes/dashboard';
import { disclosureRoutes } from './routes/disclosures';
import { reviewRoutes } from './routes/review';
import { sessionMessageRoutes } from './routes/session-messages';
import { presentationRoutes } from './routes/presentations';
import { PRESENTATION_UPLOAD_PATH } from './presentation-types';
import { EXTERNAL_CREDIT_MAX_BYTES, EXTERNAL_CREDIT_UPLOAD_PATH } from './external-credits';
import { twilioRoutes } from './routes/twilio';
import { phoneRoutes } from './routes/phones';
import { claimRoutes } from './routes/claims';
import { creditTemplateRoutes } from './routes/credit-templates';
import { myCeRoutes } from './routes/my-ce';
import { transcriptRoutes } from './routes/transcripts';
import { verifyRoutes } from './routes/verify';
import { attendanceRoutes } from './routes/attendance';
import { flyerRoutes } from './routes/flyers';

/** Every form Rounds has fits in a few kilobytes; uploads have their own limit (uploadLimitBytes). */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A presentation upload: the file's limit, and room for the form's other fields and multipart framing. */
export function uploadLimitBytes(config: AppDeps['config']): number {
  return config.PRESENTATION_MAX_MB * 1024 * 1024 + BODY_LIMIT_BYTES;
}

/**
 * Hono's secureHeaders with a Content-Security-Policy the pages and htmx work under: scripts and
 * styles from Rounds' own /assets only, nothing inline, no framing, forms posting only to Rounds.
 * HSTS only under https, where it means something.
 */
function securityHeaders(config: AppDeps['config']) {
  return {
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    strictTransportSecurity: config.secureCookies ? 'max-age=31536000; includeSubDomains' : false,
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    crossOriginEmbedderPolicy: false,
  } satisfies Parameters<typeof secureHeaders>[0];
}

const ASSETS: Record<string, { file: URL; type: string }> = {
  'htmx.js': {
    file: new URL('../node_modules/htmx.org/dist/htmx.min.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  'rounds.js': {
    file: new URL('../views/assets/rounds.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  'favicon.svg': {
    file: new URL('../views/assets/favicon.svg', import.meta.url),
    type: 'image/svg+xml',
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
    c.set('selfFetch', async (request) => app.fetch(request, c.env));
    await next();
    // Pages carry people's records and CSRF tokens: never kept by a browser or a proxy. Assets
    // set their own caching. Set on the response's own headers: c.header() on a finished response
    // rebuilds it around a body stream, which cost a text's webhook a fifth of its time.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use('*', secureHeaders(securityHeaders(deps.config)));
  // Checked before anything reads the body (the CSRF check parses forms), so an oversized one is
  // never parsed or buffered. Only the presentation and external-credit uploads take more than a form.
  const formLimit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => renderError(c as Context<AppEnv>, 'payload_too_large'),
  });
  const presentationLimit = bodyLimit({
    maxSize: uploadLimitBytes(deps.config),
    onError: (c) =>
      renderError(
        c as Context<AppEnv>,
        'file_too_large',
        `That file is larger than Rounds accepts: a presentation can be at most ${deps.config.PRESENTATION_MAX_MB} MB. Go back and choose a smaller one.`,
      ),
  });
  const externalCreditLimit = bodyLimit({
    maxSize: EXTERNAL_CREDIT_MAX_BYTES + BODY_LIMIT_BYTES,
    onError: (c) =>
      renderError(
        c as Context<AppEnv>,
        'file_too_large',
        `That file is larger than Rounds accepts: a certificate or transcript can be at most ${EXTERNAL_CREDIT_MAX_BYTES / (1024 * 1024)} MB. Go back and choose a smaller one.`,
      ),
  });
  app.use('*', (c, next) => {
    const path = c.req.method === 'POST' ? new URL(c.req.url).pathname : '';
    const [limit, limiter] = PRESENTATION_UPLOAD_PATH.test(path)
      ? [uploadLimitBytes(deps.config), presentationLimit]
      : EXTERNAL_CREDIT_UPLOAD_PATH.test(path)
        ? [EXTERNAL_CREDIT_MAX_BYTES + BODY_LIMIT_BYTES, externalCreditLimit]
        : [BODY_LIMIT_BYTES, formLimit];
    // A body whose length is declared is judged by the header, as Hono's bodyLimit would, without
    // touching the request's body: asking for it turns Node's request into a Web one (a stream, an
    // abort signal), a third of what a text's webhook cost. Only a body sent in chunks is counted.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('Content-Length');
    if (
      length !== undefined &&
      c.req.header('Transfer-Encoding') === undefined &&
      /^\d{1,15}$/.test(length)
    ) {
      if (Number(length) > limit) return limiter(c, next);
      return next();
    }
    return limiter(c, next);
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

  // Browsers ask for /favicon.ico whatever the page says; answer with the same icon.
  app.get('/favicon.ico', allow(anyone), (c) => c.redirect('/assets/favicon.svg', 301));
  app.route('/', healthRoutes);
  app.route('/', homeRoutes);
  app.route('/', twilioRoutes);
  app.route('/', verifyRoutes);

  const organizationApp = new Hono<AppEnv>();
  organizationApp.use('*', async (c, next) => {
    const code = c.req.param('org')?.toLowerCase() ?? '';
    if (organizationCodeProblem(code)) return renderError(c, 'not_found');
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
  organizationApp.use('*', firstThingsFirst);
  organizationApp.route('/', accountRoutes);
  organizationApp.route('/', seriesRoutes);
  organizationApp.route('/', sessionRoutes);
  organizationApp.route('/', facultyRoutes);
  organizationApp.route('/', presentationRoutes);
  organizationApp.route('/', sessionMessageRoutes);
  organizationApp.route('/', disclosureRoutes);
  organizationApp.route('/', reviewRoutes);
  organizationApp.route('/', dashboardRoutes);
  organizationApp.route('/', securityRoutes);
  organizationApp.route('/', institutionSignInRoutes);
  organizationApp.route('/', peopleRoutes);
  organizationApp.route('/', phoneRoutes);
  organizationApp.route('/', claimRoutes);
  organizationApp.route('/', myCeRoutes);
  organizationApp.route('/', transcriptRoutes);
  organizationApp.route('/', attendanceRoutes);
  organizationApp.route('/', flyerRoutes);
  organizationApp.route('/admin', adminRoutes);
  // After adminRoutes, whose /admin/evaluations/csv must not be read as an evaluation's id.
  organizationApp.route('/', creditTemplateRoutes);
  app.route('/:org', organizationApp);

  app.notFound((c) => renderError(c, 'not_found'));
  app.onError((error, c) => {
    // A body the browser could not have sent (malformed multipart, say) is the client's fault.
    if (error instanceof HTTPException && error.status < 500) {
      return renderError(c, error.status === 413 ? 'payload_too_large' : 'bad_request');
    }
    deps.log.error(`${c.req.method} ${new URL(c.req.url).pathname} failed`, error);
    return renderError(c, 'internal');
  });

  const unguarded = unguardedRoutes(app.routes);
  if (unguarded.length > 0) throw new Error(`Routes without an access rule: ${unguarded.join(', ')}`);
  return app;
}
