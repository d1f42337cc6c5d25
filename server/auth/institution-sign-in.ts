import { and, eq, isNull, lt } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Database } from '../../db/client';
import {
  type Account,
  type Organization,
  accountRoles,
  accounts,
  ssoRequests,
  authSessions,
  knownDevices,
} from '../../db/schema';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { emailKey, isLoopbackUrl } from '../identifiers';
import { sha256 } from './sessions';

/** No password until the person sets one ("Forgot your password?"): nothing verifies against this. */
const NO_PASSWORD = 'institution-sign-in';

/** How long a person may spend at their institution's sign-in page before coming back. */
export const SSO_REQUEST_MINUTES = 10;
/** A provider that does not answer its discovery document in this long counts as down. */
const DISCOVERY_TIMEOUT_SECONDS = 5;
/** Discovery is re-read this often, so a provider's new keys or endpoints are picked up. */
const DISCOVERY_TTL_MS = 60 * 60_000;

/** What an organization's settings hold for its institution sign-in. */
export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  buttonLabel: string;
}

export function ssoSettings(organization: Organization): SsoSettings | null {
  const { ssoIssuer, ssoClientId, ssoClientSecret, ssoButtonLabel } = organization;
  if (!ssoIssuer || !ssoClientId || !ssoClientSecret) return null;
  return {
    issuer: ssoIssuer,
    clientId: ssoClientId,
    clientSecret: ssoClientSecret,
    buttonLabel: ssoButtonLabel || 'Sign in with your institution',
  };
}

/** Where the provider sends people back; the office registers it with their identity team. */
export function callbackUrl(config: Config, organization: Pick<Organization, 'code'>): string {
  return `${config.publicUrl}/${organization.code}/sso/callback`;
}

const discovered = new Map<string, { at: number; configuration: Promise<oidc.Configuration> }>();

/** The provider's configuration (discovery), cached for an hour per issuer and client. */
export function providerConfiguration(settings: SsoSettings): Promise<oidc.Configuration> {
  const key = `${settings.issuer}\n${settings.clientId}\n${sha256(settings.clientSecret)}`;
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
  const issuer = new URL(settings.issuer);
  const configuration = oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
    timeout: DISCOVERY_TIMEOUT_SECONDS,
    ...(issuer.protocol === 'http:' && isLoopbackUrl(issuer)
      ? { execute: [oidc.allowInsecureRequests] }
      : {}),
  });
  // A failed discovery is not kept: the next sign-in tries again.
  configuration.catch(() => discovered.delete(key));
  discovered.set(key, { at: Date.now(), configuration });
  return configuration;
}

/** What the provider says about the person, as far as Rounds uses it. */
export interface InstitutionIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
}

export type SsoOutcome =
  | { ok: true; account: Account; created: boolean; linked: boolean }
  /** The provider vouches for no email Rounds can use: nothing to link or create. */
  | { ok: false; reason: 'no_verified_email' }
  /** The account with this email is linked to another identity already: never silently moved. */
  | { ok: false; reason: 'linked_to_another_identity' };

export function createInstitutionSignIn(deps: { db: Database; clock: Clock; config: Config }) {
  const { db, clock, config } = deps;
  return {
    /** Starts the authorization code flow with PKCE; returns the provider's URL and the state for the cookie. */
    async start(organization: Organization, settings: SsoSettings, next: string | null) {
      const configuration = await providerConfiguration(settings);
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const now = clock.now();
      await db.delete(ssoRequests).where(lt(ssoRequests.expiresAt, now));
      await db.insert(ssoRequests).values({
        id: sha256(state),
        organizationId: organization.id,
        codeVerifier,
        nonce,
        next,
        createdAt: now,
        expiresAt: new Date(now.getTime() + SSO_REQUEST_MINUTES * 60_000),
      });
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: callbackUrl(config, organization),
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state };
    },

    /**
     * The provider sent the person back: the state in the browser's cookie must be the one in the
     * address, the code is exchanged with PKCE's verifier, and the ID token's nonce must match.
     * Returns who the provider says this is, and where they were going.
     */
    async finish(
      organization: Organization,
      settings: SsoSettings,
      cookieState: string | undefined,
      callback: URL,
    ): Promise<{ identity: InstitutionIdentity; next: string | null } | null> {
      if (!cookieState || callback.searchParams.get('state') !== cookieState) return null;
      const [request] = await db
        .delete(ssoRequests)
        .where(and(eq(ssoRequests.id, sha256(cookieState)), eq(ssoRequests.organizationId, organization.id)))
        .returning();
      if (!request || request.expiresAt <= clock.now()) return null;
      const configuration = await providerConfiguration(settings);
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: cookieState,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) return null;
      // Providers may keep email and names out of the ID token and answer them at UserInfo.
      const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      const claims = { ...idToken, ...userInfo, iss: idToken.iss, sub: idToken.sub };
      const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
      return {
        identity: {
          subject: `${claims.iss} ${claims.sub}`,
          email: text(claims.email),
          emailVerified: claims.email_verified === true,
          firstName: text(claims.given_name),
          lastName: text(claims.family_name),
        },
        next: request.next,
      };
    },

    /**
     * The account for this identity: the one already linked to it; else the account with the same
     * email, when the provider has verified that email (then linked, and its email counts as
     * confirmed); else a new learner account, which must complete its profile before anything else.
     */
    async accountFor(organization: Organization, identity: InstitutionIdentity): Promise<SsoOutcome> {
      const [linked] = await db
        .select()
        .from(accounts)
        .where(and(eq(accounts.organizationId, organization.id), eq(accounts.ssoSubject, identity.subject)))
        .limit(1);
      if (linked) return { ok: true, account: linked, created: false, linked: false };
      if (!identity.email || !identity.emailVerified) return { ok: false, reason: 'no_verified_email' };
      const now = clock.now();
      const [byEmail] = await db
        .select()
        .from(accounts)
        .where(
          and(eq(accounts.organizationId, organization.id), eq(accounts.emailKey, emailKey(identity.email))),
        )
        .limit(1);
      if (byEmail) {
        if (byEmail.ssoSubject) return { ok: false, reason: 'linked_to_another_identity' };
        // An unconfirmed account may have been made by someone who typed this email to claim it
        // first: the institution proves whose it is, so that stranger's password stops working.
        const claimedByStranger = !byEmail.emailConfirmedAt;
        const updated = await db.transaction(async (tx) => {
          const [linked] = await tx
            .update(accounts)
            .set({
              ssoSubject: identity.subject,
              emailConfirmedAt: byEmail.emailConfirmedAt ?? now,
              ...(claimedByStranger
                ? { passwordHash: NO_PASSWORD, totpSecret: null, totpEnabledAt: null }
                : {}),
              updatedAt: now,
            })
            .where(and(eq(accounts.id, byEmail.id), isNull(accounts.ssoSubject)))
            .returning();
          if (linked && claimedByStranger) {
            await tx.delete(authSessions).where(eq(authSessions.accountId, byEmail.id));
            await tx.delete(knownDevices).where(eq(knownDevices.accountId, byEmail.id));
          }
          return linked;
        });
        if (!updated) return { ok: false, reason: 'linked_to_another_identity' };
        return { ok: true, account: updated, created: false, linked: true };
      }
      const account = await db.transaction(async (tx) => {
        const [made] = await tx
          .insert(accounts)
          .values({
            organizationId: organization.id,
            email: identity.email ?? '',
            emailKey: emailKey(identity.email ?? ''),
            firstName: identity.firstName ?? '',
            lastName: identity.lastName ?? '',
            // Left empty on purpose: the profile gate asks for them before anything else.
            degree: '',
            profession: '',
            passwordHash: NO_PASSWORD,
            ssoSubject: identity.subject,
            emailConfirmedAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!made) throw new Error('the new account was not returned');
        await tx.insert(accountRoles).values({ accountId: made.id, role: 'learner' });
        return made;
      });
      return { ok: true, account, created: true, linked: false };
    },
  };
}
