import type { Database } from '../db/client';
import type { Account, Organization, Role } from '../db/schema';
import type { Clock } from './clock';
import type { Config } from './config';
import type { ClaimExceptionLifecycle } from './lifecycles/claim-exceptions';
import type { ClaimWindowLifecycle } from './lifecycles/claim-window';
import type { CreditLifecycle } from './lifecycles/credit';
import type { DisclosureLifecycle } from './lifecycles/disclosures';
import type { SeriesYearLifecycle } from './lifecycles/series-year';
import type { SessionApprovalLifecycle } from './lifecycles/session-approval';
import type { Background } from './background';
import type { Log } from './log';
import type { Mailer } from './mail';
import type { RateLimits } from './rate-limits';
import type { Texter } from './texting';

/**
 * What every route, middleware and page helper may use. It lives apart from app.ts so that routes
 * import their types from here and app.ts, which imports the routes, is imported by nothing.
 */
/** Who is asking: the signed-in account and its organization-wide roles. */
export interface Viewer {
  account: Account;
  roles: ReadonlySet<Role>;
  /** Hash of the sign-in session token (the auth_sessions row id). */
  sessionId: string;
  /** Owns or coordinates at least one series (series roles, not account roles). */
  runsSeries: boolean;
}

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  mailer: Mailer;
  /** Texts Rounds sends on its own: through each organization's Twilio account, or the outbox. */
  texter: Texter;
  log: Log;
  seriesYear: SeriesYearLifecycle;
  sessionApproval: SessionApprovalLifecycle;
  disclosures: DisclosureLifecycle;
  claimWindows: ClaimWindowLifecycle;
  credits: CreditLifecycle;
  claimExceptions: ClaimExceptionLifecycle;
  rateLimits: RateLimits;
  /** Work a signed-out request starts but does not wait for (see server/background.ts). */
  background: Background;
  /** Reachability for /healthz; each resolves false rather than throwing. */
  health: { db(): Promise<boolean>; temporal(): Promise<boolean> };
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    organization: Organization;
    viewer: Viewer | null;
    csrfToken: string;
    /** Hands a request to this same app in-process: the development phone page posts webhooks with it. */
    selfFetch: (request: Request) => Promise<Response>;
  };
};
