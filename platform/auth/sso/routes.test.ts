import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate, type TestCertificate } from '../../../test/fakes/tls.ts';
import type { TestFirebreak } from '../../../test/harness/app.ts';
import { createTestFirebreak } from '../../../test/harness/app.ts';
import { databaseBackends } from '../../../test/harness/database.ts';
import { loadConfig } from '../../config.ts';
import { auditEntries } from '../../schema/audit-entries.ts';
import { identityProviders } from '../../schema/identity-providers.ts';
import { secretBoxFrom } from '../secret-box.ts';
import { loadSsoConfigFile } from './load-sso-file.ts';

const oidcProvider = {
  name: 'okta',
  label: 'Okta',
  kind: 'oidc',
  domains: ['Example.COM'],
  defaultRole: 'viewer',
  groupRoles: { 'firebreak-admins': 'admin' },
  settings: { issuer: 'https://example.okta.com', clientId: 'client-1', clientSecret: 'very-secret-value' },
};

describe.each(databaseBackends)('/api/identity-providers on %s', (backend) => {
  let firebreak: TestFirebreak;
  let certificate: TestCertificate;

  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend);
    certificate = await makeTestCertificate({ keyType: 'rsa' });
  });
  afterAll(async () => {
    await certificate?.remove();
    await firebreak?.close();
  });

  it('adds, lists, replaces and removes a provider, never answering the client secret, and audits each change', async () => {
    const created = await firebreak.request('POST', '/api/identity-providers', { json: oidcProvider });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({
      name: 'okta',
      kind: 'oidc',
      domains: ['example.com'],
      source: 'api',
      settings: { clientSecretSet: true, scopes: ['openid', 'email', 'profile'] },
      serviceProvider: { redirectUri: 'http://firebreak.test/sso/oidc/okta/callback' },
    });
    expect(JSON.stringify(body)).not.toContain('very-secret-value');
    const [stored] = await firebreak.database.db.select().from(identityProviders).where(eq(identityProviders.name, 'okta'));
    expect(stored?.clientSecret).toMatch(/^v1:/);

    const listed = await (await firebreak.request('GET', '/api/identity-providers')).json();
    expect(listed.identityProviders.map((provider: { name: string }) => provider.name)).toContain('okta');
    expect(JSON.stringify(listed)).not.toContain('very-secret-value');

    const { clientSecret: _kept, ...withoutSecret } = oidcProvider.settings;
    const replaced = await firebreak.request('PUT', '/api/identity-providers/okta', {
      json: { ...oidcProvider, label: 'Okta SSO', settings: withoutSecret },
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ label: 'Okta SSO', version: 2, settings: { clientSecretSet: true } });

    const removed = await firebreak.request('DELETE', '/api/identity-providers/okta');
    expect(removed.status).toBe(200);
    expect((await firebreak.request('GET', '/api/identity-providers/okta')).status).toBe(404);
    const actions = (await firebreak.database.db.select().from(auditEntries)).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['auth.identity_provider.create', 'auth.identity_provider.update', 'auth.identity_provider.delete']),
    );
    expect(JSON.stringify(await firebreak.database.db.select().from(auditEntries))).not.toContain('very-secret-value');
  });

  it('adds a SAML provider with its certificate, and refuses a domain another provider owns', async () => {
    const saml = {
      name: 'entra',
      label: 'Entra ID',
      kind: 'saml',
      domains: ['corp.example'],
      settings: { ssoUrl: 'https://login.microsoftonline.com/tenant/saml2', certificates: [certificate.cert] },
    };
    const created = await firebreak.request('POST', '/api/identity-providers', { json: saml });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      settings: { emailAttribute: 'email', spEntityId: '' },
      serviceProvider: { acsUrl: 'http://firebreak.test/sso/saml/entra/acs', spEntityId: 'http://firebreak.test/sso/saml/entra/metadata' },
    });
    const clash = await firebreak.request('POST', '/api/identity-providers', { json: { ...saml, name: 'entra-2' } });
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.message).toContain('corp.example');
  });

  it('refuses bad input naming the field: an unknown kind, a bad URL, a bad certificate', async () => {
    const kind = await firebreak.request('POST', '/api/identity-providers', { json: { ...oidcProvider, name: 'x1', kind: 'ldap' } });
    expect(kind.status).toBe(400);
    expect((await kind.json()).error.message).toContain('kind must be "oidc" or "saml"');

    const url = await firebreak.request('POST', '/api/identity-providers', {
      json: { ...oidcProvider, name: 'x2', domains: ['x2.example'], settings: { ...oidcProvider.settings, issuer: 'not a url' } },
    });
    expect(url.status).toBe(400);
    expect((await url.json()).error.message).toContain('settings.issuer');

    const plainHttp = await firebreak.request('POST', '/api/identity-providers', {
      json: { ...oidcProvider, name: 'x3', domains: ['x3.example'], settings: { ...oidcProvider.settings, issuer: 'http://idp.example' } },
    });
    expect(plainHttp.status).toBe(400);

    const cert = await firebreak.request('POST', '/api/identity-providers', {
      json: {
        name: 'x4',
        label: 'X',
        kind: 'saml',
        domains: ['x4.example'],
        settings: { ssoUrl: 'https://idp.example/sso', certificates: ['MIIBnotacert'] },
      },
    });
    expect(cert.status).toBe(400);
    expect((await cert.json()).error.message).toContain('settings.certificates.0');
  });

  it('needs credentials, and the users:manage permission', async () => {
    expect((await firebreak.request('GET', '/api/identity-providers', { token: null })).status).toBe(401);
    expect((await firebreak.request('POST', '/api/identity-providers', { token: null, json: oidcProvider })).status).toBe(401);
    const commander = await firebreak.tokenFor('commander');
    expect((await firebreak.request('GET', '/api/identity-providers', { token: commander })).status).toBe(403);
    expect(
      (await firebreak.request('POST', '/api/identity-providers', { token: commander, json: { ...oidcProvider, name: 'x5' } })).status,
    ).toBe(403);
    expect((await firebreak.request('DELETE', '/api/identity-providers/entra', { token: commander })).status).toBe(403);
  });

  it('loads SSO_CONFIG_FILE (YAML): file providers are read-only through the API; a bad file names the field', async () => {
    const file = path.join(tmpdir(), `firebreak-sso-${process.pid}-${backend}.yaml`);
    await writeFile(
      file,
      [
        'identityProviders:',
        '  - name: keycloak',
        '    label: Keycloak',
        '    kind: oidc',
        '    domains: [kc.example]',
        '    settings:',
        '      issuer: https://keycloak.example/realms/firebreak',
        '      clientId: firebreak',
        '      clientSecret: from-the-file',
        '',
      ].join('\n'),
    );
    const config = loadConfig({ DATA_DIR: firebreak.config.DATA_DIR, PUBLIC_URL: 'http://firebreak.test' });
    expect(await loadSsoConfigFile(firebreak.database.db, config, secretBoxFrom(firebreak.config), file)).toEqual(['keycloak']);
    const listed = await (await firebreak.request('GET', '/api/identity-providers/keycloak')).json();
    expect(listed).toMatchObject({ source: 'file', settings: { clientSecretSet: true } });
    const change = await firebreak.request('DELETE', '/api/identity-providers/keycloak');
    expect(change.status).toBe(409);
    expect((await change.json()).error.code).toBe('provider_from_file');

    await writeFile(
      file,
      'identityProviders:\n  - name: bad\n    label: Bad\n    kind: saml\n    domains: [bad.example]\n    settings: { ssoUrl: ftp://x }\n',
    );
    await expect(loadSsoConfigFile(firebreak.database.db, config, secretBoxFrom(firebreak.config), file)).rejects.toThrow(
      /SSO_CONFIG_FILE .*identityProviders\.0\.settings\.ssoUrl/,
    );
  });
});
