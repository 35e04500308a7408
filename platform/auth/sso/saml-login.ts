import type { CacheProvider, Profile } from '@node-saml/node-saml';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Database } from '../../database/index.ts';
import type { IdentityProvider, SamlSettings } from '../../schema/identity-providers.ts';
import { samlAssertionIds, ssoLoginRequests } from '../../schema/identity-providers.ts';
import type { ExternalIdentity } from './complete-sso-login.ts';
import { SsoRefusedError } from './complete-sso-login.ts';
import { serviceProviderUrls } from './identity-providers.ts';
import { SSO_REQUEST_TTL_MS } from './oidc-login.ts';

// Clocks of the IdP and Firebreak may differ this much when NotBefore and NotOnOrAfter are checked.
const CLOCK_SKEW_MS = 60_000;
// An assertion without NotOnOrAfter is remembered (against replay) this long.
const DEFAULT_REPLAY_WINDOW_MS = 24 * 3_600_000;

/**
 * node-saml's store of the AuthnRequest ids it sent, in the database (sso_login_requests) so that the
 * answer may reach any replica. A request id answers once: removal marks it used.
 */
function requestStore(db: Database, providerId: string, next: string, now: () => Date): CacheProvider {
  return {
    async saveAsync(key, value) {
      const at = now();
      await db.insert(ssoLoginRequests).values({
        providerId,
        state: key,
        next,
        createdAt: at,
        expiresAt: new Date(at.getTime() + SSO_REQUEST_TTL_MS),
      });
      return { value, createdAt: at.getTime() };
    },
    async getAsync(key) {
      const at = now();
      const [row] = await db
        .select({ createdAt: ssoLoginRequests.createdAt })
        .from(ssoLoginRequests)
        .where(
          and(
            eq(ssoLoginRequests.providerId, providerId),
            eq(ssoLoginRequests.state, key),
            isNull(ssoLoginRequests.usedAt),
            gt(ssoLoginRequests.expiresAt, at),
          ),
        )
        .limit(1);
      return row ? row.createdAt.toISOString() : null;
    },
    async removeAsync(key) {
      if (!key) return null;
      const [row] = await db
        .update(ssoLoginRequests)
        .set({ usedAt: now() })
        .where(and(eq(ssoLoginRequests.providerId, providerId), eq(ssoLoginRequests.state, key), isNull(ssoLoginRequests.usedAt)))
        .returning({ state: ssoLoginRequests.state });
      return row?.state ?? null;
    },
  };
}

function samlFor(db: Database, publicUrl: string, provider: IdentityProvider, next: string, now: () => Date): SAML {
  const settings = provider.settings as SamlSettings;
  const urls = serviceProviderUrls(publicUrl, provider);
  return new SAML({
    entryPoint: settings.ssoUrl,
    issuer: urls.spEntityId,
    callbackUrl: urls.acsUrl,
    audience: urls.spEntityId,
    idpCert: settings.certificates,
    ...(settings.idpEntityId ? { idpIssuer: settings.idpEntityId } : {}),
    // Every assertion must carry its own signature; a signed response around an unsigned assertion is not enough.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: SSO_REQUEST_TTL_MS,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    cacheProvider: requestStore(db, provider.id, next, now),
  });
}

/** Starts a SAML sign-in: an AuthnRequest (its id stored) sent to the IdP by HTTP-Redirect. Answers the URL. */
export async function startSamlLogin(
  db: Database,
  publicUrl: string,
  provider: IdentityProvider,
  options: { next: string; now?: Date },
): Promise<string> {
  const saml = samlFor(db, publicUrl, provider, options.next, () => options.now ?? new Date());
  return saml.getAuthorizeUrlAsync('', undefined, {});
}

/** Firebreak's SAML service-provider metadata for one provider (entity id, ACS URL, NameID format). */
export function samlMetadata(db: Database, publicUrl: string, provider: IdentityProvider): string {
  return samlFor(db, publicUrl, provider, '/', () => new Date()).generateServiceProviderMetadata(null, null);
}

type XmlNode = { $?: Record<string, string>; _?: string; [child: string]: unknown };

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function text(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as XmlNode)._ === 'string') return (node as XmlNode)._ ?? null;
  return null;
}

function attributeValues(profile: Profile, name: string): string[] {
  const value = profile[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map(text).filter((item): item is string => item !== null && item !== '');
}

function describeSamlError(message: string): string {
  if (/signature/i.test(message)) return 'signature_invalid';
  // node-saml judges a SubjectConfirmation valid by its NotBefore/NotOnOrAfter alone.
  if (/expired|NotOnOrAfter|NotBefore|too old|not yet valid|No valid subject confirmation/i.test(message)) return 'time_window';
  if (/audience/i.test(message)) return 'audience_mismatch';
  if (/InResponseTo/i.test(message)) return 'in_response_to';
  if (/issuer/i.test(message)) return 'issuer_mismatch';
  return 'assertion_invalid';
}

/**
 * Finishes a SAML sign-in at the ACS: node-saml checks the assertion's signature (required), the
 * issuer, audience, time window (NotBefore/NotOnOrAfter) and InResponseTo (an AuthnRequest this
 * Firebreak sent, answered once); here the Recipient and Destination must be this ACS URL, and the
 * assertion id must not have been accepted before (on any replica). Answers the identity and `next`.
 */
export async function finishSamlLogin(
  db: Database,
  publicUrl: string,
  provider: IdentityProvider,
  form: { SAMLResponse: string; RelayState?: string },
  now: Date = new Date(),
): Promise<{ identity: ExternalIdentity; next: string }> {
  const settings = provider.settings as SamlSettings;
  const acsUrl = serviceProviderUrls(publicUrl, provider).acsUrl;
  const saml = samlFor(db, publicUrl, provider, '/', () => now);
  let profile: Profile | null;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState ?? '' }));
  } catch (error) {
    const message = (error as Error).message;
    throw new SsoRefusedError(`${provider.label}'s answer was refused: ${message}. Start again.`, describeSamlError(message));
  }
  if (!profile?.getAssertion) throw new SsoRefusedError(`${provider.label} sent no assertion.`, 'assertion_invalid');
  const assertion = profile.getAssertion().Assertion as XmlNode;
  const responseXml = profile.getSamlResponseXml?.() ?? '';
  const destination = /<(?:\w+:)?Response\b[^>]*?\sDestination="([^"]*)"/.exec(responseXml)?.[1];
  if (destination !== undefined && destination !== acsUrl)
    throw new SsoRefusedError(`${provider.label}'s answer was meant for ${destination}, not this Firebreak.`, 'destination_mismatch');
  const confirmations = children(assertion, 'Subject').flatMap((subject) => children(subject, 'SubjectConfirmation'));
  const data = confirmations.flatMap((confirmation) => children(confirmation, 'SubjectConfirmationData'));
  if (!data.some((item) => item.$?.Recipient === acsUrl))
    throw new SsoRefusedError(`${provider.label}'s assertion names another recipient than this Firebreak's ACS URL.`, 'recipient_mismatch');

  const assertionId = assertion.$?.ID;
  if (!assertionId) throw new SsoRefusedError(`${provider.label}'s assertion has no ID.`, 'assertion_invalid');
  const notOnOrAfter = children(assertion, 'Conditions')[0]?.$?.NotOnOrAfter;
  const expiresAt = notOnOrAfter
    ? new Date(new Date(notOnOrAfter).getTime() + CLOCK_SKEW_MS)
    : new Date(now.getTime() + DEFAULT_REPLAY_WINDOW_MS);
  // The primary key refuses the second use of one assertion id, across replicas and concurrent requests.
  const remembered = await db
    .insert(samlAssertionIds)
    .values({ providerId: provider.id, assertionId, expiresAt })
    .onConflictDoNothing()
    .returning({ id: samlAssertionIds.assertionId });
  if (remembered.length === 0)
    throw new SsoRefusedError(`${provider.label}'s assertion was already used (a replay); start again.`, 'replayed');

  const [request] = profile.inResponseTo
    ? await db
        .select({ next: ssoLoginRequests.next })
        .from(ssoLoginRequests)
        .where(and(eq(ssoLoginRequests.providerId, provider.id), eq(ssoLoginRequests.state, String(profile.inResponseTo))))
        .limit(1)
    : [];
  const contextClasses = children(assertion, 'AuthnStatement')
    .flatMap((statement) => children(statement, 'AuthnContext'))
    .flatMap((context) => children(context, 'AuthnContextClassRef'))
    .map(text)
    .filter((item): item is string => item !== null);
  const email = attributeValues(profile, settings.emailAttribute)[0] ?? (profile.nameID?.includes('@') ? profile.nameID : '');
  if (!email)
    throw new SsoRefusedError(`${provider.label} did not send your e-mail address (attribute "${settings.emailAttribute}").`, 'no_email');
  return {
    next: request?.next ?? '/',
    identity: {
      subject: profile.nameID,
      email,
      name: attributeValues(profile, settings.nameAttribute)[0] ?? email,
      groups: attributeValues(profile, settings.groupsAttribute),
      mfa: contextClasses.some((ref) => settings.mfaContextClasses.includes(ref)),
      evidence: { authnContextClassRef: contextClasses },
    },
  };
}

/** Deletes remembered assertion ids and sign-in requests that have expired (a periodic job). */
export async function pruneSsoState(tx: Database, now: Date): Promise<void> {
  await tx.delete(samlAssertionIds).where(lt(samlAssertionIds.expiresAt, now));
  await tx.delete(ssoLoginRequests).where(lt(ssoLoginRequests.expiresAt, new Date(now.getTime() - 86_400_000)));
}
