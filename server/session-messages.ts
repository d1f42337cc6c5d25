import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, messages, seriesRoles } from '../db/schema';
import { renderSessionMessage } from '../views/mail/session-message';
import { formatSessionTime } from '../views/time';
import { DomainError } from '../workflows/errors';
import type { AppDeps, Viewer } from './context';
import { recordChange } from './history';
import { MessageInFlight } from './mail';
import { RateLimited } from './rate-limits';
import type { Actor } from './series';
import { facultyMemberOf } from './presentations';
import type { SessionWithSeries } from './sessions';

/**
 * The dashboard's Email (coordinator manual: "Draft and send an email to the individual", "…to all
 * of the child activity Owners and Coordinators"): a person who runs the series writes to one
 * faculty member, or to the series' owners and coordinators. Replies go to the writer. Each message
 * is kept with every other Rounds sends, and the session's history records who wrote to whom.
 */

export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 4000;

/** To whom: one faculty member of the session, or the series' owners and coordinators. */
export type Audience = { faculty: string } | 'team';

export function parseAudience(value: string | undefined): Audience | null {
  if (value === 'team') return 'team';
  const faculty = /^faculty-(.+)$/.exec(value ?? '')?.[1];
  return faculty && z.guid().safeParse(faculty).success ? { faculty } : null;
}

export function audienceParam(audience: Audience): string {
  return audience === 'team' ? 'team' : `faculty-${audience.faculty}`;
}

export interface Recipient {
  accountId: string;
  name: string;
  email: string;
}

/**
 * The people a message goes to; the writer is left out of their own team message. Null when the
 * faculty member does not teach this session.
 */
export async function recipientsOf(
  db: AppDeps['db'],
  found: SessionWithSeries,
  audience: Audience,
  writer: Actor,
): Promise<Recipient[] | null> {
  if (audience !== 'team') {
    const member = await facultyMemberOf(db, found.session.id, audience.faculty);
    if (!member) return null;
    return [
      { accountId: member.accountId, name: `${member.firstName} ${member.lastName}`, email: member.email },
    ];
  }
  const rows = await db
    .selectDistinct({
      accountId: accounts.id,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
      email: accounts.email,
    })
    .from(seriesRoles)
    .innerJoin(accounts, eq(accounts.id, seriesRoles.accountId))
    .where(
      and(eq(seriesRoles.seriesId, found.series.id), inArray(seriesRoles.role, ['owner', 'coordinator'])),
    )
    .orderBy(asc(accounts.lastName), asc(accounts.firstName));
  return rows
    .filter((row) => row.accountId !== writer.account.id)
    .map((row) => ({ accountId: row.accountId, name: `${row.firstName} ${row.lastName}`, email: row.email }));
}

export type MessageErrors = Partial<Record<'subject' | 'body' | 'form', string>>;

export class InvalidMessage extends DomainError {
  constructor(readonly fields: MessageErrors) {
    super('invalid_input');
    this.name = 'InvalidMessage';
  }
}

const messageSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, 'Enter a subject.')
    .max(SUBJECT_MAX, `Keep the subject under ${SUBJECT_MAX} characters.`)
    .refine((subject) => !/[\r\n]/.test(subject), 'Keep the subject on one line.'),
  body: z
    .string()
    .trim()
    .min(1, 'Write the message.')
    .max(MESSAGE_MAX, `Keep the message under ${MESSAGE_MAX.toLocaleString('en-US')} characters.`),
  /** Chosen when the form was drawn, so a second press of Send sends nothing more. */
  draft: z.guid('Reload the page and write the message again.'),
});

export type MessageInput = z.input<typeof messageSchema>;

/** Sends the message to each recipient and records it; returns how many it went to. */
export async function sendSessionMessage(
  deps: Pick<AppDeps, 'db' | 'mailer' | 'clock' | 'rateLimits'>,
  found: SessionWithSeries,
  audience: Audience,
  input: MessageInput,
  by: Viewer,
  clientAddress: string | null = null,
): Promise<{ sent: number }> {
  const parsed = messageSchema.safeParse(input);
  if (!parsed.success) {
    const fields: MessageErrors = {};
    for (const issue of parsed.error.issues) {
      const field =
        String(issue.path[0]) === 'draft' ? 'form' : (String(issue.path[0]) as keyof MessageErrors);
      fields[field] ??= issue.message;
    }
    throw new InvalidMessage(fields);
  }
  const message = parsed.data;
  const recipients = await recipientsOf(deps.db, found, audience, by);
  if (!recipients) throw new DomainError('not_found');
  if (recipients.length === 0) {
    throw new InvalidMessage({ form: 'This series has no other owner or coordinator to write to.' });
  }
  const keyOf = (recipient: Recipient) => `session-message:${message.draft}:${recipient.accountId}`;
  // Only people this draft has not reached yet count against the hourly limit.
  const already = new Set(
    (
      await deps.db
        .select({ key: messages.idempotencyKey })
        .from(messages)
        .where(
          and(
            inArray(messages.idempotencyKey, recipients.map(keyOf)),
            inArray(messages.status, ['sent', 'sending']),
          ),
        )
    ).map((row) => row.key),
  );
  try {
    for (const recipient of recipients) {
      if (!already.has(keyOf(recipient))) await deps.rateLimits.messagesFromAccount.take(by.account.id);
    }
  } catch (error) {
    if (error instanceof RateLimited) {
      throw new InvalidMessage({
        form: `You have sent many messages this hour. Try again in ${Math.ceil(error.retryAfterSeconds / 60)} minutes, or write from your own mail.`,
      });
    }
    throw error;
  }
  const { session, series, organization } = found;
  const writer = `${by.account.firstName} ${by.account.lastName}`;
  const reached: string[] = [];
  const failed: string[] = [];
  for (const recipient of recipients) {
    const mail = await renderSessionMessage({
      organizationName: organization.name,
      subject: message.subject,
      body: message.body,
      writerName: writer,
      writerEmail: by.account.email,
      sessionName: session.name,
      seriesName: series.name,
      sessionWhen: formatSessionTime(session.startsAt, session.endsAt, session.timeZone),
    });
    try {
      const result = await deps.mailer.send({
        idempotencyKey: keyOf(recipient),
        organizationId: organization.id,
        kind: 'session-message',
        to: recipient.email,
        replyTo: by.account.email,
        ...mail,
      });
      if (!result.duplicate) reached.push(recipient.name);
    } catch (error) {
      // A second press while the first is still sending: the first delivers it.
      if (error instanceof MessageInFlight) continue;
      // Kept as failed in the messages table; the same draft sent again retries only these.
      failed.push(recipient.name);
    }
  }
  if (reached.length > 0) {
    await recordChange(deps.db, deps.clock.now(), {
      organizationId: organization.id,
      actorId: by.account.id,
      action: 'session_message_sent',
      seriesId: series.id,
      sessionId: session.id,
      clientAddress,
      note: {
        to: reached.join('; '),
        subject: message.subject,
        draft: message.draft,
      },
    });
  }
  if (failed.length > 0) {
    throw new InvalidMessage({
      form: `The message could not be sent to ${failed.join(', ')}. Press Send again to retry; nobody it reached gets it twice.`,
    });
  }
  return { sent: reached.length };
}

/** What the page says once Send has done its work. */
export function messageSentNotice(sent: number): string {
  if (sent === 0) return 'That message was already sent; nothing more went out.';
  return `Email sent to ${sent === 1 ? '1 person' : `${sent} people`}.`;
}
