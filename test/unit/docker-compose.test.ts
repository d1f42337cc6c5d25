/**
 * No Docker engine runs in CI, so docker-compose.yml and the Dockerfile are checked by reading
 * them: the services exist, wire up to each other, and hand Rounds a configuration it accepts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema, loadConfig } from '../../server/config';

const ROOT = new URL('../../', import.meta.url).pathname;

function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/**
 * Compose's variable interpolation: `$$` is a dollar; `${VAR:-default}` and `${VAR-default}` fall
 * back when unset (`:-` also when empty); `${VAR:?message}` and `${VAR?message}` refuse. A plain
 * `${VAR}` or `$VAR` that is unset throws here, where compose would warn and use an empty string,
 * so every setting needs a default for `docker compose up` to work on a fresh machine.
 */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  let result = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char !== '$') {
      result += char;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      result += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let end = i + 2;
      while (end < text.length && depth > 0) {
        if (text[end] === '{') depth += 1;
        if (text[end] === '}') depth -= 1;
        end += 1;
      }
      if (depth !== 0) throw new Error(`Unclosed \${ in ${text}`);
      result += substitute(text.slice(i + 2, end - 1), env);
      i = end;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    if (!name) throw new Error(`A lone $ in ${text}: compose needs $$ for a literal dollar`);
    result += substitute(name, env);
    i += 1 + name.length;
  }
  return result;
}

function substitute(expression: string, env: Record<string, string | undefined>): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expression);
  if (!match) throw new Error(`Not a compose variable: \${${expression}}`);
  const [, name = '', operator, argument = ''] = match;
  const value = env[name];
  const unset = value === undefined;
  const missing = operator?.startsWith(':') ? unset || value === '' : unset;
  switch (operator?.replace(':', '')) {
    case '-':
      return missing ? interpolate(argument, env) : (value ?? '');
    case '?':
      if (missing) throw new Error(`${name} is required: ${argument}`);
      return value ?? '';
    case '+':
      return missing ? '' : interpolate(argument, env);
    default:
      if (unset) throw new Error(`${name} has no default: compose would leave it empty`);
      return value;
  }
}

function interpolateAll(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, env)]));
  }
  return node;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.union([z.string(), z.looseObject({ context: z.string() })]).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
  depends_on: z
    .union([z.array(z.string()), z.record(z.string(), z.looseObject({ condition: z.string() }))])
    .optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  healthcheck: z.looseObject({ test: z.union([z.string(), z.array(z.string())]) }).optional(),
});
const composeSchema = z.looseObject({
  services: z.record(z.string(), serviceSchema),
  volumes: z.record(z.string(), z.unknown()).optional(),
});
type Service = z.infer<typeof serviceSchema>;

/** docker-compose.yml as compose reads it, with the shell environment `env`. */
function loadCompose(env: Record<string, string | undefined> = {}) {
  const raw: unknown = parse(readRepoFile('docker-compose.yml'), { merge: true });
  return composeSchema.parse(interpolateAll(raw, env));
}

function service(compose: ReturnType<typeof loadCompose>, name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
}

/** A service's environment as the strings its process sees (a null value is passed from the host). */
function environmentOf(definition: Service): Record<string, string> {
  const entries = Array.isArray(definition.environment)
    ? definition.environment.map((line) => {
        const at = line.indexOf('=');
        return at === -1 ? [line, null] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(definition.environment ?? {});
  const environment: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof name === 'string' && value !== null && value !== undefined) environment[name] = String(value);
  }
  return environment;
}

function dependencyCondition(definition: Service, on: string): string | undefined {
  const dependsOn = definition.depends_on;
  if (Array.isArray(dependsOn)) return dependsOn.includes(on) ? 'service_started' : undefined;
  return dependsOn?.[on]?.condition;
}

/** `npm run <script>` from a compose command or a Dockerfile CMD. */
/**
 * The package.json script whose command line the container runs. Containers run it directly, not
 * through `npm run`: npm does not pass SIGTERM on, so `docker stop` would kill the process undrained.
 */
function npmScript(command: string | string[] | undefined): string | undefined {
  const words = typeof command === 'string' ? command.trim().split(/\s+/) : (command ?? []);
  const line = words.join(' ');
  return Object.entries(packageJson.scripts).find(([, script]) => script === line)?.[0];
}

const packageJson = z
  .object({
    scripts: z.record(z.string(), z.string()),
    dependencies: z.record(z.string(), z.string()),
    devDependencies: z.record(z.string(), z.string()),
  })
  .parse(JSON.parse(readRepoFile('package.json')));

const ROUNDS_SERVICES = ['migrate', 'web', 'worker'] as const;
const FRESH_MACHINE = {};
const CUSTOMISED = {
  POSTGRES_PASSWORD: 'correct-horse-battery',
  PUBLIC_URL: 'https://cme.example.org',
  RESEND_API_KEY: 're_live_123',
  TEMPORAL_NAMESPACE: 'rounds-prod',
};

describe('compose interpolation, as this test reads it', () => {
  test('defaults apply when a variable is unset, and with :- also when it is empty', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax, not a JavaScript template
    expect(interpolate('${A:-x}/${B-y}/${C:-y}', { B: '', C: 'set' })).toBe('x//set');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax, not a JavaScript template
    expect(interpolate('$$HOME ${A:+on} ${B:+on}', { A: '1' })).toBe('$HOME on ');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax, not a JavaScript template
    expect(() => interpolate('${SECRET}', {})).toThrow('SECRET has no default');
  });
});

describe('docker-compose.yml', () => {
  test('runs PostgreSQL, Temporal, the Temporal UI, a one-shot migrate, the web server and the worker', () => {
    const compose = loadCompose();

    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'migrate', 'web', 'worker']),
    );
    expect(npmScript(service(compose, 'migrate').command)).toBe('migrate');
    expect(npmScript(service(compose, 'web').command)).toBe('web');
    expect(npmScript(service(compose, 'worker').command)).toBe('worker');
  });

  describe.each([
    { machine: 'a fresh machine', env: FRESH_MACHINE },
    { machine: 'a customised .env', env: CUSTOMISED },
  ])('on $machine', ({ env }) => {
    test.each(ROUNDS_SERVICES)('%s gets a production configuration Rounds accepts', (name) => {
      const environment = environmentOf(service(loadCompose(env), name));

      const config = loadConfig(environment);

      expect(config.NODE_ENV).toBe('production');
      expect(config.DATABASE_URL).toBeDefined();
      expect(config.TEMPORAL_ADDRESS).toBeDefined();
    });

    test('web, worker and migrate reach PostgreSQL at the postgres service, in the database it creates, with its credentials', () => {
      const compose = loadCompose(env);
      const postgres = environmentOf(service(compose, 'postgres'));

      for (const name of ROUNDS_SERVICES) {
        const url = new URL(environmentOf(service(compose, name)).DATABASE_URL ?? '');
        expect(url.hostname).toBe('postgres');
        expect(url.port || '5432').toBe('5432');
        expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
        expect(decodeURIComponent(url.username)).toBe(postgres.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
      }
    });

    test('Temporal stores its state in the same PostgreSQL, with its credentials', () => {
      const compose = loadCompose(env);
      const postgres = environmentOf(service(compose, 'postgres'));
      const temporal = environmentOf(service(compose, 'temporal'));

      expect(temporal).toMatchObject({
        DB: 'postgres12',
        POSTGRES_SEEDS: 'postgres',
        DB_PORT: '5432',
        POSTGRES_USER: postgres.POSTGRES_USER,
        POSTGRES_PWD: postgres.POSTGRES_PASSWORD,
      });
      expect(dependencyCondition(service(compose, 'temporal'), 'postgres')).toBe('service_healthy');
    });

    test('web and worker use the namespace Temporal creates', () => {
      const compose = loadCompose(env);
      const temporal = environmentOf(service(compose, 'temporal'));

      for (const name of ['web', 'worker']) {
        expect(environmentOf(service(compose, name)).TEMPORAL_NAMESPACE).toBe(temporal.DEFAULT_NAMESPACE);
      }
    });
  });

  test.each(ROUNDS_SERVICES)('every variable %s sets is one Rounds reads', (name) => {
    const known = Object.keys(configSchema.shape);

    const unknown = Object.keys(environmentOf(service(loadCompose(), name))).filter(
      (variable) => !known.includes(variable),
    );

    expect(unknown).toEqual([]);
  });

  test('web and worker reach Temporal at the temporal service, and so does the UI', () => {
    const compose = loadCompose();

    for (const name of ['web', 'worker', 'temporal-ui']) {
      expect(environmentOf(service(compose, name)).TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });

  test('the databases Temporal is given are created when PostgreSQL first starts', () => {
    const compose = loadCompose();
    const temporal = environmentOf(service(compose, 'temporal'));
    const initScripts = (service(compose, 'postgres').volumes ?? [])
      .map((volume) => volume.split(':'))
      .filter(([, target]) => target?.startsWith('/docker-entrypoint-initdb.d/'))
      .map(([source = '']) => readRepoFile(source));

    expect(temporal.SKIP_DB_CREATE).toBe('true');
    for (const database of [temporal.DBNAME, temporal.VISIBILITY_DBNAME]) {
      expect(database).toMatch(/^\w+$/);
      expect(initScripts.join('\n')).toMatch(new RegExp(`CREATE DATABASE ${database};`, 'i'));
    }
  });

  test('PostgreSQL keeps its data in a named volume and reports when it is ready', () => {
    const compose = loadCompose();
    const postgres = service(compose, 'postgres');
    const dataVolume = postgres.volumes
      ?.map((volume) => volume.split(':'))
      .find(([, target]) => target === '/var/lib/postgresql/data');

    expect(dataVolume?.[0]).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume?.[0]);
    expect(postgres.healthcheck?.test.toString()).toContain('pg_isready');
  });

  test('migrate waits for a healthy PostgreSQL, and web and worker wait for migrate to finish', () => {
    const compose = loadCompose();

    expect(dependencyCondition(service(compose, 'migrate'), 'postgres')).toBe('service_healthy');
    for (const name of ['web', 'worker']) {
      expect(dependencyCondition(service(compose, name), 'migrate')).toBe('service_completed_successfully');
    }
  });

  test('Rounds is published on port 3000, listening on every interface, and the Temporal UI on 8080', () => {
    const compose = loadCompose();
    const web = service(compose, 'web');

    expect(environmentOf(web)).toMatchObject({ HOST: '0.0.0.0', PORT: '3000' });
    expect(web.ports).toContain('3000:3000');
    expect(service(compose, 'temporal-ui').ports).toContain('8080:8080');
  });

  test('images from elsewhere are pinned to a version, never latest', () => {
    const compose = loadCompose();
    const images = ['postgres', 'temporal', 'temporal-ui'].map((name) => service(compose, name).image ?? '');

    for (const image of images) {
      expect(image).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
  });

  test('migrate, web and worker are built from this repository', () => {
    const compose = loadCompose();

    for (const name of ROUNDS_SERVICES) {
      const { build } = service(compose, name);
      expect(typeof build === 'string' ? build : build?.context).toBe('.');
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = existsSync(join(ROOT, 'Dockerfile')) ? readRepoFile('Dockerfile') : '';
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  test('builds on Node 20 (Debian bookworm, slim) and installs without dev dependencies', () => {
    expect(instructions[0]).toBe('FROM node:20-bookworm-slim');
    expect(instructions).toContain('RUN npm ci --omit=dev && npm cache clean --force');
  });

  test('its default command, and every compose command, is a package.json script run directly through tsx', () => {
    const cmd = instructions.find((line) => line.startsWith('CMD '));
    const defaultScript = npmScript(z.array(z.string()).parse(JSON.parse(cmd?.slice(4) ?? 'null')));
    const compose = loadCompose();
    const scripts = [
      defaultScript,
      ...ROUNDS_SERVICES.map((name) => npmScript(service(compose, name).command)),
    ];

    for (const script of scripts) {
      const line = packageJson.scripts[script ?? ''] ?? '';
      // One node process with tsx's loader, so signals reach the program itself.
      const entry = /^node --import tsx (\S+)$/.exec(line)?.[1] ?? '';
      expect(entry, `npm run ${script} runs "${line}"`).not.toBe('');
      expect(existsSync(join(ROOT, entry)), `${entry} exists`).toBe(true);
    }
    // npm ci --omit=dev leaves devDependencies out: tsx has to be a runtime dependency.
    expect(packageJson.dependencies.tsx).toBeDefined();
  });

  test('.dockerignore keeps installed modules, local data and secrets out of the image', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());

    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.data', '.venv', '.env']));
  });
});
