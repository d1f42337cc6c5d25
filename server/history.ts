import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { accounts, auditEvents } from '../db/schema';
import type { AuditAction } from './audit-trail';

/**
 * The audit trail of the CME record (issue 6, section 7): every change to a series, session,
 * faculty assignment, disclosure, review or approval, with who, when, what, before and after. It is
 * written in the same transaction as the change, so there is never a change without its record.
 */

/** A field's value as the record keeps it: JSON, dates as ISO strings. */
export type RecordedValue = string | number | boolean | null | RecordedValue[];
export type Snapshot = Record<string, RecordedValue>;

export interface Change {
  organizationId: string;
  actorId: string | null;
  action: AuditAction;
  seriesId?: string | null;
  sessionId?: string | null;
  accountId?: string | null;
  clientAddress?: string | null;
  /** Only the fields that changed; a creation has no before. */
  before?: Snapshot | null;
  after?: Snapshot | null;
  /** Anything else that explains it ("this and following", the recurrence). */
  note?: Record<string, RecordedValue>;
}

/** The fields of `after` that differ from `before`, both sides; null when nothing changed. */
export function changedFields(
  before: Snapshot,
  after: Snapshot,
): { before: Snapshot; after: Snapshot } | null {
  const was: Snapshot = {};
  const now: Snapshot = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    was[key] = before[key] ?? null;
    now[key] = after[key] ?? null;
  }
  return Object.keys(now).length === 0 ? null : { before: was, after: now };
}

/** Writes a change to the record; call it inside the transaction that makes the change. */
export async function recordChange(tx: Pick<Database, 'insert'>, at: Date, change: Change): Promise<void> {
  await tx.insert(auditEvents).values({
    organizationId: change.organizationId,
    actorId: change.actorId,
    accountId: change.accountId ?? null,
    seriesId: change.seriesId ?? null,
    sessionId: change.sessionId ?? null,
    action: change.action,
    clientAddress: change.clientAddress ?? null,
    detail: {
      ...(change.before ? { before: change.before } : {}),
      ...(change.after ? { after: change.after } : {}),
      ...(change.note ?? {}),
    },
    createdAt: at,
  });
}

/**
 * Writes the change unless the session already records the same action with these detail values:
 * for what a lifecycle's activity records, which a retry must not write twice.
 */
export async function recordChangeOnce(
  tx: Pick<Database, 'insert' | 'select'>,
  at: Date,
  change: Change & { sessionId: string },
  sameWhen: Record<string, string>,
): Promise<void> {
  const [already] = await tx
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.sessionId, change.sessionId),
        eq(auditEvents.action, change.action),
        ...Object.entries(sameWhen).map(([key, value]) => sql`${auditEvents.detail}->>${key} = ${value}`),
      ),
    )
    .limit(1);
  if (!already) await recordChange(tx, at, change);
}

export interface HistoryEntry {
  at: Date;
  action: string;
  actor: string | null;
  before: Snapshot;
  after: Snapshot;
  note: Record<string, unknown>;
}

/** Newest first: what happened to one session, or to one series itself. */
export async function historyOf(
  db: Database,
  organizationId: string,
  about: { sessionId: string } | { seriesId: string },
  limit = 100,
): Promise<HistoryEntry[]> {
  const conditions: SQL[] = [eq(auditEvents.organizationId, organizationId)];
  // A series' own history: its details and approval, not each of its sessions' changes.
  if ('sessionId' in about) conditions.push(eq(auditEvents.sessionId, about.sessionId));
  else conditions.push(eq(auditEvents.seriesId, about.seriesId), isNull(auditEvents.sessionId));
  const rows = await db
    .select({
      at: auditEvents.createdAt,
      action: auditEvents.action,
      detail: auditEvents.detail,
      firstName: accounts.firstName,
      lastName: accounts.lastName,
    })
    .from(auditEvents)
    .leftJoin(accounts, eq(accounts.id, auditEvents.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
  return rows.map((row) => {
    const { before, after, ...note } = row.detail as { before?: Snapshot; after?: Snapshot };
    return {
      at: row.at,
      action: row.action,
      actor: row.firstName === null ? null : `${row.firstName} ${row.lastName}`,
      before: before ?? {},
      after: after ?? {},
      note,
    };
  });
}
