import { eq } from 'drizzle-orm';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema';
import type { Clock } from '../../server/clock';
import { loadConfig } from '../../server/config';
import { MessageInFlight, type OutgoingMessage, createMailer } from '../../server/mail';
import { type PostgresTestDatabase, createTestDatabase } from '../support/database';

let database: PostgresTestDatabase;
const clock: Clock = { now: () => new Date('2027-03-01T15:00:00Z') };

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

const reset: OutgoingMessage = {
  idempotencyKey: 'password-reset:abc',
  organizationId: null,
  kind: 'password-reset',
  to: 'ann@riverside.test',
  subject: 'Reset your password',
  html: '<p>Reset</p>',
  text: 'Reset',
};

/** Stands in for Resend's HTTP API on localhost, recording what the real SDK sends it. */
async function resendApi(answer: (request: IncomingMessage) => { status: number; body: unknown }) {
  const received: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(raw || '{}') });
      const { status, body } = answer(request);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(r)) };
}

describe('mail', () => {
  it('in development every message is kept in the outbox, once per idempotency key', async () => {
    const mailer = createMailer({ config: loadConfig({}), db: database.db, clock });
    expect(mailer.transport).toBe('outbox');
    const first = await mailer.send(reset);
    const again = await mailer.send(reset);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ messageId: first.messageId, duplicate: true });
    const kept = await database.db.select().from(messages);
    expect(kept).toMatchObject([
      { to: 'ann@riverside.test', status: 'sent', transport: 'outbox', sentAt: clock.now() },
    ]);
  });

  it('with RESEND_API_KEY the message goes to Resend with its idempotency key, and is recorded as sent', async () => {
    const api = await resendApi(() => ({ status: 200, body: { id: 're_123' } }));
    try {
      const config = loadConfig({
        RESEND_API_KEY: 're_test_key',
        MAIL_FROM: 'CME Office <cme@riverside.test>',
      });
      const mailer = createMailer({ config, db: database.db, clock, resendBaseUrl: api.url });
      expect(mailer.transport).toBe('resend');
      await mailer.send(reset);
      await mailer.send(reset);
      // The retry was answered from the record: Resend saw one request.
      expect(api.received).toHaveLength(1);
      const [request] = api.received;
      expect(request?.path).toBe('/emails');
      expect(request?.headers['idempotency-key']).toBe('password-reset:abc');
      expect(request?.headers.authorization).toBe('Bearer re_test_key');
      expect(request?.body).toMatchObject({
        from: 'CME Office <cme@riverside.test>',
        subject: 'Reset your password',
      });
      const [kept] = await database.db.select().from(messages);
      expect(kept).toMatchObject({ transport: 'resend', providerId: 're_123', status: 'sent' });

      // A message a person wrote sends replies to them, and the record says where.
      await mailer.send({ ...reset, idempotencyKey: 'session-message:1', replyTo: 'cora@riverside.test' });
      expect(api.received[1]?.body).toMatchObject({ reply_to: 'cora@riverside.test' });
      const [written] = await database.db
        .select()
        .from(messages)
        .where(eq(messages.idempotencyKey, 'session-message:1'));
      expect(written?.replyTo).toBe('cora@riverside.test');
    } finally {
      await api.close();
    }
  });

  it('a message another request is sending right now is not sent again; one left sending by a crash is, a minute on', async () => {
    const api = await resendApi(() => ({ status: 200, body: { id: 're_789' } }));
    try {
      let now = new Date('2027-03-01T15:00:00Z');
      const ticking: Clock = { now: () => now };
      const config = loadConfig({ RESEND_API_KEY: 're_test_key' });
      const mailer = createMailer({ config, db: database.db, clock: ticking, resendBaseUrl: api.url });
      // As a request that claimed the message and has not finished (or died) leaves it.
      await database.db.insert(messages).values({
        ...reset,
        transport: 'resend',
        status: 'sending',
        createdAt: now,
      });
      await expect(mailer.send(reset)).rejects.toBeInstanceOf(MessageInFlight);
      expect(api.received).toHaveLength(0);
      now = new Date('2027-03-01T15:01:30Z');
      expect(await mailer.send(reset)).toMatchObject({ duplicate: false });
      expect(api.received).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('a message Resend refuses is recorded as failed with the reason, and a retry sends it again', async () => {
    let refuse = true;
    const api = await resendApi(() =>
      refuse
        ? {
            status: 422,
            body: { name: 'validation_error', message: 'The to address is invalid.', statusCode: 422 },
          }
        : { status: 200, body: { id: 're_456' } },
    );
    try {
      const config = loadConfig({ RESEND_API_KEY: 're_test_key' });
      const mailer = createMailer({ config, db: database.db, clock, resendBaseUrl: api.url });
      await expect(mailer.send(reset)).rejects.toThrow(/The to address is invalid/);
      expect(await database.db.select().from(messages)).toMatchObject([
        { status: 'failed', error: expect.stringContaining('The to address is invalid') },
      ]);
      refuse = false;
      expect((await mailer.send(reset)).duplicate).toBe(false);
      expect(await database.db.select().from(messages)).toMatchObject([
        { status: 'sent', providerId: 're_456', error: null },
      ]);
      expect(api.received).toHaveLength(2);
    } finally {
      await api.close();
    }
  });

  it('a link sent through Resend reaches the person, but the record keeps the mail without its token', async () => {
    const api = await resendApi(() => ({ status: 200, body: { id: 're_789' } }));
    try {
      const config = loadConfig({ RESEND_API_KEY: 're_test_key' });
      const mailer = createMailer({ config, db: database.db, clock, resendBaseUrl: api.url });
      const token = 'Zm9vYmFyYmF6cXV4cXV1eA';
      const url = `https://cme.example.org/river/reset-password?token=${token}`;
      await mailer.send({
        ...reset,
        html: `<a href="${url}">Reset</a>`,
        text: `Reset: ${url}`,
        secrets: [token],
      });

      expect(api.received[0]?.body).toMatchObject({ text: `Reset: ${url}` });
      const [kept] = await database.db.select().from(messages);
      expect(kept?.text).toBe('Reset: https://cme.example.org/river/reset-password?token=[removed]');
      expect(JSON.stringify(kept)).not.toContain(token);
    } finally {
      await api.close();
    }
  });

  it('in production the outbox record keeps no token either; in development it is the mailbox, so it does', async () => {
    const token = 'cXV1eGZvb2JhcmJhenF1eA';
    const message = { ...reset, text: `token=${token}`, secrets: [token] };
    await createMailer({
      config: loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://cme.example.org' }),
      db: database.db,
      clock,
    }).send(message);
    await createMailer({ config: loadConfig({}), db: database.db, clock }).send({
      ...message,
      idempotencyKey: 'password-reset:development',
    });
    const kept = await database.db.select().from(messages);
    expect(kept.map((m) => m.text).sort()).toEqual(['token=[removed]', `token=${token}`]);
  });
});
