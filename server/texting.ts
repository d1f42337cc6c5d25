import { and, desc, eq } from 'drizzle-orm';
import twilio from 'twilio';
import type { Database } from '../db/client';
import { type Organization, smsOptOuts, textsReceived, textsSent } from '../db/schema';
import { record } from './audit-trail';
import type { Clock } from './clock';
import type { Log } from './log';

export interface OutgoingText {
  /** Same key, same text: a retry never sends twice. */
  idempotencyKey: string;
  /** What it is, for the phone page and audits: 'pairing-code', 'phone-paired'… */
  kind: string;
  to: string;
  body: string;
  /**
   * Parts that open something (a pairing code): sent, but left out of the stored record in
   * production. The development outbox is the delivery, so it keeps them for the phone page.
   */
  secrets?: readonly string[];
}

export interface TextResult {
  textId: string;
  /** 'stopped': the number texted STOP, so nothing went to it. */
  status: 'sent' | 'duplicate' | 'stopped';
}

export interface Texter {
  send(organization: Organization, text: OutgoingText): Promise<TextResult>;
}

/** A text claimed by a send that has not finished; after this long the sender is taken to have died. */
const IN_FLIGHT_MS = 60_000;

/**
 * Twilio refused this text for good (a 4xx other than its rate limit): a landline, a number that
 * does not exist, a country the account may not text. Sending it again gets the same answer.
 */
export class TextRefused extends Error {
  constructor(
    readonly code: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'TextRefused';
  }
}

/** Twilio could not be reached or failed (5xx, its rate limit, the network): the same text may go later. */
export class TextNotSent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextNotSent';
  }
}

/** Twilio's error for a number that replied STOP to the sending number at the carrier. */
const UNSUBSCRIBED_RECIPIENT = 21610;

/** How Twilio answered a send that failed: its HTTP status and error code, when it answered at all. */
function twilioAnswer(error: unknown): { status: number; code: number | null; message: string } | null {
  if (!(error instanceof twilio.RestException)) return null;
  return { status: error.status, code: error.code ?? null, message: error.message };
}

export class TextInFlight extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`text ${idempotencyKey} is being sent by another request`);
    this.name = 'TextInFlight';
  }
}

/** The organization can send through Twilio: its number, account and token are all set. */
export function twilioConfigured(
  organization: Pick<Organization, 'smsNumber' | 'twilioAccountSid' | 'twilioAuthToken'>,
): boolean {
  return Boolean(organization.smsNumber && organization.twilioAccountSid && organization.twilioAuthToken);
}

/**
 * The token webhooks to the organization's number are signed with: its Twilio auth token, or,
 * outside production only, a fixed development token, so the phone page can sign the webhooks it
 * sends without a Twilio account. In production an organization without a token takes no texts.
 */
export const DEVELOPMENT_TWILIO_AUTH_TOKEN = 'rounds-development-twilio-token';

export function webhookToken(
  organization: Pick<Organization, 'twilioAuthToken'>,
  config: { NODE_ENV: string },
): string | null {
  if (organization.twilioAuthToken) return organization.twilioAuthToken;
  return config.NODE_ENV === 'production' ? null : DEVELOPMENT_TWILIO_AUTH_TOKEN;
}

/** Whether a number texted STOP to the organization and has not texted START since. */
export async function hasStopped(db: Database, organizationId: string, phone: string): Promise<boolean> {
  const [row] = await db
    .select({ phone: smsOptOuts.phone })
    .from(smsOptOuts)
    .where(and(eq(smsOptOuts.organizationId, organizationId), eq(smsOptOuts.phone, phone)))
    .limit(1);
  return Boolean(row);
}

/**
 * Sends texts through each organization's own Twilio account, or, where it has none, keeps them in
 * the texts_sent table, which the development phone page shows. Every text is recorded either way,
 * and nothing ever goes to a number that stopped.
 */
export function createTexter(deps: {
  db: Database;
  clock: Clock;
  log: Log;
  /** Production: secrets are removed from stored texts. */
  keepSecrets?: boolean;
  /** Where Twilio's REST API is; tests point it at a local stand-in that records requests. */
  twilioBaseUrl?: string;
}): Texter {
  const { db, clock } = deps;
  const clients = new Map<string, ReturnType<typeof twilio>>();
  const clientFor = (organization: Organization) => {
    const sid = organization.twilioAccountSid ?? '';
    const token = organization.twilioAuthToken ?? '';
    const key = `${sid}:${token}`;
    let client = clients.get(key);
    if (!client) {
      client = twilio(sid, token, {
        ...(deps.twilioBaseUrl ? { httpClient: redirectedRequestClient(deps.twilioBaseUrl) } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };

  return {
    async send(organization, text) {
      const transport = twilioConfigured(organization) ? 'twilio' : 'outbox';
      const stopped = await hasStopped(db, organization.id, text.to);
      const [claimed] = await db
        .insert(textsSent)
        .values({
          organizationId: organization.id,
          idempotencyKey: text.idempotencyKey,
          kind: text.kind,
          to: text.to,
          from: organization.smsNumber ?? '',
          body:
            deps.keepSecrets === false
              ? (text.secrets ?? []).reduce(
                  (kept, secret) => (secret ? kept.split(secret).join('[removed]') : kept),
                  text.body,
                )
              : text.body,
          transport,
          status: stopped ? 'stopped' : 'sending',
          createdAt: clock.now(),
        })
        .onConflictDoNothing({ target: textsSent.idempotencyKey })
        .returning({ id: textsSent.id });
      let id = claimed?.id;
      if (!id) {
        const [existing] = await db
          .select({ id: textsSent.id, status: textsSent.status, createdAt: textsSent.createdAt })
          .from(textsSent)
          .where(eq(textsSent.idempotencyKey, text.idempotencyKey));
        if (!existing) throw new Error(`text ${text.idempotencyKey} vanished`);
        if (existing.status === 'sent') return { textId: existing.id, status: 'duplicate' };
        if (
          existing.status === 'sending' &&
          clock.now().getTime() - existing.createdAt.getTime() < IN_FLIGHT_MS
        ) {
          throw new TextInFlight(text.idempotencyKey);
        }
        id = existing.id;
        if (stopped) {
          await db.update(textsSent).set({ status: 'stopped' }).where(eq(textsSent.id, id));
        }
      }
      if (stopped) return { textId: id, status: 'stopped' };
      try {
        let providerId: string | null = null;
        if (transport === 'twilio') {
          const message = await clientFor(organization).messages.create({
            from: organization.smsNumber ?? '',
            to: text.to,
            body: text.body,
          });
          providerId = message.sid;
        }
        await db
          .update(textsSent)
          .set({ status: 'sent', providerId, sentAt: clock.now(), error: null })
          .where(eq(textsSent.id, id));
        return { textId: id, status: 'sent' };
      } catch (error) {
        const answer = twilioAnswer(error);
        if (answer?.code === UNSUBSCRIBED_RECIPIENT) {
          // The number replied STOP at the carrier, to this number, in a way Rounds never saw: it is
          // recorded as a STOP here, so nothing else is tried until the phone texts START.
          await stopSendingTo(organization, text.to, id, answer.message);
          return { textId: id, status: 'stopped' };
        }
        const refused = answer && answer.status >= 400 && answer.status < 500 && answer.status !== 429;
        const why = answer
          ? `Twilio answered ${answer.status}${answer.code ? ` (error ${answer.code})` : ''}: ${answer.message}`
          : `Twilio could not be reached: ${error instanceof Error ? error.message : String(error)}`;
        await db.update(textsSent).set({ status: 'failed', error: why }).where(eq(textsSent.id, id));
        throw refused ? new TextRefused(answer.code, why) : new TextNotSent(why);
      }
    },
  };

  /** The opt-out, the text's outcome and the audit record together, as a STOP texted in is recorded. */
  async function stopSendingTo(organization: Organization, phone: string, textId: string, why: string) {
    const now = clock.now();
    await db.transaction(async (tx) => {
      await tx
        .insert(smsOptOuts)
        .values({ organizationId: organization.id, phone, keyword: 'CARRIER', optedOutAt: now })
        .onConflictDoNothing();
      await tx
        .update(textsSent)
        .set({ status: 'stopped', error: `Twilio answered error ${UNSUBSCRIBED_RECIPIENT}: ${why}` })
        .where(eq(textsSent.id, textId));
      await record(
        { ...deps, db: tx },
        {
          organizationId: organization.id,
          action: 'texts_stopped',
          detail: { phone, by: 'carrier', twilioError: UNSUBSCRIBED_RECIPIENT },
        },
      );
    });
  }
}

/**
 * Twilio's own request client (auth, form encoding, errors), sending to `baseUrl` instead of
 * https://api.twilio.com: how tests reach a local stand-in through the real client.
 */
function redirectedRequestClient(baseUrl: string) {
  const base = new URL(baseUrl);
  const client = new twilio.RequestClient();
  const request = client.request.bind(client);
  client.request = (options) => {
    const uri = new URL(options.uri);
    uri.protocol = base.protocol;
    uri.host = base.host;
    return request({ ...options, uri: uri.href });
  };
  return client;
}

export interface ConversationEntry {
  at: Date;
  /** 'in': the phone texted the organization; 'out': Rounds texted the phone. */
  direction: 'in' | 'out';
  body: string;
  /** For an incoming text: Rounds' reply in the webhook's answer (empty when none may be sent). */
  reply?: string;
  /** For an outgoing text: sent, stopped… */
  status?: string;
}

/** One phone's texts with the organization, newest first: what the development phone page shows. */
export async function conversation(
  db: Database,
  organizationId: string,
  phone: string,
  limit = 30,
): Promise<ConversationEntry[]> {
  const [received, sent] = await Promise.all([
    db
      .select({ at: textsReceived.receivedAt, body: textsReceived.body, reply: textsReceived.reply })
      .from(textsReceived)
      .where(and(eq(textsReceived.organizationId, organizationId), eq(textsReceived.from, phone)))
      .orderBy(desc(textsReceived.receivedAt))
      .limit(limit),
    db
      .select({ at: textsSent.createdAt, body: textsSent.body, status: textsSent.status })
      .from(textsSent)
      .where(and(eq(textsSent.organizationId, organizationId), eq(textsSent.to, phone)))
      .orderBy(desc(textsSent.createdAt))
      .limit(limit),
  ]);
  return [
    ...received.map((row) => ({ ...row, direction: 'in' as const })),
    ...sent.map((row) => ({ ...row, direction: 'out' as const })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, limit);
}
