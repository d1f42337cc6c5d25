import { eq } from 'drizzle-orm';
import { Resend } from 'resend';
import type { Database } from '../db/client';
import { messages } from '../db/schema';
import type { Clock } from './clock';
import type { Config } from './config';

export interface OutgoingMessage {
  /** Same key, same message: a retry never sends twice. Also Resend's Idempotency-Key. */
  idempotencyKey: string;
  organizationId: string | null;
  /** What it is, for the outbox page and audits: 'password-reset', 'series-renewal-reminder'… */
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Where replies go, when a person wrote it (a coordinator's message to faculty). */
  replyTo?: string | undefined;
  /**
   * Parts of the mail that open something (a reset token): delivered, but left out of the stored
   * record, so the messages table holds no live link. Only the development outbox, which is the
   * delivery, keeps them.
   */
  secrets?: readonly string[];
  /**
   * Files that go with it (a certificate's PDF). Delivered, not kept with the stored record: the
   * document they come from is kept where it belongs (the certificates table).
   */
  attachments?: readonly { filename: string; content: Uint8Array }[];
}

/**
 * A message claimed by a send that has not finished. After this long without finishing, the
 * sender is taken to have died and the message may be sent again under the same key.
 */
const IN_FLIGHT_MS = 60_000;

/** The message is being sent by another request this moment; a caller may retry later. */
export class MessageInFlight extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`message ${idempotencyKey} is being sent by another request`);
    this.name = 'MessageInFlight';
  }
}

/** What stands in the stored record where a secret was. */
export const REMOVED_SECRET = '[removed]';

export interface SendResult {
  messageId: string;
  /** True when this key was sent before and nothing went out now. */
  duplicate: boolean;
}

export interface Mailer {
  readonly transport: 'outbox' | 'resend';
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** A transport hands a message to the world; the mailer records every message around it. */
type Deliver = (message: OutgoingMessage) => Promise<{ providerId: string | null }>;

export function createMailer(deps: {
  config: Config;
  db: Database;
  clock: Clock;
  /** Where Resend's API is; tests point it at a local server that records requests. */
  resendBaseUrl?: string;
}): Mailer {
  const { config } = deps;
  if (config.RESEND_API_KEY) {
    const resend = new Resend(
      config.RESEND_API_KEY,
      deps.resendBaseUrl ? { baseUrl: deps.resendBaseUrl } : undefined,
    );
    return recordingMailer(deps, 'resend', false, async (message) => {
      const { data, error } = await resend.emails.send(
        {
          from: config.MAIL_FROM,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          ...(message.attachments?.length
            ? {
                attachments: message.attachments.map((a) => ({
                  filename: a.filename,
                  content: Buffer.from(a.content),
                })),
              }
            : {}),
        },
        { idempotencyKey: message.idempotencyKey },
      );
      if (error) throw new Error(`Resend refused the message: ${error.message}`);
      return { providerId: data?.id ?? null };
    });
  }
  // Development: the messages table is the outbox; admins read it at /:org/admin/outbox.
  // In production nobody reads the outbox as a mailbox, so its records lose their secrets too.
  const outboxKeepsSecrets = config.NODE_ENV !== 'production';
  return recordingMailer(deps, 'outbox', outboxKeepsSecrets, async () => ({ providerId: null }));
}

function recordingMailer(
  deps: { db: Database; clock: Clock },
  transport: Mailer['transport'],
  keepSecrets: boolean,
  deliver: Deliver,
): Mailer {
  const { db, clock } = deps;
  return {
    transport,
    async send(message) {
      const { secrets = [], attachments: _delivered, ...content } = message;
      const kept = keepSecrets ? content : withoutSecrets(content, secrets);
      const [claimed] = await db
        .insert(messages)
        .values({ ...kept, transport, status: 'sending', createdAt: clock.now() })
        .onConflictDoNothing({ target: messages.idempotencyKey })
        .returning({ id: messages.id });
      let id = claimed?.id;
      if (!id) {
        const [existing] = await db
          .select({ id: messages.id, status: messages.status, createdAt: messages.createdAt })
          .from(messages)
          .where(eq(messages.idempotencyKey, message.idempotencyKey));
        if (!existing) throw new Error(`message ${message.idempotencyKey} vanished`);
        if (existing.status === 'sent') return { messageId: existing.id, duplicate: true };
        // Another request is sending it right now (a second press of Send): not ours to deliver.
        if (
          existing.status === 'sending' &&
          clock.now().getTime() - existing.createdAt.getTime() < IN_FLIGHT_MS
        ) {
          throw new MessageInFlight(message.idempotencyKey);
        }
        // An earlier attempt failed or died mid-send: try again under the same key.
        id = existing.id;
      }
      try {
        const { providerId } = await deliver(message);
        await db
          .update(messages)
          .set({ status: 'sent', providerId, sentAt: clock.now(), error: null })
          .where(eq(messages.id, id));
        return { messageId: id, duplicate: false };
      } catch (error) {
        await db
          .update(messages)
          .set({ status: 'failed', error: error instanceof Error ? error.message : String(error) })
          .where(eq(messages.id, id));
        throw error;
      }
    },
  };
}

function withoutSecrets<T extends { html: string; text: string; subject: string }>(
  content: T,
  secrets: readonly string[],
): T {
  const strip = (value: string) =>
    secrets.reduce((kept, secret) => (secret ? kept.split(secret).join(REMOVED_SECRET) : kept), value);
  return {
    ...content,
    subject: strip(content.subject),
    html: strip(content.html),
    text: strip(content.text),
  };
}
