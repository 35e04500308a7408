import type { IdentityProviderView, OidcSettings, SamlSettings } from '../../platform/index.ts';
import { DEFAULT_MFA_CONTEXT_CLASSES, ROLES } from '../../platform/index.ts';
import { AdminNav } from './admin/nav.tsx';
import { CheckboxField, PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, Flash, Layout } from './layout.tsx';

const PERSON_ROLES = ROLES.filter((role) => role !== 'ingest');

/** The form's text for a provider's group mapping: one "group = role" a line. */
export function groupRolesText(groupRoles: Record<string, string>): string {
  return Object.entries(groupRoles)
    .map(([group, role]) => `${group} = ${role}`)
    .join('\n');
}

function ProviderFields({ form, provider }: { form: string; provider?: IdentityProviderView }) {
  const oidc = provider?.kind === 'oidc' ? (provider.settings as OidcSettings) : null;
  const saml = provider?.kind === 'saml' ? (provider.settings as SamlSettings) : null;
  return (
    <>
      <TextField
        form={form}
        name="name"
        label="Name"
        value={provider?.name}
        required
        hint="Lower case, digits and dashes; part of Firebreak's URLs for it (okta, entra)."
      />
      <TextField
        form={form}
        name="label"
        label="Label"
        value={provider?.label}
        required
        hint='The login page shows "Sign in with <label>".'
      />
      <SelectField
        form={form}
        name="kind"
        label="Protocol"
        value={provider?.kind ?? 'oidc'}
        options={[
          { value: 'oidc', label: 'OpenID Connect' },
          { value: 'saml', label: 'SAML 2.0' },
        ]}
      />
      <TextField
        form={form}
        name="domains"
        label="E-mail domains"
        value={provider?.domains.join(', ')}
        required
        hint="Comma-separated; people of these domains must sign in here (no password)."
      />
      <SelectField
        form={form}
        name="defaultRole"
        label="Role of people it creates"
        value={provider?.defaultRole ?? 'viewer'}
        options={PERSON_ROLES}
      />
      <TextAreaField
        form={form}
        name="groupRoles"
        label="Groups to roles"
        rows={3}
        value={provider ? groupRolesText(provider.groupRoles) : ''}
        hint="One a line: group = role (firebreak-admins = admin). Applied at each login; the highest role wins."
      />
      <CheckboxField form={form} name="enabled" label="Enabled" checked={provider?.enabled ?? true} />
      <fieldset>
        <legend>OpenID Connect</legend>
        <TextField
          form={form}
          name="settings.issuer"
          label="Issuer URL"
          value={oidc?.issuer}
          hint="https://…; its /.well-known/openid-configuration is read."
        />
        <TextField form={form} name="settings.clientId" label="Client id" value={oidc?.clientId} />
        <TextField
          form={form}
          name="settings.clientSecret"
          label="Client secret"
          type="password"
          hint={
            provider?.kind === 'oidc'
              ? 'Stored sealed and never shown; leave empty to keep the current one.'
              : 'Stored sealed and never shown.'
          }
        />
        <TextField form={form} name="settings.scopes" label="Scopes" value={oidc?.scopes.join(' ') ?? 'openid email profile'} />
        <TextField form={form} name="settings.groupsClaim" label="Groups claim" value={oidc?.groupsClaim ?? 'groups'} />
        <TextField
          form={form}
          name="settings.mfaAcrValues"
          label="acr values that mean MFA"
          value={oidc?.mfaAcrValues.join(' ')}
          hint="Space-separated; an amr naming a second factor (mfa, otp, hwk…) counts anyway."
        />
      </fieldset>
      <fieldset>
        <legend>SAML 2.0</legend>
        <TextField form={form} name="settings.ssoUrl" label="IdP single sign-on URL" value={saml?.ssoUrl} />
        <TextAreaField
          form={form}
          name="settings.certificates"
          label="IdP signing certificate(s), PEM"
          rows={4}
          value={saml?.certificates.join('')}
        />
        <TextField form={form} name="settings.idpEntityId" label="IdP entity id (issuer)" value={saml?.idpEntityId ?? ''} />
        <TextField
          form={form}
          name="settings.spEntityId"
          label="Firebreak's entity id"
          value={saml?.spEntityId}
          hint="Empty: Firebreak's metadata URL for this provider."
        />
        <TextField form={form} name="settings.emailAttribute" label="E-mail attribute" value={saml?.emailAttribute ?? 'email'} />
        <TextField form={form} name="settings.nameAttribute" label="Name attribute" value={saml?.nameAttribute ?? 'name'} />
        <TextField form={form} name="settings.groupsAttribute" label="Groups attribute" value={saml?.groupsAttribute ?? 'groups'} />
        <TextAreaField
          form={form}
          name="settings.mfaContextClasses"
          label="AuthnContextClassRef values that mean MFA"
          rows={3}
          value={(saml?.mfaContextClasses ?? DEFAULT_MFA_CONTEXT_CLASSES).join('\n')}
        />
      </fieldset>
    </>
  );
}

function ServiceProviderValues({ provider }: { provider: IdentityProviderView }) {
  const sp = provider.serviceProvider;
  return provider.kind === 'oidc' ? (
    <dl class="facts">
      <dt>Redirect (sign-in) URI</dt>
      <dd>
        <code>{sp.redirectUri}</code>
      </dd>
    </dl>
  ) : (
    <dl class="facts">
      <dt>ACS (reply) URL</dt>
      <dd>
        <code>{sp.acsUrl}</code>
      </dd>
      <dt>Entity id (audience)</dt>
      <dd>
        <code>{sp.spEntityId}</code>
      </dd>
      <dt>Metadata</dt>
      <dd>
        <a href={sp.metadataUrl}>{sp.metadataUrl}</a>
      </dd>
    </dl>
  );
}

export function IdentityProvidersPage({
  viewer,
  providers,
  error,
  notice,
}: {
  viewer: Viewer;
  providers: IdentityProviderView[];
  error?: string | null;
  notice?: string | null;
}) {
  return (
    <Layout title="Single sign-on" viewer={viewer} section="admin">
      <h1>Single sign-on</h1>
      <AdminNav viewer={viewer} current="/admin/identity-providers" />
      <Flash error={error} notice={notice} />
      {providers.length === 0 ? (
        <section class="card">
          <p>No identity provider yet: everyone logs in with a password and an authenticator code.</p>
        </section>
      ) : null}
      {providers.map((provider) => (
        <section class="card" aria-labelledby={`provider-${provider.name}`} data-provider={provider.name}>
          <h2 id={`provider-${provider.name}`}>
            {provider.label}{' '}
            <span class="muted">
              ({provider.kind === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'}
              {provider.enabled ? '' : ', disabled'})
            </span>
          </h2>
          <p>
            Domains: <strong>{provider.domains.join(', ')}</strong> · new people become <strong>{provider.defaultRole}</strong>
            {Object.keys(provider.groupRoles).length ? <> · groups: {groupRolesText(provider.groupRoles).replaceAll('\n', '; ')}</> : null}
          </p>
          <h3>Enter these at the identity provider</h3>
          <ServiceProviderValues provider={provider} />
          {provider.source === 'file' ? (
            <p class="muted">Defined in SSO_CONFIG_FILE: change it there (read-only here).</p>
          ) : (
            <>
              <details open={useRefused(`edit-${provider.name}`)}>
                <summary>Change</summary>
                <PageForm id={`edit-${provider.name}`} action={`/admin/identity-providers/${provider.name}`} viewer={viewer}>
                  <ProviderFields form={`edit-${provider.name}`} provider={provider} />
                  <p>
                    <button type="submit">Save {provider.label}</button>
                  </p>
                </PageForm>
              </details>
              <form method="post" action={`/admin/identity-providers/${provider.name}/delete`} class="inline-form">
                <CsrfField viewer={viewer} />
                <button type="submit" class="danger">
                  Remove {provider.label}
                </button>
              </form>
            </>
          )}
        </section>
      ))}
      <section class="card" aria-labelledby="new-provider-title">
        <h2 id="new-provider-title">Add an identity provider</h2>
        <p class="muted">
          Fill in the fields of its protocol; docs/access.md says where each value is found in Okta, Entra ID, Google and Keycloak.
        </p>
        <PageForm id="new-provider" action="/admin/identity-providers" viewer={viewer}>
          <ProviderFields form="new-provider" />
          <p>
            <button type="submit">Add identity provider</button>
          </p>
        </PageForm>
      </section>
    </Layout>
  );
}
