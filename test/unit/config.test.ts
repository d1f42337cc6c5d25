import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

/** The message loadConfig stops start-up with; fails the test if it did not stop. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('with nothing set, Rounds runs in development on embedded PGlite and a local Temporal', () => {
    // The shell's own variables are always present and must not matter.
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/home/ann' });

    expect(config).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      ROUNDS_DATA_DIR: '.data',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'rounds',
      TEMPORAL_TLS: false,
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      SESSION_IDLE_MINUTES: 30,
      SESSION_ABSOLUTE_HOURS: 12,
      LOG_LEVEL: 'info',
      publicUrl: 'http://localhost:3000',
      secureCookies: false,
      seedDemo: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.RESEND_API_KEY).toBeUndefined();
  });

  test('ports, numbers and yes/no flags written as text are read as values', () => {
    const config = loadConfig({
      PORT: '8080',
      SESSION_IDLE_MINUTES: '15',
      TEMPORAL_TLS: 'yes',
      SEED_DEMO: '0',
    });

    expect(config.PORT).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.SESSION_IDLE_MINUTES).toBe(15);
    expect(config.TEMPORAL_TLS).toBe(true);
    expect(config.seedDemo).toBe(false);
  });

  test('an empty RESEND_API_KEY, as compose passes when it is unset, keeps mail in the outbox', () => {
    expect(loadConfig({ RESEND_API_KEY: '' }).RESEND_API_KEY).toBeUndefined();
    expect(loadConfig({ RESEND_API_KEY: ' re_123 ' }).RESEND_API_KEY).toBe('re_123');
  });

  test.each([
    ['PORT', 'abc', 'expected a port number from 1 to 65535'],
    ['PORT', '70000', 'expected a port number from 1 to 65535'],
    ['PORT', '30.5', 'expected a port number from 1 to 65535'],
    ['TEMPORAL_UI_PORT', '0', 'expected a port number from 1 to 65535'],
    ['DATABASE_URL', 'mysql://db/rounds', 'expected a postgres:// connection URL'],
    ['DATABASE_URL', 'localhost:5432/rounds', 'expected a postgres:// connection URL'],
    ['DATABASE_URL', 'postgres:rounds', 'expected a postgres:// connection URL'],
    ['TEMPORAL_ADDRESS', 'temporal', 'expected host:port, for example temporal:7233'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233', 'expected host:port, for example temporal:7233'],
    ['PUBLIC_URL', 'cme.example.org', 'expected an absolute http(s) URL such as https://cme.example.org'],
    ['PUBLIC_URL', 'localhost:3000', 'expected an absolute http(s) URL such as https://cme.example.org'],
    [
      'PUBLIC_URL',
      'ftp://cme.example.org',
      'expected an absolute http(s) URL such as https://cme.example.org',
    ],
    ['TEMPORAL_TLS', 'maybe', 'expected true or false'],
  ])('%s=%s stops start-up with one line naming it and what it expects', (name, value, expected) => {
    const message = refusal({ [name]: value });

    expect(message.split('\n')).toEqual(['Invalid configuration:', `  ${name}: ${expected}`]);
  });

  test('every malformed variable is reported at once, not one per attempt', () => {
    const message = refusal({ PORT: 'eighty', TEMPORAL_ADDRESS: 'temporal' });

    expect(message).toContain('  PORT: expected a port number from 1 to 65535');
    expect(message).toContain('  TEMPORAL_ADDRESS: expected host:port, for example temporal:7233');
  });

  test('postgres:// and postgresql:// connection URLs are both accepted', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://rounds:secret@db:5432/rounds' }).DATABASE_URL).toBe(
      'postgres://rounds:secret@db:5432/rounds',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/rounds' }).DATABASE_URL).toBe(
      'postgresql://db/rounds',
    );
  });

  test('production refuses to start without PUBLIC_URL, since mailed links need it', () => {
    expect(refusal({ NODE_ENV: 'production' })).toContain('PUBLIC_URL: required in production');
  });

  test('production refuses an http:// PUBLIC_URL on the network unless the operator allows it', () => {
    const http = { NODE_ENV: 'production', PUBLIC_URL: 'http://cme.example.org' };
    expect(refusal(http)).toContain('PUBLIC_URL: must be https:// in production');
    expect(loadConfig({ ...http, ALLOW_HTTP_PUBLIC_URL: 'true' }).secureCookies).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe(
      'http://localhost:3000',
    );
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'http://rounds.lan:3000' }).publicUrl).toBe(
      'http://rounds.lan:3000',
    );
  });

  test('in production with an https PUBLIC_URL, cookies are Secure and no demo data is made', () => {
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://cme.example.org/' });

    expect(config.publicUrl).toBe('https://cme.example.org');
    expect(config.secureCookies).toBe(true);
    expect(config.seedDemo).toBe(false);
  });

  test('a TLS client certificate without its key, or a key without its certificate, is refused', () => {
    const both = 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mutual TLS, or neither';

    expect(refusal({ TEMPORAL_TLS_CERT_PATH: '/etc/rounds/client.pem' })).toContain(both);
    expect(refusal({ TEMPORAL_TLS_KEY_PATH: '/etc/rounds/client.key' })).toContain(both);
    expect(
      refusal({ TEMPORAL_TLS_CERT_PATH: '/etc/rounds/client.pem', TEMPORAL_TLS_KEY_PATH: '  ' }),
    ).toContain(both);
  });

  test('a TLS client certificate with its key is accepted', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.example.org:7233',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CERT_PATH: '/etc/rounds/client.pem',
      TEMPORAL_TLS_KEY_PATH: '/etc/rounds/client.key',
    });

    expect(config.TEMPORAL_TLS_CERT_PATH).toBe('/etc/rounds/client.pem');
    expect(config.TEMPORAL_TLS_KEY_PATH).toBe('/etc/rounds/client.key');
  });
});
