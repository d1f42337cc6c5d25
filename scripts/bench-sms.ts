/**
 * The SMS burst, part of `npm run bench` (BENCH_ONLY=sms runs just this part): a room of learners
 * with paired phones texting one session's code at once, as Twilio delivers it, to Rounds as
 * production runs it (web server and worker as separate processes, PostgreSQL, a Temporal
 * server). Measured against a bare Hono endpoint doing one PostgreSQL insert, in the same run:
 *
 *   throughput  LEARNERS signed webhooks over CONCURRENCY kept-alive connections, as fast as
 *               they are answered; the bare endpoint the same way; by turns, RUNS times, each
 *               on a quiet machine (the worker done with the previous room's credits); the
 *               ratio of the medians, and the CPU each process used in the median run
 *   latency     another LEARNERS learners texting another session's code at a steady 80 % of
 *               the throughput Rounds reached, each timed from when it was due: p50 and p99;
 *               on a quiet machine too
 *   exactly once every webhook answered 200 "recorded", one claim per learner per session, one
 *               text on record per MessageSid; then the time until the worker put every credit
 *               on its learner's record (the credit lifecycle, started after each claim)
 */
import { randomBytes } from 'node:crypto';
import { and, count, eq, isNotNull, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../db/client';
import { claims, textsReceived } from '../db/schema';
import { freePort } from '../test/support/app-process';
import {
  type Launched,
  launch,
  productionEnv,
  startTemporalServer,
  startWebProcess,
  startWorkerProcess,
  until,
} from '../test/support/deployment';
import { burstWebhooks, closedLoop, type Delivery, openLoop, seedBurst } from '../test/support/sms-burst';
import { cpuSince, readCpu } from './bench-cpu';

const LEARNERS = Number(process.env.BENCH_SMS_LEARNERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_SMS_CONCURRENCY ?? 32);
const WARM_UP = Number(process.env.BENCH_SMS_WARM_UP ?? 500);
const RUNS = Number(process.env.BENCH_SMS_RUNS ?? 3);

export async function benchSmsBurst(
  baseUrl: string,
  stats: { median(values: number[]): number; percentile(values: number[], p: number): number },
): Promise<[string, string][]> {
  const name = `rounds_bench_sms_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = await openDatabase({ url: databaseUrl, maxConnections: 2 });
  const started: Launched[] = [];
  try {
    await handle.migrate();
    const { db } = handle;
    // Rooms: a warm-up, one per throughput run, the latency run. Each room's learners are the
    // same phones: one text each per room, well inside a phone's limit.
    const burst = await seedBurst(db, {
      learners: WARM_UP + 2 * LEARNERS,
      sessions: RUNS + 2,
      now: new Date(),
    });
    const { address, server } = await startTemporalServer();
    started.push(server);
    const env: Record<string, string> = {
      ...(await productionEnv(databaseUrl, address)),
      CREDIT_STARTS_PER_SECOND: process.env.CREDIT_STARTS_PER_SECOND ?? '20',
    };
    started.push(startWorkerProcess(env));
    const web = await startWebProcess(env);
    started.push(web);
    const rounds = new URL(`http://127.0.0.1:${env.PORT}`);

    const baselinePort = await freePort();
    const baselineProcess = launch(process.execPath, ['--import', 'tsx', 'scripts/bench-baseline.ts'], {
      DATABASE_URL: databaseUrl,
      PORT: String(baselinePort),
    });
    started.push(baselineProcess);
    const baseline = new URL(`http://127.0.0.1:${baselinePort}`);
    await until(async () => (await fetch(`${baseline}healthz`)).ok, 'the bare endpoint answering');

    const [warmRoom, ...others] = burst.sessions;
    const burstRooms = others.slice(0, RUNS);
    const steadyRoom = others[RUNS];
    if (!warmRoom || !steadyRoom || burstRooms.length !== RUNS) {
      throw new Error('the burst was seeded without its sessions');
    }
    const groups = {
      warm: burst.phones.slice(0, WARM_UP),
      burst: burst.phones.slice(WARM_UP, WARM_UP + LEARNERS),
      steady: burst.phones.slice(WARM_UP + LEARNERS),
    };
    const publicUrl = env.PUBLIC_URL ?? '';
    // Both servers warm up (JIT, pools) the same way before anything is timed.
    const warm = burstWebhooks(burst, publicUrl, groups.warm, warmRoom.attendanceCode);
    expectRecorded(await closedLoop(rounds, warm, CONCURRENCY), 'warm-up');
    await closedLoop(baseline, burstWebhooks(burst, publicUrl, groups.warm, 'WARM'), CONCURRENCY);

    // The bare endpoint and Rounds by turns, RUNS times, each on a quiet machine: the credit
    // lifecycles the previous room started run on the worker first, so neither server is measured
    // beside them. The medians count; what each process used shows what a run waited for.
    const runs: { bare: number; rounds: number; bareCpu: string; roundsCpu: string }[] = [];
    const measuredRooms: { room: (typeof burstRooms)[number]; hooks: ReturnType<typeof burstWebhooks> }[] =
      [];
    const credited = [warmRoom.id];
    let creditsExpected = WARM_UP;
    for (const room of burstRooms) {
      await everyCreditRecorded(db, credited, creditsExpected);
      let cpu = readCpu();
      const bareRun = await closedLoop(
        baseline,
        burstWebhooks(burst, publicUrl, groups.burst, room.attendanceCode),
        CONCURRENCY,
      );
      const bareCpu = cpuSince(cpu);
      const hooks = burstWebhooks(burst, publicUrl, groups.burst, room.attendanceCode);
      cpu = readCpu();
      const roundsRun = await closedLoop(rounds, hooks, CONCURRENCY);
      const roundsCpu = cpuSince(cpu);
      expectRecorded(roundsRun, `${room.name}`);
      runs.push({
        bare: LEARNERS / bareRun.seconds,
        rounds: LEARNERS / roundsRun.seconds,
        bareCpu,
        roundsCpu,
      });
      measuredRooms.push({ room, hooks });
      credited.push(room.id);
      creditsExpected += LEARNERS;
    }
    const bare = stats.median(runs.map((run) => run.bare));
    const roundsRate = stats.median(runs.map((run) => run.rounds));
    const medianRun = [...runs].sort((a, b) => a.rounds - b.rounds)[Math.floor(runs.length / 2)];

    // The latency run too starts on a quiet machine, as each throughput run did.
    await everyCreditRecorded(db, credited, creditsExpected);
    const steadyRate = 0.8 * roundsRate;
    const steadyHooks = burstWebhooks(burst, publicUrl, groups.steady, steadyRoom.attendanceCode);
    const steadyStarted = readCpu();
    const steady = await openLoop(rounds, steadyHooks, steadyRate);
    const steadyCpu = cpuSince(steadyStarted);
    expectRecorded({ deliveries: steady }, 'steady');
    const latencies = steady.map((d) => d.ms);

    // Exactly once: one claim per learner per room, one text per MessageSid.
    const once: string[] = [];
    for (const { room, hooks } of [...measuredRooms, { room: steadyRoom, hooks: steadyHooks }]) {
      const [claimed] = await db
        .select({ n: count(), learners: sql<number>`count(distinct ${claims.accountId})::int` })
        .from(claims)
        .where(eq(claims.sessionId, room.id));
      const [texts] = await db
        .select({ n: count() })
        .from(textsReceived)
        .where(
          inArray(
            textsReceived.messageSid,
            hooks.map((h) => h.sid),
          ),
        );
      if (claimed?.n !== LEARNERS || claimed.learners !== LEARNERS || texts?.n !== LEARNERS) {
        throw new Error(
          `${room.name}: ${claimed?.n} claims by ${claimed?.learners} learners and ${texts?.n} texts on record for ${LEARNERS} webhooks`,
        );
      }
      once.push(`${room.name}: ${claimed.n} claims, ${texts.n} texts`);
    }
    const drainStarted = performance.now();
    await everyCreditRecorded(db, [...credited, steadyRoom.id], creditsExpected + LEARNERS);
    const drained = (performance.now() - drainStarted) / 1000;

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const rate = (value: number) => `${value.toFixed(0)}/s`;
    return [
      [
        `bare Hono endpoint, one insert (median of ${RUNS})`,
        `${bare.toFixed(0)} webhooks/s (runs: ${runs.map((run) => rate(run.bare)).join(', ')})`,
      ],
      [
        `Rounds, ${LEARNERS} learners texting one code (median of ${RUNS})`,
        `${roundsRate.toFixed(0)} webhooks/s = ${((100 * roundsRate) / bare).toFixed(0)} % of the bare endpoint (target ≥ 50 %; runs: ${runs.map((run) => rate(run.rounds)).join(', ')}; each run's ratio: ${runs.map((run) => `${((100 * run.rounds) / run.bare).toFixed(0)} %`).join(', ')})`,
      ],
      ['  CPU used by the median Rounds run', medianRun?.roundsCpu ?? ''],
      ['  and by the bare run before it', medianRun?.bareCpu ?? ''],
      [
        `latency at 80 % (${steadyRate.toFixed(0)}/s, ${LEARNERS} more learners)`,
        `p50 ${ms(stats.median(latencies))}, p99 ${ms(stats.percentile(latencies, 99))}, max ${ms(Math.max(...latencies))} (target p99 < 250 ms)`,
      ],
      ['  CPU used meanwhile', steadyCpu],
      ['exactly once', once.join('; ')],
      ['every credit on record (worker)', `${drained.toFixed(1)} s after the last answer`],
    ];
  } finally {
    // SIGTERM first: the web server drains, and writes its CPU profile when asked for one.
    for (const process of started.reverse()) await process.kill('SIGTERM');
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

/** Waits until the worker has put `expected` credits from these rooms on their learners' records. */
async function everyCreditRecorded(db: Database, rooms: string[], expected: number): Promise<void> {
  await until(
    async () => {
      const [credited] = await db
        .select({ n: count() })
        .from(claims)
        .where(and(inArray(claims.sessionId, rooms), isNotNull(claims.creditRecordedAt)));
      return credited?.n === expected;
    },
    'every credit on its learner’s record',
    300_000,
  );
}

/** Every webhook answered 200 with the recorded reply, or the run says which did not and why. */
function expectRecorded(run: { deliveries: Delivery[] }, what: string): void {
  const wrong = run.deliveries.filter((d) => d.status !== 200 || !d.reply.startsWith('Thank you.'));
  if (wrong.length > 0) {
    const first = wrong[0];
    throw new Error(
      `${what}: ${wrong.length} of ${run.deliveries.length} webhooks were not recorded; the first: ${first?.status} ${first?.error ?? first?.reply}`,
    );
  }
}
