/**
 * A real OpenID Connect provider (oidc-provider, with its development login pages) started by the
 * test on a free port, and a small browser stand-in that signs a person in there: the login form
 * takes any login (the person's subject) and any password, then the consent form, and the provider
 * sends the person back to Rounds with a code. Rounds talks to it over real HTTP.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface Person {
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
}

export interface IdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Signs `subject` in at the provider's pages, starting from the authorization URL; returns Rounds' callback URL with the code. */
  signIn(authorizationUrl: string, subject: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startIdentityProvider(options: {
  redirectUri: string;
  people: Record<string, Person>;
}): Promise<IdentityProvider> {
  const clientId = 'rounds-test';
  const clientSecret = 'a-client-secret-for-tests-only-0123456789';
  let server: Server | undefined;
  // The issuer must be known before the port is: listen first on port 0, then build the provider.
  const { createServer } = await import('node:http');
  let handler:
    | ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void)
    | undefined;
  server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
    async findAccount(_ctx, sub) {
      const person = options.people[sub];
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...person }) };
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['identity-provider-test-cookie-key'] },
  });
  // The provider's own failures would otherwise be a bare 500 at the test.
  provider.on('server_error', (_ctx: unknown, error: Error) => console.error('identity provider:', error));
  handler = provider.callback();

  async function signIn(authorizationUrl: string, subject: string): Promise<URL> {
    const jar = new Map<string, string>();
    let url = new URL(authorizationUrl);
    let init: RequestInit = { method: 'GET' };
    for (let step = 0; step < 20; step++) {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), ...(cookie ? { Cookie: cookie } : {}) },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get('Location');
      if (location) {
        const next = new URL(location, url);
        if (next.href.startsWith(options.redirectUri)) return next;
        url = next;
        init = { method: 'GET' };
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action)
        throw new Error(`the provider answered ${response.status} with no form: ${html.slice(0, 300)}`);
      const fields = new URLSearchParams();
      for (const [input] of html.matchAll(/<input[^>]*>/g)) {
        const name = /\sname="([^"]+)"/.exec(input)?.[1];
        if (name) fields.set(name, /\svalue="([^"]*)"/.exec(input)?.[1] ?? '');
      }
      if (fields.has('login')) {
        fields.set('login', subject);
        fields.set('password', 'any password');
      }
      url = new URL(action.replaceAll('&amp;', '&'), url);
      init = {
        method: 'POST',
        body: fields.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      };
    }
    throw new Error('the provider never sent the person back');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    signIn,
    close: () => new Promise<void>((resolve) => server?.close(() => resolve())),
  };
}
