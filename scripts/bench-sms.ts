/**
 * The SMS burst, part of `npm run bench` (BENCH_ONLY=sms runs just this part): a room of learners
 * with paired phones texting one session's code at once, as Twilio delivers it, to Rounds as
 * production runs it (web server and worker as separate processes, PostgreSQL, a Temporal
 * server). Measured against a bare Hono endpoint doing one PostgreSQL insert, in the same run:
 *
 *   throughput  LEARNERS signed webhooks over CONCURRENCY kept-alive connections, as fast as
 *               they are answered; the bare endpoint the same way, before and after; the ratio
 *               of the two. Measured once the warm-up's credit lifecycles are done, so neither
 *               shares the machine with the worker; the CPU each process used meanwhile is shown
 *   latency     another LEARNERS learners texting another session's code at a steady 80 % of
 *               the throughput Rounds reached, each timed from when it was due: p50 and p99
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
const WARM_UP = Number(process.env.BENCH_SMS_WARM_UP ?? 200);

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
    // Three rooms: a warm-up, the throughput burst, the latency run.
    const burst = await seedBurst(db, { learners: WARM_UP + 2 * LEARNERS, sessions: 3, now: new Date() });
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

    const [warmRoom, burstRoom, steadyRoom] = burst.sessions;
    if (!warmRoom || !burstRoom || !steadyRoom) throw new Error('the burst was seeded without its sessions');
    const groups = {
      warm: burst.phones.slice(0, WARM_UP),
      burst: burst.phones.slice(WARM_UP, WARM_UP + LEARNERS),
      steady: burst.phones.slice(WARM_UP + LEARNERS),
    };
    const publicUrl = env.PUBLIC_URL ?? '';
    // Both servers warm up (JIT, pools) before anything is timed.
    const warm = burstWebhooks(burst, publicUrl, groups.warm, warmRoom.attendanceCode);
    expectRecorded(await closedLoop(rounds, warm, 8), 'warm-up');
    await closedLoop(baseline, burstWebhooks(burst, publicUrl, groups.warm, 'WARM'), 8);

    // The warm-up's credit lifecycles run on the worker: both servers are measured once they are
    // done, on a quiet machine, rather than one of them beside them.
    await everyCreditRecorded(db, [warmRoom.id], WARM_UP);

    // The bare endpoint before and after Rounds, so drift on the machine shows; the faster counts.
    const bareHooks = () => burstWebhooks(burst, publicUrl, groups.burst, burstRoom.attendanceCode);
    // What each process used meanwhile, so a run shows what it was waiting for.
    let cpu = readCpu();
    const bareBefore = await closedLoop(baseline, bareHooks(), CONCURRENCY);
    const bareBeforeCpu = cpuSince(cpu);
    cpu = readCpu();
    const burstHooks = burstWebhooks(burst, publicUrl, groups.burst, burstRoom.attendanceCode);
    const roundsBurst = await closedLoop(rounds, burstHooks, CONCURRENCY);
    const roundsCpu = cpuSince(cpu);
    expectRecorded(roundsBurst, 'burst');
    cpu = readCpu();
    const bareAfter = await closedLoop(baseline, bareHooks(), CONCURRENCY);
    const bareAfterCpu = cpuSince(cpu);
    const bare = Math.max(LEARNERS / bareBefore.seconds, LEARNERS / bareAfter.seconds);
    const roundsRate = LEARNERS / roundsBurst.seconds;

    const steadyRate = 0.8 * roundsRate;
    const steadyHooks = burstWebhooks(burst, publicUrl, groups.steady, steadyRoom.attendanceCode);
    const steady = await openLoop(rounds, steadyHooks, steadyRate);
    expectRecorded({ deliveries: steady }, 'steady');
    const latencies = steady.map((d) => d.ms);

    // Exactly once: one claim per learner per room, one text per MessageSid.
    const once: string[] = [];
    for (const [room, hooks] of [
      [burstRoom, burstHooks],
      [steadyRoom, steadyHooks],
    ] as const) {
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
    const rooms = [warmRoom.id, burstRoom.id, steadyRoom.id];
    const everyone = WARM_UP + 2 * LEARNERS;
    await everyCreditRecorded(db, rooms, everyone);
    const drained = (performance.now() - drainStarted) / 1000;

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    return [
      [
        'bare Hono endpoint, one insert',
        `${bare.toFixed(0)} webhooks/s (before ${(LEARNERS / bareBefore.seconds).toFixed(0)}, after ${(LEARNERS / bareAfter.seconds).toFixed(0)})`,
      ],
      ['  CPU used by the bare run before', bareBeforeCpu],
      ['  and after', bareAfterCpu],
      [
        `Rounds, ${LEARNERS} learners texting one code`,
        `${roundsRate.toFixed(0)} webhooks/s in ${roundsBurst.seconds.toFixed(1)} s = ${((100 * roundsRate) / bare).toFixed(0)} % of the bare endpoint (target ≥ 50 %)`,
      ],
      ['  CPU used meanwhile', roundsCpu],
      [
        `latency at 80 % (${steadyRate.toFixed(0)}/s, ${LEARNERS} more learners)`,
        `p50 ${ms(stats.median(latencies))}, p99 ${ms(stats.percentile(latencies, 99))}, max ${ms(Math.max(...latencies))} (target p99 < 250 ms)`,
      ],
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
