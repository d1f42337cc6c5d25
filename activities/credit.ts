import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { claims } from '../db/schema';
import type { Clock } from '../server/clock';
import type { CreditActivities } from '../workflows/credit';

export interface CreditActivityDeps {
  db: Database;
  clock: Clock;
}

/** Side effects of the learner's credit lifecycle. Idempotent: a credit is recorded once. */
export function createCreditActivities({ db, clock }: CreditActivityDeps): CreditActivities {
  return {
    async recordCredit({ claimId }) {
      await db
        .update(claims)
        .set({ creditRecordedAt: clock.now() })
        .where(and(eq(claims.id, claimId), isNull(claims.creditRecordedAt)));
      const [claim] = await db
        .select({ creditRecordedAt: claims.creditRecordedAt })
        .from(claims)
        .where(eq(claims.id, claimId));
      // A claim that is gone (its session's records removed) has no credit to record.
      return { creditedAt: claim?.creditRecordedAt?.toISOString() ?? null };
    },
  };
}
