/**
 * The dashboard at scale, part of `npm run bench`: a PostgreSQL database of 500 series, 25,000
 * sessions, 60,000 faculty assignments and 2,500 disclosures; then, through the real app in
 * process, a filtered dashboard page (50 rows), the first unfiltered page, a status search, and
 * the reviewers' queue, each timed sequentially, median and p95. Status is derived per page in
 * batch (server/session-facts.ts); nothing here is cached between requests.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../db/client';
import type { Organization } from '../db/schema';
import { seedMember, signIn } from '../test/support/accounts';
import { Visitor } from '../test/support/http';
import { seedOrganization } from '../test/support/seed';
import { createTestApp } from '../test/support/test-app';
import type { TestDatabase } from '../test/support/database';

const SERIES = 500;
const SESSIONS_PER_SERIES = 50;
const FACULTY_PEOPLE = 3000;
const ASSIGNMENTS = 60_000;

export async function benchDashboard(
  baseUrl: string,
  requests: number,
  stats: (times: number[]) => string,
): Promise<[string, string][]> {
  return withBenchDatabase(baseUrl, (bench) => measure(bench, requests, stats));
}

interface BenchDatabase {
  db: Database;
  organization: Organization;
  now: Date;
  built: string;
}

/** A fresh database filled at scale, dropped after `body`. */
export async function withBenchDatabase<T>(
  baseUrl: string,
  body: (bench: BenchDatabase) => Promise<T>,
): Promise<T> {
  const name = `rounds_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), maxConnections: 4 });
  try {
    await handle.migrate();
    const { db } = handle;
    const now = new Date();
    const iso = now.toISOString();
    const organization = await seedOrganization(db, { code: 'bench', timeZone: 'America/New_York' });
    await seedMember(db, organization, { email: 'reviewer@bench.test', roles: ['reviewer'] });
    const coordinator = await seedMember(db, organization, { email: 'coordinator@bench.test' });
    const org = organization.id;
    const t0 = performance.now();
    await db.execute(sql`
      insert into accounts (organization_id, email, email_key, first_name, last_name, degree, profession, password_hash)
      select ${org}, 'f' || g || '@bench.test', 'f' || g || '@bench.test', 'First' || g, 'Last' || lpad(g::text, 5, '0'), 'MD', 'Physician', 'x'
      from generate_series(1, ${FACULTY_PEOPLE}) g`);
    await db.execute(sql`
      insert into series (organization_id, name, department, year, credits_per_session, status)
      select ${org}, 'Series ' || lpad(g::text, 3, '0'), 'Department ' || (g % 20), extract(year from now())::int, 1.00, 'approved'
      from generate_series(1, ${SERIES}) g`);
    // The bench coordinator runs ten of the series.
    await db.execute(sql`
      insert into series_roles (series_id, account_id, role)
      select id, ${coordinator.id}, 'coordinator' from series where organization_id = ${org} order by name limit 10`);
    await db.execute(sql`
      insert into sessions (series_id, organization_id, attendance_code, name, starts_at, ends_at, time_zone, credits)
      select s.id, ${org}, 'B' || s.n || '-' || g,
             -- Letters only: a digit could read as a date, which the name check refuses.
             'Topic ' || translate(substr(md5(s.n || '-' || g), 1, 10), '0123456789', 'ghijklmnop'),
             ${iso}::timestamptz + ((g * 7 + s.n % 7) % 330) * interval '1 day' + interval '2 hours',
             ${iso}::timestamptz + ((g * 7 + s.n % 7) % 330) * interval '1 day' + interval '3 hours',
             'America/New_York', 1.00
      from (select id, row_number() over (order by name) as n from series where organization_id = ${org}) s,
           generate_series(1, ${SESSIONS_PER_SERIES}) g`);
    await db.execute(sql`
      insert into session_faculty (session_id, account_id, role)
      select x.session_id, x.account_id, 'speaker' from (
        select distinct on (s.id, a.k) s.id as session_id,
               (select id from accounts where email = 'f' || (((s.rn * 3 + a.k * 977) % ${FACULTY_PEOPLE}) + 1) || '@bench.test') as account_id
        from (select id, row_number() over (order by id) as rn from sessions where organization_id = ${org}) s,
             generate_series(1, 3) a(k)
        where a.k <= 2 or s.rn % 5 < 2
      ) x limit ${ASSIGNMENTS}`);
    await db.execute(sql`
      insert into disclosures (organization_id, account_id, submitted_at, has_relationships, owner_or_employee, signature, attested_at)
      select ${org}, id, ${iso}::timestamptz - ((row_number() over (order by email)) % 400) * interval '1 day', false, false, first_name || ' ' || last_name, ${iso}::timestamptz
      from accounts where email like 'f%@bench.test'
      order by email limit 2500`);
    await db.execute(sql`
      insert into disclosure_relationships (disclosure_id, company, nature)
      select id, 'Company ' || (row_number() over (order by id)) % 50, 'consultant' from disclosures
      where organization_id = ${org} and random() < 0.2`);
    await db.execute(sql`analyze`);
    const [counted] = (await db.execute(sql`select
        (select count(*) from series where organization_id = ${org}) as series,
        (select count(*) from sessions where organization_id = ${org}) as sessions,
        (select count(*) from session_faculty) as assignments,
        (select count(*) from disclosures) as disclosures`)) as unknown as Record<string, string>[];
    const built = `${counted?.series} series, ${counted?.sessions} sessions, ${counted?.assignments} assignments, ${counted?.disclosures} disclosures, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`;

    return await body({ db, organization, now, built });
  } finally {
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

async function measure(
  { db, organization, now, built }: BenchDatabase,
  requests: number,
  stats: (times: number[]) => string,
): Promise<[string, string][]> {
  const org = organization.id;
  const t = createTestApp({ db } as TestDatabase, { now });
  const reviewer = new Visitor(t.app);
  await signIn(reviewer, organization, 'reviewer@bench.test');
  const someSeries = (await db.execute(
    sql`select id from series where organization_id = ${org} order by name offset 250 limit 1`,
  )) as unknown as { id: string }[];
  const time = async (visitor: Visitor, path: string) => {
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t1 = performance.now();
      const page = await visitor.get(path);
      times.push(performance.now() - t1);
      if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    }
    return times;
  };
  const to = new Date(now.getTime() + 120 * 86_400_000).toISOString().slice(0, 10);
  const coordinatorVisitor = new Visitor(t.app);
  await signIn(coordinatorVisitor, organization, 'coordinator@bench.test');
  return [
    ['database', built],
    [
      'dashboard, one series over 4 months (reviewer)',
      stats(await time(reviewer, `/bench/dashboard?series=${someSeries[0]?.id}&to=${to}`)),
    ],
    ['dashboard, first page of everything (reviewer)', stats(await time(reviewer, '/bench/dashboard'))],
    ['dashboard, page 20 of everything (reviewer)', stats(await time(reviewer, '/bench/dashboard?page=20'))],
    [
      'dashboard, faculty last name "Last0042"',
      stats(await time(reviewer, '/bench/dashboard?faculty=Last0042')),
    ],
    [
      'dashboard, status PENDING (derived, first page)',
      stats(await time(reviewer, '/bench/dashboard?status=pending')),
    ],
    ['dashboard, a coordinator of 10 series', stats(await time(coordinatorVisitor, '/bench/dashboard'))],
    ['reviewers’ queue', stats(await time(reviewer, '/bench/review'))],
  ];
}
