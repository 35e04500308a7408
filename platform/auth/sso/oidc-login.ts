import { and, eq, gt, isNull } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Database } from '../../database/index.ts';
import type { IdentityProvider, OidcSettings } from '../../schema/identity-providers.ts';
import { ssoLoginRequests } from '../../schema/identity-providers.ts';
import type { SecretBox } from '../secret-box.ts';
import type { ExternalIdentity } from './complete-sso-login.ts';
import { SsoRefusedError } from './complete-sso-login.ts';
import { serviceProviderUrls } from './identity-providers.ts';

/** How long a person has at the identity provider before the sign-in they started expires. */
export const SSO_REQUEST_TTL_MS = 10 * 60_000;

/**
 * RFC 8176 authentication methods that are, or include, a second factor: any of them in `amr` means
 * the provider checked more than a password.
 */
const MFA_AMR_VALUES = new Set(['mfa', 'mca', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm', 'sms', 'tel']);

async function clientFor(provider: IdentityProvider, secrets: SecretBox): Promise<oidc.Configuration> {
  const settings = provider.settings as OidcSettings;
  const issuer = new URL(settings.issuer);
  const secret = provider.clientSecret ? secrets.open(provider.clientSecret, provider.id) : null;
  try {
    return await oidc.discovery(issuer, settings.clientId, undefined, secret ? oidc.ClientSecretPost(secret) : oidc.None(), {
      // Plain http is accepted only for a loopback issuer (the settings' validation sees to it).
      ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
  } catch (error) {
    throw new SsoRefusedError(
      `${provider.label} could not be reached to sign you in (${(error as Error).message}); try again, or ask an admin.`,
      'provider_unreachable',
    );
  }
}

/**
 * Starts an OpenID Connect sign-in (authorization code with PKCE): stores state, nonce and the code
 * verifier, and answers the provider's authorization URL and the state (the browser keeps it in a
 * cookie, so the answer is taken only from the browser that asked).
 */
export async function startOidcLogin(
  db: Database,
  secrets: SecretBox,
  publicUrl: string,
  provider: IdentityProvider,
  options: { next: string; loginHint?: string; now?: Date },
): Promise<{ url: string; state: string }> {
  const settings = provider.settings as OidcSettings;
  const client = await clientFor(provider, secrets);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const now = options.now ?? new Date();
  await db.insert(ssoLoginRequests).values({
    providerId: provider.id,
    state,
    nonce,
    codeVerifier,
    next: options.next,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SSO_REQUEST_TTL_MS),
  });
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: serviceProviderUrls(publicUrl, provider).redirectUri,
    scope: settings.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  return { url: url.href, state };
}

/** Takes a started sign-in once: a second use of the same state finds nothing (the guard is in the WHERE clause). */
export async function claimLoginRequest(db: Database, providerId: string, state: string, now: Date) {
  const [claimed] = await db
    .update(ssoLoginRequests)
    .set({ usedAt: now })
    .where(
      and(
        eq(ssoLoginRequests.providerId, providerId),
        eq(ssoLoginRequests.state, state),
        isNull(ssoLoginRequests.usedAt),
        gt(ssoLoginRequests.expiresAt, now),
      ),
    )
    .returning();
  return claimed ?? null;
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' && value ? [value] : [];
}

/**
 * Finishes an OpenID Connect sign-in at the callback: the state must be one this Firebreak started
 * (and the browser's own), the code is exchanged with the PKCE verifier, and the ID token's signature,
 * issuer, audience, expiry and nonce are checked by openid-client. Answers the identity and `next`.
 */
export async function finishOidcLogin(
  db: Database,
  secrets: SecretBox,
  provider: IdentityProvider,
  callbackUrl: URL,
  browserState: string | null,
  now: Date = new Date(),
): Promise<{ identity: ExternalIdentity; next: string }> {
  const settings = provider.settings as OidcSettings;
  const error = callbackUrl.searchParams.get('error');
  if (error) {
    const description = callbackUrl.searchParams.get('error_description');
    throw new SsoRefusedError(`${provider.label} did not sign you in: ${description ?? error}.`, `provider_error:${error}`.slice(0, 100));
  }
  const state = callbackUrl.searchParams.get('state') ?? '';
  if (!state || state !== browserState) {
    throw new SsoRefusedError('This sign-in was not started in this browser (the state does not match); start again.', 'state_mismatch');
  }
  const request = await claimLoginRequest(db, provider.id, state, now);
  if (!request?.nonce || !request.codeVerifier) {
    throw new SsoRefusedError('This sign-in expired or was already used; start again.', 'state_unknown');
  }
  const client = await clientFor(provider, secrets);
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (caught) {
    const message = (caught as Error).message;
    // openid-client may wrap oauth4webapi's error, which names the claim that did not match.
    const claim = (caught as { cause?: { claim?: unknown; cause?: { claim?: unknown } } }).cause;
    const nonce = /nonce/i.test(message) || claim?.claim === 'nonce' || claim?.cause?.claim === 'nonce';
    const reason = nonce ? 'nonce_mismatch' : 'token_invalid';
    throw new SsoRefusedError(`${provider.label}'s answer did not check out (${message}); start again.`, reason);
  }
  if (!claims) throw new SsoRefusedError(`${provider.label} sent no ID token.`, 'token_invalid');
  const email = typeof claims.email === 'string' ? claims.email : '';
  if (!email)
    throw new SsoRefusedError(`${provider.label} did not say your e-mail address (the "email" scope and claim are needed).`, 'no_email');
  if (claims.email_verified === false) throw new SsoRefusedError(`${provider.label} has not verified ${email}.`, 'email_unverified');
  const amr = stringList(claims.amr);
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  const mfa = amr.some((method) => MFA_AMR_VALUES.has(method)) || (acr !== null && settings.mfaAcrValues.includes(acr));
  return {
    next: request.next,
    identity: {
      subject: claims.sub,
      email,
      name: typeof claims.name === 'string' ? claims.name : email,
      groups: stringList(claims[settings.groupsClaim]),
      mfa,
      evidence: { amr, acr },
    },
  };
}
