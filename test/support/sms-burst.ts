/**
 * A room texting one code at once: an organization with a Twilio number, sessions approved and
 * under way, and many learners with paired phones; the signed webhooks they send; and a client
 * that posts them over kept-alive HTTP connections, as Twilio does. The SMS-burst fault test and
 * `npm run bench` both use it.
 */
import { Agent, request } from 'node:http';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { Organization, Session } from '../../db/schema';
import { seedApprovedSession, seedOrganization, seedSeries } from './seed';
import { replyIn, signedWebhook, messageSid, WEBHOOK_PATH } from './twilio';

export const BURST_TOKEN = 'burst-auth-token-0123456789abcdef';

export interface Burst {
  organization: Organization;
  sessions: Session[];
  /** Paired phones, in E.164. */
  phones: string[];
}

/** `learners` accounts with paired phones, and `sessions` sessions under way (started 10 minutes before `now`). */
export async function seedBurst(
  db: Database,
  options: { learners: number; sessions: number; now: Date },
): Promise<Burst> {
  const organization = await seedOrganization(db, {
    smsNumber: '+15555550100',
    twilioAuthToken: BURST_TOKEN,
  });
  const grandRounds = await seedSeries(db, organization, {
    name: 'Medicine Grand Rounds',
    status: 'approved',
  });
  const sessions: Session[] = [];
  const topics = [
    'Hyponatremia on the wards',
    'Anemia in older adults',
    'Sepsis bundles',
    'Delirium prevention',
  ];
  for (let i = 0; i < options.sessions; i++) {
    const startsAt = new Date(options.now.getTime() - 10 * 60_000);
    sessions.push(
      await seedApprovedSession(db, grandRounds, {
        name: `${topics[i % topics.length]}${i >= topics.length ? ` ${i + 1}` : ''}`,
        attendanceCode: `ROOM${i + 1}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 60 * 60_000),
      }),
    );
  }
  await db.execute(sql`
    insert into accounts (organization_id, email, email_key, first_name, last_name, degree, profession,
                          password_hash, mobile, sms_paired_at, email_confirmed_at)
    select ${organization.id}, 'learner' || g || '@burst.test', 'learner' || g || '@burst.test',
           'Learner', 'Number ' || g, 'MD', 'Physician', 'x',
           '+1555' || lpad(g::text, 7, '0'), ${options.now.toISOString()}::timestamptz,
           ${options.now.toISOString()}::timestamptz
    from generate_series(1, ${options.learners}) g`);
  await db.execute(sql`analyze`);
  const phones = Array.from({ length: options.learners }, (_, i) => `+1555${String(i + 1).padStart(7, '0')}`);
  return { organization, sessions, phones };
}

export interface Webhook {
  sid: string;
  from: string;
  headers: Record<string, string>;
  body: string;
}

/** Each phone texting `body`, signed with the `twilio` package for `publicUrl`. */
export function burstWebhooks(burst: Burst, publicUrl: string, phones: string[], body: string): Webhook[] {
  return phones.map((from) => {
    const sid = messageSid();
    const signed = signedWebhook(burst.organization, publicUrl, { from, body, sid });
    return { sid, from, headers: signed.headers, body: signed.body };
  });
}

export interface Delivery {
  status: number;
  /** The reply's text, or the body of a non-200 answer; '' when the connection failed. */
  reply: string;
  /** From when it was due (open loop) or sent (closed loop) to the whole answer, in ms. */
  ms: number;
  error?: string;
}

/** Posts one webhook and reads the whole answer. A refused or reset connection is status 0. */
export function deliver(
  base: URL,
  agent: Agent,
  webhook: Webhook,
  dueAt = performance.now(),
): Promise<Delivery> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: WEBHOOK_PATH,
        method: 'POST',
        agent,
        headers: { ...webhook.headers, 'Content-Length': Buffer.byteLength(webhook.body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          data += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, reply: status === 200 ? replyIn(data) : data, ms: performance.now() - dueAt });
        });
        res.on('error', (error) =>
          resolve({ status: 0, reply: '', ms: performance.now() - dueAt, error: error.message }),
        );
      },
    );
    req.on('error', (error) =>
      resolve({ status: 0, reply: '', ms: performance.now() - dueAt, error: error.message }),
    );
    req.end(webhook.body);
  });
}

/** Sends every webhook as fast as `concurrency` connections allow; answers in the webhooks' order. */
export async function closedLoop(
  base: URL,
  webhooks: Webhook[],
  concurrency: number,
): Promise<{ deliveries: Delivery[]; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deliveries: Delivery[] = new Array(webhooks.length);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < webhooks.length) {
        const i = next++;
        deliveries[i] = await deliver(base, agent, webhooks[i]!);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { deliveries, seconds };
}

/**
 * Sends the webhooks at a steady `perSecond`, each at its own due time whatever the answers before
 * it did (an open loop, as a room of phones is), timing each from when it was due.
 */
export async function openLoop(base: URL, webhooks: Webhook[], perSecond: number): Promise<Delivery[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const t0 = performance.now();
  const pending: Promise<Delivery>[] = [];
  for (let i = 0; i < webhooks.length; i++) {
    const dueAt = t0 + (i * 1000) / perSecond;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(deliver(base, agent, webhooks[i]!, dueAt));
  }
  const deliveries = await Promise.all(pending);
  agent.destroy();
  return deliveries;
}
