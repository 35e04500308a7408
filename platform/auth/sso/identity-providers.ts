import { randomUUID } from 'node:crypto';
import { and, arrayOverlaps, asc, eq, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../audit/index.ts';
import type { Database } from '../../database/index.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { IdentityProvider, OidcSettings, SamlSettings } from '../../schema/identity-providers.ts';
import { identityProviders } from '../../schema/identity-providers.ts';
import type { ActionContext } from '../actor.ts';
import { assertPermission } from '../actor.ts';
import type { SecretBox } from '../secret-box.ts';
import type { IdentityProviderInput } from './identity-provider-input.ts';

// Serializes provider writes so that two providers never come to own one domain.
const PROVIDER_LOCK = 4_201_117;

/** The addresses of Firebreak that an identity provider is told about, for one provider. */
export interface ServiceProviderUrls {
  /** OIDC: the redirect (callback) URI to register at the provider. */
  redirectUri: string;
  /** SAML: the Assertion Consumer Service URL (HTTP-POST). */
  acsUrl: string;
  /** SAML: Firebreak's metadata for this provider. */
  metadataUrl: string;
  /** SAML: Firebreak's entity id (audience), as configured or the metadata URL. */
  spEntityId: string;
}

export function serviceProviderUrls(
  publicUrl: string,
  provider: Pick<IdentityProvider, 'name' | 'kind' | 'settings'>,
): ServiceProviderUrls {
  const base = `${publicUrl}/sso/${provider.kind}/${provider.name}`;
  const metadataUrl = `${publicUrl}/sso/saml/${provider.name}/metadata`;
  const configured = provider.kind === 'saml' ? (provider.settings as SamlSettings).spEntityId : '';
  return {
    redirectUri: `${base}/callback`,
    acsUrl: `${publicUrl}/sso/saml/${provider.name}/acs`,
    metadataUrl,
    spEntityId: configured || metadataUrl,
  };
}

/** A provider as the API and the admin page show it: every setting but the client secret. */
export interface IdentityProviderView {
  id: string;
  name: string;
  label: string;
  kind: 'oidc' | 'saml';
  domains: string[];
  settings: (Omit<OidcSettings, never> & { clientSecretSet: boolean }) | SamlSettings;
  defaultRole: IdentityProvider['defaultRole'];
  groupRoles: Record<string, IdentityProvider['defaultRole']>;
  enabled: boolean;
  source: 'api' | 'file';
  version: number;
  createdAt: Date;
  updatedAt: Date;
  serviceProvider: ServiceProviderUrls;
}

export function viewIdentityProvider(provider: IdentityProvider, publicUrl: string): IdentityProviderView {
  const settings =
    provider.kind === 'oidc'
      ? { ...(provider.settings as OidcSettings), clientSecretSet: provider.clientSecret !== null }
      : (provider.settings as SamlSettings);
  return {
    id: provider.id,
    name: provider.name,
    label: provider.label,
    kind: provider.kind,
    domains: provider.domains,
    settings,
    defaultRole: provider.defaultRole,
    groupRoles: provider.groupRoles,
    enabled: provider.enabled,
    source: provider.source,
    version: provider.version,
    createdAt: provider.createdAt,
    updatedAt: provider.updatedAt,
    serviceProvider: serviceProviderUrls(publicUrl, provider),
  };
}

/** The stored form of the input's settings (the client secret apart). */
function storedSettings(input: IdentityProviderInput): OidcSettings | SamlSettings {
  if (input.kind === 'oidc') {
    const { clientSecret: _secret, ...settings } = input.settings;
    return settings;
  }
  return { ...input.settings, spEntityId: input.settings.spEntityId ?? '' };
}

/** What an audit entry says of a provider (never a secret). */
function auditDetails(input: IdentityProviderInput, secretChanged: boolean) {
  return {
    name: input.name,
    kind: input.kind,
    domains: input.domains,
    defaultRole: input.defaultRole,
    groupRoles: input.groupRoles,
    enabled: input.enabled,
    ...(input.kind === 'oidc'
      ? { issuer: input.settings.issuer, clientId: input.settings.clientId, clientSecretChanged: secretChanged }
      : {}),
    ...(input.kind === 'saml' ? { ssoUrl: input.settings.ssoUrl, certificates: input.settings.certificates.length } : {}),
  };
}

async function assertDomainsFree(tx: Database, input: IdentityProviderInput, exceptId: string | null): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${PROVIDER_LOCK})`);
  const [clash] = await tx
    .select({ name: identityProviders.name, domains: identityProviders.domains })
    .from(identityProviders)
    .where(and(arrayOverlaps(identityProviders.domains, input.domains), exceptId ? ne(identityProviders.id, exceptId) : undefined))
    .limit(1);
  if (clash) {
    const shared = input.domains.filter((domain) => clash.domains.includes(domain));
    throw new ConflictError(
      `The domain ${shared.join(', ')} already belongs to the identity provider "${clash.name}"; a domain has one provider.`,
    );
  }
}

async function findProvider(db: Database, idOrName: string): Promise<IdentityProvider | null> {
  const byId = z.uuid().safeParse(idOrName).success ? eq(identityProviders.id, idOrName) : undefined;
  const [row] = await db
    .select()
    .from(identityProviders)
    .where(byId ? or(byId, eq(identityProviders.name, idOrName)) : eq(identityProviders.name, idOrName))
    .limit(1);
  return row ?? null;
}

/**
 * Writes a provider (new, or replacing the one of the same name when `existing` is given) inside `tx`;
 * the caller holds the transaction and records the audit entry. The client secret is sealed, bound to
 * the provider's id; left out on a replacement, the stored one stays.
 */
export async function storeIdentityProvider(
  tx: Database,
  secrets: SecretBox,
  input: IdentityProviderInput,
  source: 'api' | 'file',
  existing: IdentityProvider | null,
): Promise<IdentityProvider> {
  await assertDomainsFree(tx, input, existing?.id ?? null);
  const id = existing?.id ?? randomUUID();
  const newSecret = input.kind === 'oidc' ? input.settings.clientSecret : undefined;
  const clientSecret =
    input.kind === 'oidc'
      ? newSecret !== undefined
        ? secrets.seal(newSecret, id)
        : existing?.kind === 'oidc'
          ? existing.clientSecret
          : null
      : null;
  const values = {
    name: input.name,
    label: input.label,
    kind: input.kind,
    domains: input.domains,
    settings: storedSettings(input),
    clientSecret,
    defaultRole: input.defaultRole,
    groupRoles: input.groupRoles,
    enabled: input.enabled,
    source,
  };
  if (!existing) {
    const [row] = await tx
      .insert(identityProviders)
      .values({ id, ...values })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`An identity provider named "${input.name}" exists.`);
    return row;
  }
  // The version in the WHERE clause: of two concurrent changes, the second finds nothing and is told so.
  const [row] = await tx
    .update(identityProviders)
    .set({ ...values, version: existing.version + 1, updatedAt: new Date() })
    .where(and(eq(identityProviders.id, existing.id), eq(identityProviders.version, existing.version)))
    .returning();
  if (!row) throw new ConflictError(`The identity provider "${existing.name}" changed meanwhile; load it again.`, 'stale_version');
  return row;
}

export async function listIdentityProviders(ctx: ActionContext): Promise<IdentityProviderView[]> {
  assertPermission(ctx.actor, 'users:manage');
  const rows = await ctx.db.select().from(identityProviders).orderBy(asc(identityProviders.name));
  return rows.map((row) => viewIdentityProvider(row, ctx.config.publicUrl));
}

export async function getIdentityProvider(ctx: ActionContext, idOrName: string): Promise<IdentityProviderView> {
  assertPermission(ctx.actor, 'users:manage');
  const row = await findProvider(ctx.db, idOrName);
  if (!row) throw new NotFoundError(`No identity provider "${idOrName}".`);
  return viewIdentityProvider(row, ctx.config.publicUrl);
}

/** Adds an identity provider (audited). */
export async function createIdentityProvider(
  ctx: ActionContext,
  secrets: SecretBox,
  input: IdentityProviderInput,
): Promise<IdentityProviderView> {
  assertPermission(ctx.actor, 'users:manage');
  return ctx.db.transaction(async (tx) => {
    const row = await storeIdentityProvider(tx, secrets, input, 'api', null);
    await recordAudit(tx, ctx, {
      action: 'auth.identity_provider.create',
      targetType: 'identity_provider',
      targetId: row.id,
      details: auditDetails(input, input.kind === 'oidc' && input.settings.clientSecret !== undefined),
    });
    return viewIdentityProvider(row, ctx.config.publicUrl);
  });
}

function assertNotFromFile(provider: IdentityProvider): void {
  if (provider.source === 'file')
    throw new ConflictError(`The identity provider "${provider.name}" comes from SSO_CONFIG_FILE; change it there.`, 'provider_from_file');
}

/** Replaces a provider's settings (audited); a client secret left out stays as it was. */
export async function updateIdentityProvider(
  ctx: ActionContext,
  secrets: SecretBox,
  idOrName: string,
  input: IdentityProviderInput,
): Promise<IdentityProviderView> {
  assertPermission(ctx.actor, 'users:manage');
  return ctx.db.transaction(async (tx) => {
    const existing = await findProvider(tx, idOrName);
    if (!existing) throw new NotFoundError(`No identity provider "${idOrName}".`);
    assertNotFromFile(existing);
    if (existing.kind !== input.kind)
      throw new ConflictError(`The identity provider "${existing.name}" is ${existing.kind}; make a new one for ${input.kind}.`);
    if (existing.name !== input.name) {
      const clash = await findProvider(tx, input.name);
      if (clash) throw new ConflictError(`An identity provider named "${input.name}" exists.`);
    }
    const row = await storeIdentityProvider(tx, secrets, input, 'api', existing);
    await recordAudit(tx, ctx, {
      action: 'auth.identity_provider.update',
      targetType: 'identity_provider',
      targetId: row.id,
      details: {
        ...auditDetails(input, input.kind === 'oidc' && input.settings.clientSecret !== undefined),
        previousVersion: existing.version,
      },
    });
    return viewIdentityProvider(row, ctx.config.publicUrl);
  });
}

/** Removes a provider (audited); its people keep their accounts but can no longer sign in through it. */
export async function deleteIdentityProvider(ctx: ActionContext, idOrName: string): Promise<IdentityProviderView> {
  assertPermission(ctx.actor, 'users:manage');
  return ctx.db.transaction(async (tx) => {
    const existing = await findProvider(tx, idOrName);
    if (!existing) throw new NotFoundError(`No identity provider "${idOrName}".`);
    assertNotFromFile(existing);
    const [row] = await tx.delete(identityProviders).where(eq(identityProviders.id, existing.id)).returning();
    if (!row) throw new NotFoundError(`No identity provider "${idOrName}".`);
    await recordAudit(tx, ctx, {
      action: 'auth.identity_provider.delete',
      targetType: 'identity_provider',
      targetId: row.id,
      details: { name: row.name, kind: row.kind, domains: row.domains },
    });
    return viewIdentityProvider(row, ctx.config.publicUrl);
  });
}

/** A provider by name for a sign-in, if it exists and is enabled. */
export async function findEnabledProvider(db: Database, name: string): Promise<IdentityProvider | null> {
  const [row] = await db
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.name, name), eq(identityProviders.enabled, true)))
    .limit(1);
  return row ?? null;
}

/** The enabled providers, for the login page ("people at example.com sign in with Okta"). */
export async function listSignInProviders(
  db: Database,
): Promise<{ name: string; label: string; kind: 'oidc' | 'saml'; domains: string[] }[]> {
  return db
    .select({
      name: identityProviders.name,
      label: identityProviders.label,
      kind: identityProviders.kind,
      domains: identityProviders.domains,
    })
    .from(identityProviders)
    .where(eq(identityProviders.enabled, true))
    .orderBy(asc(identityProviders.label));
}
