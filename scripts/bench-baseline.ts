/**
 * The yardstick for the SMS burst in `npm run bench`: a bare Hono endpoint that reads the same
 * webhook form and does one PostgreSQL insert, and nothing else. Run as its own process, as the
 * web server is, so both meet the same machine.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const url = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !port) throw new Error('bench-baseline needs DATABASE_URL and PORT');

// The same pool size as Rounds' own (db/client.ts).
const sql = postgres(url, { max: 10, onnotice: () => {} });
await sql`create table if not exists bench_inserts (
  id bigserial primary key, message_sid text not null, body text not null,
  received_at timestamptz not null default now())`;

const app = new Hono();
app.post('/webhooks/twilio/sms', async (c) => {
  const form = await c.req.parseBody();
  await sql`insert into bench_inserts (message_sid, body) values (${String(form.MessageSid)}, ${String(form.Body)})`;
  return c.body('<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>', 200, {
    'Content-Type': 'text/xml; charset=utf-8',
  });
});
app.get('/healthz', (c) => c.text('ok'));
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
