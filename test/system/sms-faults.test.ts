import { Client, Connection } from '@temporalio/client';
import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { claims, textsReceived } from '../../db/schema';
import { createTestDatabase, type PostgresTestDatabase } from '../support/database';
import {
  type Launched,
  productionEnv,
  startTemporalServer,
  startWebProcess,
  startWorkerProcess,
  until,
} from '../support/deployment';
import { startPrivatePostgres } from '../support/private-postgres';
import {
  burstWebhooks,
  closedLoop,
  type Delivery,
  deliver,
  seedBurst,
  type Webhook,
} from '../support/sms-burst';
import { Agent } from 'node:http';

/**
 * A room texting one code while parts of Rounds die under it: the worker and then the web server
 * killed with SIGKILL mid-burst, and PostgreSQL stopped outright. Twilio's retry (connection
 * overrides: on connection failure and on 5xx) is the test resending every MessageSid that got no
 * 200. No claim may be lost, none doubled, and a retried text gets the reply it got first.
 */

let temporal: { address: string; server: Launched };
const running: Launched[] = [];

beforeAll(async () => {
  temporal = await startTemporalServer();
  running.push(temporal.server);
});

afterAll(async () => {
  for (const process of running.reverse()) await process.kill();
});

/** Sends until `after` webhooks were answered, then runs `fault` once, and keeps sending. */
async function burstWithFault(
  base: URL,
  webhooks: Webhook[],
  faults: { after: number; fault: () => Promise<void> }[],
): Promise<Delivery[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const deliveries: Delivery[] = new Array(webhooks.length);
  let next = 0;
  let answered = 0;
  const pending = [...faults].sort((a, b) => a.after - b.after);
  let faulting: Promise<void> = Promise.resolve();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < webhooks.length) {
        const i = next++;
        deliveries[i] = await deliver(base, agent, webhooks[i]!);
        answered++;
        const due = pending[0];
        if (due && answered >= due.after) {
          pending.shift();
          // At once, not after the previous fault: the burst goes on meanwhile, and a fault that
          // waited for another could land after the last webhook and cut nothing off.
          faulting = Promise.all([faulting, due.fault()]).then(() => {});
        }
      }
    }),
  );
  await faulting;
  agent.destroy();
  return deliveries;
}

/** Twilio's retries: every webhook without a 200 is sent again until all have one (or rounds run out). */
async function retryUnanswered(base: URL, webhooks: Webhook[], deliveries: Delivery[]): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const unanswered = webhooks.map((_, i) => i).filter((i) => deliveries[i]?.status !== 200);
    if (unanswered.length === 0) return;
    const again = await closedLoop(
      base,
      unanswered.map((i) => webhooks[i]!),
      8,
    );
    unanswered.forEach((i, k) => {
      deliveries[i] = again.deliveries[k]!;
    });
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('an SMS burst through crashes', () => {
  let database: PostgresTestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('kill -9 of the worker and then the web server mid-burst: with retries, every claim is recorded once and every credit lifecycle started once', async () => {
    const LEARNERS = 400;
    const burst = await seedBurst(database.db, { learners: LEARNERS, sessions: 1, now: new Date() });
    const room = burst.sessions[0]!;
    const env = await productionEnv(database.url, temporal.address);
    let worker = startWorkerProcess(env);
    let web = await startWebProcess(env);
    running.push(worker, web);
    const base = new URL(`http://127.0.0.1:${env.PORT}`);
    const webhooks = burstWebhooks(burst, env.PUBLIC_URL!, burst.phones, room.attendanceCode.toLowerCase());

    const deliveries = await burstWithFault(base, webhooks, [
      { after: 100, fault: () => worker.kill('SIGKILL') },
      {
        after: 200,
        fault: async () => {
          await web.kill('SIGKILL');
          // Down for a moment: deliveries meanwhile fail to connect, as Twilio's would.
          await new Promise((r) => setTimeout(r, 300));
          web = await startWebProcess(env);
          running.push(web);
        },
      },
    ]);
    const failedFirst = deliveries.filter((d) => d.status !== 200).length;
    expect(deliveries.every((d) => d.status === 200 || d.status === 0 || d.status === 503)).toBe(true);
    const firstReplies = new Map(
      webhooks.flatMap((w, i) => (deliveries[i]?.status === 200 ? [[w.sid, deliveries[i]!.reply]] : [])),
    );

    await retryUnanswered(base, webhooks, deliveries);
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    // Some were cut off (the server died under them) and were answered on a retry.
    expect(failedFirst).toBeGreaterThan(0);

    // Twilio may also resend one that was answered: the same words, nothing new recorded.
    const resent = await closedLoop(base, webhooks.slice(0, 50), 8);
    resent.deliveries.forEach((d, i) => {
      expect(d.status).toBe(200);
      expect(d.reply).toBe(deliveries[i]!.reply);
    });
    for (const [sid, reply] of firstReplies) {
      const i = webhooks.findIndex((w) => w.sid === sid);
      expect(deliveries[i]!.reply).toBe(reply);
    }
    // A learner whose text was retried after the crash is told "recorded" (their claim may have
    // committed before the server died, in which case the stored reply says so), never doubled.
    expect(deliveries.every((d) => d.reply.startsWith('Thank you. We have recorded'))).toBe(true);

    const { db } = database;
    const [claimed] = await db
      .select({ n: count(), learners: sql<number>`count(distinct ${claims.accountId})::int` })
      .from(claims)
      .where(eq(claims.sessionId, room.id));
    expect(claimed).toEqual({ n: LEARNERS, learners: LEARNERS });
    const [texts] = await db
      .select({ n: count() })
      .from(textsReceived)
      .where(
        inArray(
          textsReceived.messageSid,
          webhooks.map((w) => w.sid),
        ),
      );
    expect(texts?.n).toBe(LEARNERS);

    // The worker comes back; its sweep starts any lifecycle whose start died with the web server.
    worker = startWorkerProcess(env);
    running.push(worker);
    await until(
      async () => {
        const [credited] = await db
          .select({ n: count() })
          .from(claims)
          .where(and(eq(claims.sessionId, room.id), isNotNull(claims.creditRecordedAt)));
        return credited?.n === LEARNERS;
      },
      'every credit on its learner’s record',
      120_000,
    );
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection });
      const lifecycles = await client.workflow.count(`WorkflowType = 'credit'`);
      expect(lifecycles.count).toBe(LEARNERS);
    } finally {
      await connection.close();
    }
    await web.kill('SIGTERM');
    await worker.kill('SIGTERM');
  }, 240_000);

  it('PostgreSQL stopped mid-burst: the webhook answers 503, nothing half-written, and the retries record each claim once', async () => {
    const LEARNERS = 200;
    const server = await startPrivatePostgres();
    try {
      const admin = postgres(server.url, { max: 1, onnotice: () => {} });
      await admin.unsafe('create database rounds');
      await admin.end();
      const url = server.url.replace(/\/postgres$/, '/rounds');
      const setup = await openDatabase({ url, maxConnections: 2 });
      await setup.migrate();
      const burst = await seedBurst(setup.db, { learners: LEARNERS, sessions: 1, now: new Date() });
      await setup.close();
      const room = burst.sessions[0]!;
      const env = await productionEnv(url, temporal.address);
      const web = await startWebProcess(env);
      running.push(web);
      const base = new URL(`http://127.0.0.1:${env.PORT}`);
      const webhooks = burstWebhooks(burst, env.PUBLIC_URL!, burst.phones, room.attendanceCode);

      let crashTook = 0;
      const deliveries = await burstWithFault(base, webhooks, [
        {
          after: 60,
          fault: async () => {
            const c0 = performance.now();
            await server.crash();
            crashTook = performance.now() - c0;
          },
        },
      ]);
      expect(crashTook).toBeGreaterThan(0);
      // Each within Twilio's 15-second budget: a database that does not answer gets 503 at the deadline.
      expect(deliveries.filter((d) => d.ms >= 15_000)).toEqual([]);
      const refused = deliveries.filter((d) => d.status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      // Twilio retries a 503; nothing ever answers 500 or drops the connection.
      expect(
        refused.filter((d) => d.status !== 503),
        web.output(),
      ).toEqual([]);
      expect(refused[0]?.reply).toContain('Try again shortly.');

      await server.start();
      const db = (await openDatabase({ url, maxConnections: 2 })).db;
      // Nothing partial: every claim has the text that made it, and every text its claim.
      const orphans = await db.execute(sql`
        select (select count(*) from claims c where not exists (
                  select 1 from texts_received t where t.account_id = c.account_id and t.session_id = c.session_id))::int as claims,
               (select count(*) from texts_received t where t.outcome = 'claim_recorded' and not exists (
                  select 1 from claims c where c.account_id = t.account_id and c.session_id = t.session_id))::int as texts`);
      expect([...(orphans as unknown as object[])]).toEqual([{ claims: 0, texts: 0 }]);

      await retryUnanswered(base, webhooks, deliveries);
      expect(
        deliveries.filter((d) => d.status !== 200),
        web.output(),
      ).toEqual([]);
      expect(deliveries.every((d) => d.reply.startsWith('Thank you. We have recorded'))).toBe(true);
      const [claimed] = await db
        .select({ n: count(), learners: sql<number>`count(distinct ${claims.accountId})::int` })
        .from(claims)
        .where(eq(claims.sessionId, room.id));
      expect(claimed).toEqual({ n: LEARNERS, learners: LEARNERS });
      await web.kill('SIGTERM');
    } finally {
      await server.remove();
    }
  }, 240_000);
});
