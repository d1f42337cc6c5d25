/**
 * A small browser stand-in for driving the real app with `app.request`: it keeps cookies across
 * requests (honouring Max-Age=0 deletions), remembers the CSRF token of the last page it saw
 * (`<meta name="csrf-token">`) and posts it the way forms (`_csrf`) and htmx (`X-CSRF-Token`) do.
 */
import type { Hono } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import type { AppEnv } from '../../server/context';

export interface Page {
  status: number;
  headers: Headers;
  /** Redirect target, when there is one. */
  location: string | null;
  html: string;
}

type Form = Record<string, string | string[]>;

interface PostOptions {
  /** Send no CSRF token at all, or this one instead of the page's. */
  csrf?: false | string;
  /** Send it as htmx does: HX-Request and the X-CSRF-Token header instead of a form field. */
  htmx?: boolean;
  /** Encode the form as multipart/form-data (as a form with a file input would). */
  multipart?: boolean;
  /** Files chosen in the form's file inputs, by field name; the form goes as multipart. */
  files?: Record<string, File>;
}

export class Visitor {
  readonly cookies = new Map<string, string>();
  /** The token from the last page seen. */
  csrfToken = '';
  /** Sent with every request (a proxy's X-Forwarded-For, say). */
  headers: Record<string, string> = {};

  /**
   * `address` is the client's address as the socket reports it (what @hono/node-server's
   * getConnInfo reads), so rate limits can be tried from several clients.
   */
  constructor(
    private readonly app: Hono<AppEnv>,
    private readonly address = '203.0.113.10',
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.send(path, { method: 'GET', headers });
  }

  async post(path: string, form: Form = {}, options: PostOptions = {}): Promise<Page> {
    const fields: [string, string][] = Object.entries(form).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((one): [string, string] => [name, one]),
    );
    const headers: Record<string, string> = {};
    const token = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (options.htmx) {
      headers['HX-Request'] = 'true';
      if (token !== false) headers['X-CSRF-Token'] = token;
    } else if (token !== false && !('_csrf' in form)) {
      fields.push(['_csrf', token]);
    }
    if (options.multipart || options.files) {
      const body = new FormData();
      for (const [name, value] of fields) body.append(name, value);
      for (const [name, file] of Object.entries(options.files ?? {})) body.append(name, file);
      return this.send(path, { method: 'POST', headers, body });
    }
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return this.send(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  }

  /** A download: the response's bytes as they are, not decoded as a page. */
  async download(path: string, headers: Record<string, string> = {}) {
    const response = await this.request(path, { method: 'GET', headers });
    return {
      status: response.status,
      headers: response.headers,
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  /** Follows a redirect (as a browser does after a 303) and returns the page it leads to. */
  async follow(page: Page): Promise<Page> {
    if (!page.location) throw new Error(`expected a redirect, got ${page.status}`);
    return this.get(page.location);
  }

  /** The raw value of a cookie, matched by the end of its name (so __Host- prefixes do not matter). */
  cookie(suffix: string): string | undefined {
    for (const [name, value] of this.cookies) if (name.endsWith(suffix)) return value;
    return undefined;
  }

  private async request(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string | FormData },
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.request(
      path,
      { ...init, headers: { ...init.headers, ...(cookie ? { Cookie: cookie } : {}), ...this.headers } },
      { incoming: { socket: { remoteAddress: this.address, remotePort: 50000, remoteFamily: 'IPv4' } } },
    );
    for (const line of response.headers.getSetCookie()) this.keep(line);
    return response;
  }

  private async send(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string | FormData },
  ) {
    const response = await this.request(path, init);
    const html = await response.text();
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
      const nowhere = unansweredAddresses(this.app, html);
      if (nowhere.length > 0) {
        throw new Error(
          `${init.method} ${path} answered a page that leads where no route is: ${nowhere.join(', ')}`,
        );
      }
    }
    const token = /<meta name="csrf-token" content="([^"]*)"/.exec(html)?.[1];
    if (token) this.csrfToken = decode(token);
    return {
      status: response.status,
      headers: response.headers,
      location: response.headers.get('Location'),
      html,
    };
  }

  private keep(setCookie: string) {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    const expired = attributes.some((a) => /^max-age=0$/i.test(a)) || value === '';
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

export function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of every element with role="alert", tags removed. */
export function alerts(html: string): string[] {
  const found: string[] = [];
  const pattern = /<(\w+)[^>]*role="alert"[^>]*>([\s\S]*?)<\/\1>/g;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    found.push(textOf(match[2] ?? ''));
  }
  return found;
}

/** The message shown under one field (its id is field-<name>-error). */
export function fieldError(html: string, name: string): string | undefined {
  const match = new RegExp(`<p[^>]*id="field-${name}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return match ? textOf(match[1] ?? '') : undefined;
}

/** The value an input shows (text inputs and textareas); selected option for selects. */
export function fieldValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  if (input) {
    const value = /value="([^"]*)"/.exec(input)?.[1];
    return value === undefined ? undefined : decode(value);
  }
  const textarea = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (textarea) return decode(textarea[1] ?? '');
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (select) {
    const selected = /<option value="([^"]*)" selected/.exec(select[1] ?? '')?.[1];
    return selected === undefined ? undefined : decode(selected);
  }
  return undefined;
}

export function textOf(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

const routers = new WeakMap<object, TrieRouter<true>>();

/** Whether a GET or POST route of the app answers the path, matched by Hono's own router. */
function answers(app: Hono<AppEnv>, method: 'GET' | 'POST', path: string): boolean {
  let router = routers.get(app);
  if (!router) {
    router = new TrieRouter<true>();
    // Middleware is registered for ALL methods on patterns such as /:org/*; only handlers answer.
    for (const route of app.routes) {
      if (route.method === 'GET' || route.method === 'POST') router.add(route.method, route.path, true);
    }
    routers.set(app, router);
  }
  return router.match(method, path)[0].length > 0;
}

/**
 * Every place a page links to, or posts to with a form or htmx, that no route of the app answers:
 * a link or a button that can only ever say "not found". Checked on every page a test is sent.
 */
export function unansweredAddresses(app: Hono<AppEnv>, html: string): string[] {
  const targets: { method: 'GET' | 'POST'; path: string }[] = [];
  for (const form of html.matchAll(/<form\b[^>]*>/g)) {
    const action = /\baction="([^"]*)"/.exec(form[0])?.[1];
    if (action)
      targets.push({ method: /\bmethod="post"/i.test(form[0]) ? 'POST' : 'GET', path: decode(action) });
  }
  for (const hx of html.matchAll(/\bhx-(get|post)="([^"]*)"/g)) {
    targets.push({ method: hx[1] === 'post' ? 'POST' : 'GET', path: decode(hx[2] ?? '') });
  }
  for (const link of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g))
    targets.push({ method: 'GET', path: decode(link[1] ?? '') });
  return [
    ...new Set(
      targets
        .map(({ method, path }) => ({ method, path: path.split(/[?#]/)[0] ?? '' }))
        .filter(
          ({ method, path }) => path.startsWith('/') && !path.startsWith('//') && !answers(app, method, path),
        )
        .map(({ method, path }) => `${method} ${path}`),
    ),
  ];
}
