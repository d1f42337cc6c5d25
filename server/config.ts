import { z } from 'zod';
import { isLoopbackUrl } from './identifiers';

const PORT_EXPECTED = { error: 'expected a port number from 1 to 65535' };
const port = z.coerce
  .number(PORT_EXPECTED)
  .int(PORT_EXPECTED)
  .min(1, PORT_EXPECTED)
  .max(65535, PORT_EXPECTED);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Every environment variable Rounds reads, parsed once. A missing or malformed variable stops
 * start-up with its name and what it expects (see formatConfigError).
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The address people reach Rounds at; used in mailed links and to decide on Secure cookies. */
  PUBLIC_URL: z
    .url({
      protocol: z.regexes.httpProtocol,
      error: 'expected an absolute http(s) URL such as https://cme.example.org',
    })
    .optional(),
  /**
   * Production refuses an http:// PUBLIC_URL (passwords and session cookies would cross the network
   * in clear) unless this says the operator means it, e.g. behind a TLS-terminating gateway that
   * rewrites nothing, on a closed network.
   */
  ALLOW_HTTP_PUBLIC_URL: flag.default(false),
  /**
   * How many reverse proxies in front of Rounds append to X-Forwarded-For. 0: the socket's address
   * is the client's. Rate limits and the security log key on this address, so count only proxies
   * you run: a header a client wrote itself must never be believed.
   */
  TRUST_PROXY_HOPS: z.coerce
    .number({ error: 'expected a whole number of proxies from 0 to 5' })
    .int({ error: 'expected a whole number of proxies from 0 to 5' })
    .min(0, { error: 'expected a whole number of proxies from 0 to 5' })
    .max(5, { error: 'expected a whole number of proxies from 0 to 5' })
    .default(0),
  /** Absent: an embedded PGlite database persisted in ROUNDS_DATA_DIR/pg. */
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'expected a postgres:// connection URL')
    .optional(),
  ROUNDS_DATA_DIR: z.string().min(1).default('.data'),
  /** Absent: `npm start` runs a local Temporal dev server (see scripts/start.ts). */
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'expected host:port, for example temporal:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('rounds'),
  TEMPORAL_TLS: flag.default(false),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Set: mail goes through Resend. Absent: mail is kept in the database outbox. */
  RESEND_API_KEY: optionalText,
  MAIL_FROM: z.string().min(3).default('Rounds <no-reply@rounds.localhost>'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(12),
  /**
   * The largest presentation a faculty member or coordinator may upload, in megabytes. Files are
   * kept in PostgreSQL and read whole into memory to be stored or served; the driver sends bytea as
   * hex, twice the size, so a few hundred megabytes is as far as a JavaScript string goes.
   */
  PRESENTATION_MAX_MB: z.coerce
    .number({ error: 'expected a whole number of megabytes from 1 to 200' })
    .int({ error: 'expected a whole number of megabytes from 1 to 200' })
    .min(1, { error: 'expected a whole number of megabytes from 1 to 200' })
    .max(200, { error: 'expected a whole number of megabytes from 1 to 200' })
    .default(50),
  /**
   * How many credit lifecycles the worker starts a second, at most. Claims are recorded at once
   * whatever this is; a room's credits then reach My CE as a steady stream (1,000 at 20 a second:
   * under a minute) instead of competing with the room's texts for the machine.
   */
  CREDIT_STARTS_PER_SECOND: z.coerce
    .number({ error: 'expected a whole number from 1 to 1000' })
    .int({ error: 'expected a whole number from 1 to 1000' })
    .min(1, { error: 'expected a whole number from 1 to 1000' })
    .max(1000, { error: 'expected a whole number from 1 to 1000' })
    .default(20),
  /** Create the demo organization and accounts on an empty database. */
  SEED_DEMO: flag.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema> & {
  publicUrl: string;
  secureCookies: boolean;
  seedDemo: boolean;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatConfigError(parsed.error));
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: required in production (the https:// address people use)',
    );
  }
  if (
    c.NODE_ENV === 'production' &&
    c.PUBLIC_URL?.startsWith('http://') &&
    !isLoopbackUrl(c.PUBLIC_URL) &&
    !c.ALLOW_HTTP_PUBLIC_URL
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: must be https:// in production, or http://localhost (set ALLOW_HTTP_PUBLIC_URL=true only if TLS really ends in front of Rounds on a network you trust)',
    );
  }
  if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mutual TLS, or neither',
    );
  }
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, '');
  return {
    ...c,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    seedDemo: c.SEED_DEMO ?? c.NODE_ENV !== 'production',
  };
}

export function formatConfigError(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `  ${name}: ${issue.message}`;
  });
  return `Invalid configuration:\n${lines.join('\n')}`;
}
