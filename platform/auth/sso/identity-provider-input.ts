import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../roles.ts';

const PersonRole = z.enum(ROLES).refine((role) => role !== 'ingest', 'people cannot have the ingest role');

/** http(s); plain http only on loopback (a provider on the same machine, as in tests). */
const ProviderUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((value) => {
  // Runs after a failed URL check too: a value that is no URL at all is that check's to report.
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}, 'must be an https URL (plain http only on localhost)');

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be an e-mail domain such as example.com');

const Names = z.array(z.string().trim().min(1).max(300)).max(50);

/** Turns a certificate given as PEM, or as its bare base64 (as some IdPs show it), into PEM; throws when it is not one. */
export function normalizeCertificate(text: string): string {
  const body = text
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
  const pem = `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  new X509Certificate(pem);
  return pem;
}

const Certificate = z
  .string()
  .max(20_000)
  .transform((text, context) => {
    try {
      return normalizeCertificate(text);
    } catch {
      context.addIssue({ code: 'custom', message: 'is not an X.509 certificate (paste the PEM the identity provider shows)' });
      return z.NEVER;
    }
  });

export const OidcSettingsInput = z.object({
  issuer: ProviderUrl.meta({ description: 'The issuer URL; /.well-known/openid-configuration is read from it' }),
  clientId: z.string().trim().min(1).max(300),
  /** Left out on an update: the stored secret stays. */
  clientSecret: z.string().min(1).max(2000).optional().meta({ description: 'Written only: never answered' }),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope name'))
    .max(20)
    .default(['openid', 'email', 'profile'])
    .refine((scopes) => scopes.includes('openid'), 'must include openid'),
  groupsClaim: z.string().trim().min(1).max(100).default('groups'),
  mfaAcrValues: Names.default([]).meta({ description: '`acr` values that count as multi-factor, besides an `amr` naming one' }),
});

export const DEFAULT_MFA_CONTEXT_CLASSES = [
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MultiFactor',
  'http://schemas.microsoft.com/claims/multipleauthn',
  'https://refeds.org/profile/mfa',
];

export const SamlSettingsInput = z.object({
  ssoUrl: ProviderUrl.meta({ description: "The IdP's single sign-on URL (HTTP-Redirect binding)" }),
  certificates: z.array(Certificate).min(1, 'must hold the certificate the IdP signs with').max(5),
  idpEntityId: z.string().trim().min(1).max(1000).nullable().default(null),
  spEntityId: z.string().trim().min(1).max(1000).optional().meta({ description: "Firebreak's entity id; default its metadata URL" }),
  emailAttribute: z.string().trim().min(1).max(300).default('email'),
  nameAttribute: z.string().trim().min(1).max(300).default('name'),
  groupsAttribute: z.string().trim().min(1).max(300).default('groups'),
  mfaContextClasses: Names.default(DEFAULT_MFA_CONTEXT_CLASSES),
});

const Common = {
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (it is part of the URLs), such as okta'),
  label: z.string().trim().min(1).max(100).meta({ description: 'Shown as "Sign in with <label>"' }),
  domains: z.array(Domain).min(1, 'must list at least one e-mail domain').max(50),
  defaultRole: PersonRole.default('viewer'),
  groupRoles: z.record(z.string().trim().min(1).max(300), PersonRole).default({}),
  enabled: z.boolean().default(true),
};

export const IdentityProviderInput = z.discriminatedUnion(
  'kind',
  [
    z.object({ ...Common, kind: z.literal('oidc'), settings: OidcSettingsInput }),
    z.object({ ...Common, kind: z.literal('saml'), settings: SamlSettingsInput }),
  ],
  { error: 'kind must be "oidc" or "saml"' },
);
export type IdentityProviderInput = z.infer<typeof IdentityProviderInput>;

/** SSO_CONFIG_FILE: `{ "identityProviders": [IdentityProviderInput, ...] }` (JSON or YAML). */
export const SsoConfigFile = z.object({ identityProviders: z.array(IdentityProviderInput).max(100) });
