import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Role } from '../auth/roles.ts';
import { ROLES } from '../auth/roles.ts';

export const IDENTITY_PROVIDER_KINDS = ['oidc', 'saml'] as const;
export type IdentityProviderKind = (typeof IDENTITY_PROVIDER_KINDS)[number];

/** Where a provider was defined: through the API or web page, or in SSO_CONFIG_FILE (read-only elsewhere). */
export const IDENTITY_PROVIDER_SOURCES = ['api', 'file'] as const;

/** The settings of an OpenID Connect provider that are not secret (the client secret is a column, sealed). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string[];
  groupsClaim: string;
  /** `acr` values that count as multi-factor (besides an `amr` naming a second factor). */
  mfaAcrValues: string[];
}

/** The settings of a SAML 2.0 identity provider. */
export interface SamlSettings {
  ssoUrl: string;
  /** PEM certificates whose keys may sign assertions (more than one while the IdP rolls its key). */
  certificates: string[];
  /** The IdP's entity id (Issuer); when set, a response from another issuer is refused. */
  idpEntityId: string | null;
  spEntityId: string;
  emailAttribute: string;
  nameAttribute: string;
  groupsAttribute: string;
  /** AuthnContextClassRef values that count as multi-factor. */
  mfaContextClasses: string[];
}

export const identityProviders = pgTable('identity_providers', {
  id: uuid().primaryKey().defaultRandom(),
  /** A short key (lower case, digits, dashes) in the provider's URLs: /sso/oidc/<name>/callback, /sso/saml/<name>/acs. */
  name: text().notNull().unique(),
  /** What the login page shows: "Sign in with <label>". */
  label: text().notNull(),
  kind: text({ enum: IDENTITY_PROVIDER_KINDS }).notNull(),
  /** Lower-case e-mail domains whose people must sign in through this provider. */
  domains: text().array().notNull(),
  settings: jsonb().$type<OidcSettings | SamlSettings>().notNull(),
  /** The OIDC client secret, sealed with the secret box (bound to the provider's id); never answered. */
  clientSecret: text(),
  defaultRole: text({ enum: ROLES }).notNull(),
  /** Group name (as the IdP sends it) → role; the highest role of a person's groups wins. */
  groupRoles: jsonb().$type<Record<string, Role>>().notNull(),
  enabled: boolean().notNull().default(true),
  source: text({ enum: IDENTITY_PROVIDER_SOURCES }).notNull().default('api'),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type IdentityProvider = typeof identityProviders.$inferSelect;

/**
 * A sign-in started at a provider and not yet finished: the OIDC state, nonce and PKCE verifier, or
 * the SAML AuthnRequest id (InResponseTo). In the database, so that any replica can finish it, once.
 */
export const ssoLoginRequests = pgTable('sso_login_requests', {
  id: uuid().primaryKey().defaultRandom(),
  providerId: uuid()
    .notNull()
    .references(() => identityProviders.id, { onDelete: 'cascade' }),
  /** OIDC `state`, or the SAML request id; the key the provider's answer is matched on. */
  state: text().notNull().unique(),
  nonce: text(),
  codeVerifier: text(),
  next: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

/**
 * SAML assertion ids already accepted, kept until the assertion expires: a replayed assertion is
 * refused on every replica. The primary key makes two concurrent uses of one id succeed only once.
 */
export const samlAssertionIds = pgTable(
  'saml_assertion_ids',
  {
    providerId: uuid()
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    assertionId: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.providerId, table.assertionId] })],
);
