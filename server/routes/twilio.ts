import { Hono } from 'hono';
import twilio from 'twilio';
import { z } from 'zod';
import type { Organization } from '../../db/schema';
import {
  organizationByNumber,
  organizationByNumberAgain,
  organizationByNumberKept,
} from '../organization-numbers';
import { RateLimited } from '../rate-limits';
import { allow, anyone } from '../access';
import { clientAddress } from '../client-address';
import type { AppEnv } from '../context';
import { answerText, TEXT_MAX_CHARACTERS } from '../inbound-texts';
import { normalizeMobile } from '../identifiers';
import { webhookToken } from '../texting';

export const twilioRoutes = new Hono<AppEnv>();

export const TWILIO_SMS_WEBHOOK_PATH = '/webhooks/twilio/sms';

const inboundText = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i),
  From: z.string().trim().min(1).max(40),
  To: z.string().trim().min(1).max(40),
  // An MMS with only a picture has no body.
  Body: z.string().default(''),
});

/**
 * Twilio waits 15 seconds for an answer. One not worked out by this deadline (a database that
 * stopped answering) gets 503 and Twilio's retry; if the first attempt commits after all, the
 * retry finds its stored reply, so nothing is recorded twice.
 */
const ANSWER_DEADLINE_MS = 8_000;

class PastDeadline extends Error {}

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PastDeadline(`no answer within ${ms} ms`)), ms);
  });
  // The work may still fail after the deadline answered; that failure is already accounted for.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const plain = { 'Content-Type': 'text/plain; charset=utf-8' };

/**
 * Twilio's inbound-message webhook for every organization's number. The organization is the one
 * whose number the text was sent `To`; the request must carry that organization's Twilio
 * signature over PUBLIC_URL (so it holds behind a proxy), or it is refused before anything is
 * written. The answer is TwiML. Anything that fails after that answers 503, which Twilio (with
 * connection overrides) retries; a retry of an answered MessageSid gets the same reply.
 */
twilioRoutes.post(TWILIO_SMS_WEBHOOK_PATH, allow(anyone), async (c) => {
  const deps = c.get('deps');
  const address = clientAddress(c);
  const refusals = deps.rateLimits.refusedWebhooksByAddress;
  // A request Twilio did not sign counts against its address; over the budget the answer is 429.
  // A signed delivery is never counted nor refused by it, so a flood cannot silence Twilio.
  const refused = async (status: 403 | 415, words: string) => {
    try {
      await refusals.take(address);
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      return c.body('Too many refused webhooks from this address. Try again later.', 429, {
        ...plain,
        'Retry-After': String(error.retryAfterSeconds),
      });
    }
    return c.body(words, status, plain);
  };
  const type = c.req.header('Content-Type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return refused(415, 'Expected a form-encoded Twilio webhook.');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    if (!(name in params)) params[name] = value;
  }
  const to = params.To ? normalizeMobile(params.To) : null;
  const signature = c.req.header('X-Twilio-Signature') ?? '';
  const url = `${deps.config.publicUrl}${TWILIO_SMS_WEBHOOK_PATH}${new URL(c.req.url).search}`;
  const signed = (organization: Organization | null) => {
    const token = organization ? webhookToken(organization, deps.config) : null;
    return Boolean(token && signature && twilio.validateRequest(token, signature, url, params));
  };
  let organization: Organization | null = null;
  let verified = false;
  try {
    const kept = to ? organizationByNumberKept(deps.db, to) : null;
    organization =
      kept !== undefined || !to
        ? (kept ?? null)
        : await withinDeadline(organizationByNumber(deps.db, to), ANSWER_DEADLINE_MS);
    verified = signed(organization);
    // A token changed in another process since the numbers were read: read them again (at most
    // once a second, so forged signatures cannot make every request a database read).
    if (organization && !verified && to) {
      organization = await withinDeadline(organizationByNumberAgain(deps.db, to), ANSWER_DEADLINE_MS);
      verified = signed(organization);
    }
  } catch (error) {
    deps.log.error('the SMS webhook could not read the database', error);
    return c.body('Try again shortly.', 503, { ...plain, 'Retry-After': '5' });
  }
  if (!organization || !verified) {
    deps.log.warn(
      `SMS webhook refused: ${organization ? 'bad or missing signature' : 'no organization has that number'}`,
    );
    return refused(403, 'Forbidden: not signed by Twilio for this number.');
  }
  const parsed = inboundText.safeParse(params);
  if (!parsed.success) {
    return c.body('Expected MessageSid, From, To and Body.', 400, plain);
  }
  const text = parsed.data;
  let reply: string;
  try {
    reply = await withinDeadline(
      answerText(deps, organization, {
        messageSid: text.MessageSid,
        from: normalizeMobile(text.From) ?? text.From,
        to: organization.smsNumber ?? text.To,
        body: text.Body.slice(0, TEXT_MAX_CHARACTERS),
      }),
      ANSWER_DEADLINE_MS,
    );
  } catch (error) {
    deps.log.error(`the SMS webhook could not answer ${text.MessageSid}`, error);
    return c.body('Try again shortly.', 503, { ...plain, 'Retry-After': '5' });
  }
  return c.body(twimlFor(reply), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
});

/**
 * The TwiML for a reply, built by the twilio package once per distinct reply: a room's texts get
 * the same few words, and building the document cost more than checking the signature.
 */
const twimlKept = new Map<string, string>();

function twimlFor(reply: string): string {
  let twiml = twimlKept.get(reply);
  if (twiml === undefined) {
    const response = new twilio.twiml.MessagingResponse();
    if (reply) response.message(reply);
    twiml = response.toString();
    if (twimlKept.size >= 1000) twimlKept.clear();
    twimlKept.set(reply, twiml);
  }
  return twiml;
}
