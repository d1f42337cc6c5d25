import type { Context } from 'hono';
import { type AuditAction, record } from './audit-trail';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';

/** Records an event of this request: its organization, its signed-in viewer and client address. */
export function audit(
  c: Context<AppEnv>,
  action: AuditAction,
  about: {
    accountId?: string | null;
    seriesId?: string | null;
    sessionId?: string | null;
    detail?: Record<string, unknown>;
  } = {},
): Promise<void> {
  return record(c.get('deps'), {
    organizationId: c.get('organization')?.id ?? null,
    actorId: c.get('viewer')?.account.id ?? null,
    clientAddress: clientAddress(c),
    action,
    ...about,
  });
}
