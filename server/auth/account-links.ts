import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import {
  type Account,
  type AccountLinkPurpose,
  type Organization,
  accountLinks,
  accounts,
} from '../../db/schema';
import { DomainError } from '../../workflows/errors';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { newToken, sha256 } from './sessions';

/** How long each kind of link stays good. A reset is short (it sets a password); the rest wait for a busy inbox. */
export const LINK_MINUTES: Record<AccountLinkPurpose, number> = {
  'password-reset': 60,
  'email-confirmation': 7 * 24 * 60,
  unlock: 24 * 60,
};

/** Where each link lands; the page there shows a button, since mail scanners open links too. */
const LINK_PATHS: Record<AccountLinkPurpose, string> = {
  'password-reset': 'reset-password',
  'email-confirmation': 'confirm-email',
  unlock: 'unlock',
};

export interface IssuedLink {
  /** The stored id (the token's hash): mail idempotency keys use it, never the token. */
  id: string;
  url: string;
  /** The secret part of the URL, so the mail record can leave it out. */
  token: string;
}

/**
 * Single-use links mailed to an account's owner. The token travels only in the mail; the
 * database keeps its SHA-256, so a leaked table opens nothing.
 */
export function createAccountLinks(deps: { db: Database; clock: Clock; config: Config }) {
  const { db, clock, config } = deps;
  return {
    async issue(
      organization: Organization,
      account: Account,
      purpose: AccountLinkPurpose,
      /** A longer life than the purpose's own (a faculty invitation waits a week for its reader). */
      minutes: number = LINK_MINUTES[purpose],
    ): Promise<IssuedLink> {
      const token = newToken();
      const id = sha256(token);
      const now = clock.now();
      await db.insert(accountLinks).values({
        id,
        accountId: account.id,
        purpose,
        createdAt: now,
        expiresAt: new Date(now.getTime() + minutes * 60_000),
      });
      const url = `${config.publicUrl}/${organization.code}/${LINK_PATHS[purpose]}?token=${token}`;
      return { id, url, token };
    },

    /** The account a link opens, or link_invalid when it is unknown, used, expired or of another kind. */
    async check(organization: Organization, token: string, purpose: AccountLinkPurpose): Promise<Account> {
      if (!token) throw new DomainError('link_invalid');
      const [found] = await db
        .select({ link: accountLinks, account: accounts })
        .from(accountLinks)
        .innerJoin(accounts, eq(accounts.id, accountLinks.accountId))
        .where(eq(accountLinks.id, sha256(token)))
        .limit(1);
      if (
        !found ||
        found.link.purpose !== purpose ||
        found.account.organizationId !== organization.id ||
        found.link.usedAt ||
        found.link.expiresAt <= clock.now()
      ) {
        throw new DomainError('link_invalid');
      }
      return found.account;
    },

    /**
     * Uses the link up, with every other outstanding link of its kind for the account. Two tabs
     * submitting one link: only the first counts, the second gets link_invalid.
     */
    async use(tx: Database, token: string, purpose: AccountLinkPurpose, accountId: string): Promise<void> {
      const now = clock.now();
      const used = await tx
        .update(accountLinks)
        .set({ usedAt: now })
        .where(and(eq(accountLinks.id, sha256(token)), isNull(accountLinks.usedAt)))
        .returning({ id: accountLinks.id });
      if (used.length === 0) throw new DomainError('link_invalid');
      await tx
        .update(accountLinks)
        .set({ usedAt: now })
        .where(
          and(
            eq(accountLinks.accountId, accountId),
            eq(accountLinks.purpose, purpose),
            isNull(accountLinks.usedAt),
          ),
        );
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;
