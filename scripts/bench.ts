/**
 * `npm run bench`: how long Rounds takes to become healthy, and how fast its pages answer.
 * Reports medians (and p95 for requests) with the machine named; tests never time anything.
 *
 *   cold start  `npm start` on an empty data directory until /healthz is 200 (includes seeding)
 *   warm start  `npm start` again on the same data
 *   requests    sequential GETs of /healthz, the sign-in page and a signed-in series page
 *   enumeration what a stranger could time: sign-in for an unknown email, a wrong password and a
 *               locked account; forgot-password for a known and an unknown email (each attempt
 *               from its own forwarded address, so rate limits do not shape the figures)
 *   dashboard   500 series, 25,000 sessions, 60,000 assignments: dashboard pages and the reviewers'
 *               queue (scripts/bench-dashboard.ts; BENCH_ONLY=dashboard runs just this part)
 *   SMS burst   1,000 paired learners texting one code to the web server and worker as production
 *               runs them, against a bare Hono endpoint doing one insert (scripts/bench-sms.ts;
 *               BENCH_ONLY=sms runs just this part)
 *   certificates 1,000 certificates for one session generated, stored and mail queued, by the
 *               lifecycle's activity at the worker's concurrency (scripts/bench-certificates.ts;
 *               BENCH_ONLY=certificates runs just this part)
 */
import { cpus, totalmem } from 'node:os';
import { removeDataDirectories, startRounds } from '../test/support/app-process';
import { benchCertificates } from './bench-certificates';
import { benchDashboard } from './bench-dashboard';
import { benchSmsBurst } from './bench-sms';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 25);
let nextAddress = 1;

/** One signed-out form post from a fresh address (the app trusts one proxy here); milliseconds. */
async function timeFormPost(base: string, path: string, form: Record<string, string>): Promise<number> {
  const address = `198.18.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;
  const headers = { 'x-forwarded-for': address };
  const page = await fetch(`${base}${path}`, { headers });
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const t0 = performance.now();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ ...form, _csrf: token }),
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - t0;
  if (response.status === 429)
    throw new Error(`${path} was rate limited: the benchmark needs fresh addresses`);
  return elapsed;
}

async function timeAttempts(base: string, path: string, form: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ATTEMPTS; i++) times.push(await timeFormPost(base, path, form));
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeRequests(url: string, init: RequestInit = {}): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { ...init, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

async function signInCookie(base: string): Promise<string> {
  const page = await fetch(`${base}/demo/sign-in`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const response = await fetch(`${base}/demo/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({
      email: 'reviewer@demo.rounds.test',
      password: 'Rounds-demo-2026!',
      _csrf: token,
    }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (session.length === 0) throw new Error(`sign-in failed (${response.status})`);
  return [...cookies, ...session].join('; ');
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Rounds benchmarks on ${machine}\n`);

const cold: number[] = [];
const warm: number[] = [];
let requestRows: [string, number[]][] = [];
let enumerationRows: [string, number[]][] = [];
const ONLY = process.env.BENCH_ONLY?.trim() || null;
if (ONLY && !['dashboard', 'sms', 'certificates'].includes(ONLY))
  throw new Error('BENCH_ONLY is dashboard, sms or certificates');
for (let run = 0; run < (ONLY ? 0 : RUNS); run++) {
  let t0 = performance.now();
  const first = await startRounds({ env: { TRUST_PROXY_HOPS: '1' } });
  cold.push(performance.now() - t0);
  if (run === 0) {
    const cookie = await signInCookie(first.url);
    const seriesList = await (await fetch(`${first.url}/demo/series`, { headers: { cookie } })).text();
    const seriesPath = /href="(\/demo\/series\/[0-9a-f-]{36})"/.exec(seriesList)?.[1];
    if (!seriesPath) throw new Error('no series link on the series page');
    requestRows = [
      ['GET /healthz', await timeRequests(`${first.url}/healthz`)],
      ['GET /demo/sign-in', await timeRequests(`${first.url}/demo/sign-in`)],
      [
        'GET series page (signed in, queries the workflow)',
        await timeRequests(`${first.url}${seriesPath}`, { headers: { cookie } }),
      ],
    ];
    // The demo faculty account is locked first, by a stranger's wrong passwords.
    for (let i = 0; i < 5; i++) {
      await timeFormPost(first.url, '/demo/sign-in', {
        email: 'faculty@demo.rounds.test',
        password: `guess ${i}`,
      });
    }
    enumerationRows = [
      [
        'sign-in, unknown email',
        await timeAttempts(first.url, '/demo/sign-in', {
          email: 'nobody@demo.rounds.test',
          password: 'a wrong one',
        }),
      ],
      [
        'sign-in, wrong password',
        await timeAttempts(first.url, '/demo/sign-in', {
          email: 'learner@demo.rounds.test',
          password: 'a wrong one',
        }),
      ],
      [
        'sign-in, locked account',
        await timeAttempts(first.url, '/demo/sign-in', {
          email: 'faculty@demo.rounds.test',
          password: 'a wrong one',
        }),
      ],
      [
        'forgot password, known email',
        await timeAttempts(first.url, '/demo/forgot-password', { email: 'owner@demo.rounds.test' }),
      ],
      [
        'forgot password, unknown email',
        await timeAttempts(first.url, '/demo/forgot-password', { email: 'nobody@demo.rounds.test' }),
      ],
    ];
  }
  await first.stop('SIGINT');
  t0 = performance.now();
  const second = await startRounds({
    dataDir: first.dataDir,
    ports: { port: first.port, temporalPort: first.temporalPort, uiPort: first.uiPort },
  });
  warm.push(performance.now() - t0);
  await second.stop('SIGINT');
  await removeDataDirectories();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
if (!ONLY) {
  console.log(
    `start-up to healthy, median of ${RUNS}: cold ${seconds(median(cold))} (runs: ${cold.map(seconds).join(', ')})`,
  );
  console.log(
    `                                  warm ${seconds(median(warm))} (runs: ${warm.map(seconds).join(', ')})`,
  );
  console.log(`\nsequential requests (${REQUESTS} each): median / p95`);
  for (const [name, times] of requestRows) {
    console.log(`  ${name}: ${median(times).toFixed(1)} ms / ${percentile(times, 95).toFixed(1)} ms`);
  }
  console.log(`\nwhat a stranger could time (${ATTEMPTS} attempts each): median / p95`);
  for (const [name, times] of enumerationRows) {
    console.log(`  ${name}: ${median(times).toFixed(1)} ms / ${percentile(times, 95).toFixed(1)} ms`);
  }
}

const databaseUrl = process.env.TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';
const stats = (times: number[]) => `${median(times).toFixed(1)} ms / ${percentile(times, 95).toFixed(1)} ms`;

// The dashboard and the reviewers' queue over a year of a large office, in process.
if (!ONLY || ONLY === 'dashboard') {
  const DASHBOARD_REQUESTS = Number(process.env.BENCH_DASHBOARD_REQUESTS ?? 50);
  console.log(`\ndashboard at scale (${DASHBOARD_REQUESTS} sequential requests each): median / p95`);
  for (const [name, figure] of await benchDashboard(databaseUrl, DASHBOARD_REQUESTS, stats)) {
    console.log(`  ${name}: ${figure}`);
  }
}

// A room texting one code, to the web server and worker as separate processes.
if (!ONLY || ONLY === 'sms') {
  console.log('\nSMS burst (web server and worker as production runs them, PostgreSQL, Temporal)');
  for (const [name, figure] of await benchSmsBurst(databaseUrl, { median, percentile })) {
    console.log(`  ${name}: ${figure}`);
  }
}

// A session's certificates, all at once, as the worker issues them.
if (!ONLY || ONLY === 'certificates') {
  console.log('\ncertificates');
  for (const [name, figure] of await benchCertificates(databaseUrl, median)) {
    console.log(`  ${name}: ${figure}`);
  }
}
