/**
 * Twilio, as tests meet it: webhooks signed with the `twilio` package's own signing (never a
 * hand-made HMAC), and a local stand-in for Twilio's REST API that records what the real client
 * sends it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import twilio from 'twilio';
import type { Organization } from '../../db/schema';
import type { AppEnv } from '../../server/context';
import { DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../../server/texting';

export const WEBHOOK_PATH = '/webhooks/twilio/sms';

export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export interface TextOptions {
  from: string;
  body: string;
  sid?: string;
  /** Sign with this token instead of the organization's (or the development one). */
  token?: string;
  /** The URL the signature covers; PUBLIC_URL's webhook address unless said. */
  signedUrl?: string;
  /** Leave the signature out. */
  unsigned?: boolean;
  /** Fields added to, or replacing, the ones Twilio sends. */
  extra?: Record<string, string>;
}

/** The form Twilio posts for an incoming text, and its signature header. */
export function signedWebhook(
  organization: Pick<Organization, 'smsNumber' | 'twilioAuthToken'>,
  publicUrl: string,
  options: TextOptions,
): { headers: Record<string, string>; body: string; params: Record<string, string> } {
  const params: Record<string, string> = {
    ToCountry: 'US',
    SmsMessageSid: options.sid ?? '',
    NumMedia: '0',
    From: options.from,
    To: organization.smsNumber ?? '',
    Body: options.body,
    MessageSid: options.sid ?? messageSid(),
    AccountSid: `AC${'1'.repeat(32)}`,
    ApiVersion: '2010-04-01',
    ...options.extra,
  };
  params.SmsMessageSid = params.MessageSid ?? '';
  const token = options.token ?? organization.twilioAuthToken ?? DEVELOPMENT_TWILIO_AUTH_TOKEN;
  const url = options.signedUrl ?? `${publicUrl}${WEBHOOK_PATH}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (!options.unsigned)
    headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(token, url, params);
  return { headers, body: new URLSearchParams(params).toString(), params };
}

export interface TextAnswer {
  status: number;
  /** The <Message> of the TwiML answer, decoded; '' when the answer has none. */
  reply: string;
  raw: string;
  sid: string;
}

/** The text of the first <Message> in a TwiML answer. */
export function replyIn(twiml: string): string {
  const match = /<Message>([\s\S]*?)<\/Message>/.exec(twiml);
  if (!match?.[1]) return '';
  return match[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Texts `body` from `from` to the organization's number through the app's webhook. */
export async function text(
  app: Hono<AppEnv>,
  organization: Pick<Organization, 'smsNumber' | 'twilioAuthToken'>,
  publicUrl: string,
  options: TextOptions,
): Promise<TextAnswer> {
  const sid = options.sid ?? messageSid();
  const request = signedWebhook(organization, publicUrl, { ...options, sid });
  const response = await app.request(WEBHOOK_PATH, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const raw = await response.text();
  return { status: response.status, reply: response.status === 200 ? replyIn(raw) : '', raw, sid };
}

/** A local stand-in for Twilio's Messages API, answering as Twilio does and recording each request. */
export async function twilioApi(
  // How the stand-in answers a request; undefined: as Twilio answers a message it accepted.
  answer?: (request: IncomingMessage) => { status: number; body: unknown } | undefined,
) {
  const received: { path: string; authorization: string; form: URLSearchParams }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const form = new URLSearchParams(raw);
      received.push({ path: request.url ?? '', authorization: request.headers.authorization ?? '', form });
      const { status, body } = answer?.(request) ?? {
        status: 201,
        body: {
          sid: messageSid(),
          status: 'queued',
          to: form.get('To'),
          from: form.get('From'),
          body: form.get('Body'),
          num_segments: '1',
        },
      };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
