// Single sign-on: identity providers as data, OpenID Connect and SAML 2.0 sign-in, just-in-time users.
export type { IdentityProvider, OidcSettings, SamlSettings } from '../../schema/identity-providers.ts';
export type { ExternalIdentity, SsoLoginResult } from './complete-sso-login.ts';
export { auditSsoRefusal, completeSsoLogin, NO_PASSWORD, roleFromGroups, SsoRefusedError } from './complete-sso-login.ts';
export { emailDomain, providerOwningEmail } from './domain-owner.ts';
export { DEFAULT_MFA_CONTEXT_CLASSES, IdentityProviderInput, normalizeCertificate, SsoConfigFile } from './identity-provider-input.ts';
export type { IdentityProviderView, ServiceProviderUrls } from './identity-providers.ts';
export {
  createIdentityProvider,
  deleteIdentityProvider,
  findEnabledProvider,
  getIdentityProvider,
  listIdentityProviders,
  listSignInProviders,
  serviceProviderUrls,
  updateIdentityProvider,
} from './identity-providers.ts';
export { loadSsoConfigFile, SsoConfigFileError } from './load-sso-file.ts';
export { finishOidcLogin, SSO_REQUEST_TTL_MS, startOidcLogin } from './oidc-login.ts';
export { identityProviderRoutes } from './routes.ts';
export { finishSamlLogin, pruneSsoState, samlMetadata, startSamlLogin } from './saml-login.ts';
