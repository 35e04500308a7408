import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authnRequestId, FakeSamlIdp, MULTIFACTOR_CONTEXT, PASSWORD_CONTEXT } from '../../../test/fakes/saml-idp.ts';
import type { TestFirebreak } from '../../../test/harness/app.ts';
import { createTestFirebreak } from '../../../test/harness/app.ts';
import { TEST_ORIGIN } from '../../../test/harness/dashboard-session.ts';
import { databaseBackends } from '../../../test/harness/database.ts';
import { auditEntries } from '../../schema/audit-entries.ts';
import { users } from '../../schema/users.ts';

const ACS = `${TEST_ORIGIN}/sso/saml/corp/acs`;

// Each refusal is checked at the ACS as the IdP's form would post it; the browser test drives the whole login.
describe.each(databaseBackends)('SAML sign-in at the ACS on %s', (backend) => {
  let firebreak: TestFirebreak;
  let idp: FakeSamlIdp;

  const startRequest = async () => {
    const started = await firebreak.app.request('/sso/saml/corp/start?next=/incidents');
    expect(started.status).toBe(302);
    const location = started.headers.get('location') ?? '';
    expect(location.startsWith(idp.ssoUrl)).toBe(true);
    return authnRequestId(location);
  };
  const post = (samlResponse: string) =>
    firebreak.app.request('/sso/saml/corp/acs', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: idp.base },
      body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: '' }).toString(),
    });
  const lastRefusal = async () => {
    const rows = await firebreak.database.db.select().from(auditEntries).where(eq(auditEntries.action, 'auth.sso.refused'));
    return rows.at(-1)?.details as { reason?: string } | undefined;
  };

  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend);
    idp = new FakeSamlIdp({ entityId: `${TEST_ORIGIN}/sso/saml/corp/metadata`, acsUrl: ACS });
    await idp.start();
    const created = await firebreak.request('POST', '/api/identity-providers', {
      json: {
        name: 'corp',
        label: 'Corp SAML',
        kind: 'saml',
        domains: ['corp.example'],
        defaultRole: 'viewer',
        groupRoles: { 'fb-responders': 'responder', 'fb-admins': 'admin' },
        settings: { ssoUrl: idp.ssoUrl, certificates: [idp.certificate?.cert ?? ''], idpEntityId: idp.entityId },
      },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await idp?.stop();
    await firebreak?.close();
  });

  it('serves SP metadata naming the entity id and the ACS URL', async () => {
    const response = await firebreak.app.request('/sso/saml/corp/metadata');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/samlmetadata+xml');
    const xml = await response.text();
    expect(xml).toContain(`entityID="${TEST_ORIGIN}/sso/saml/corp/metadata"`);
    expect(xml).toContain(`Location="${ACS}"`);
  });

  it('creates the person just in time, maps groups to a role, and honours the IdP MFA', async () => {
    const id = await startRequest();
    idp.nextUser = {
      nameId: 'n-ada',
      email: 'ada@corp.example',
      name: 'Ada',
      groups: ['fb-responders'],
      authnContextClassRef: MULTIFACTOR_CONTEXT,
    };
    const response = await post(await idp.loginResponse(id));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('url=/incidents');
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('firebreak_session='))).toBe(true);
    const [ada] = await firebreak.database.db.select().from(users).where(eq(users.email, 'ada@corp.example'));
    expect(ada).toMatchObject({ role: 'responder', externalSubject: 'n-ada', lastLoginMethod: 'saml' });
    expect(ada?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('asks for the TOTP code when the IdP asserts only a password', async () => {
    const id = await startRequest();
    idp.nextUser = { nameId: 'n-bo', email: 'bo@corp.example', name: 'Bo', groups: [], authnContextClassRef: PASSWORD_CONTEXT };
    const response = await post(await idp.loginResponse(id));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('url=/login/enrol');
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('firebreak_session='))).toBe(false);
  });

  it('refuses a tampered assertion (its signature broken)', async () => {
    const id = await startRequest();
    idp.nextUser = { nameId: 'n-cy', email: 'cy@corp.example', name: 'Cy', groups: [], authnContextClassRef: MULTIFACTOR_CONTEXT };
    const signed = Buffer.from(await idp.loginResponse(id), 'base64').toString('utf8');
    const tampered = signed.replace('>Cy<', '>Mallory<');
    expect(tampered).not.toBe(signed);
    const response = await post(Buffer.from(tampered).toString('base64'));
    expect(response.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('signature_invalid');
  });

  it('refuses an unsigned assertion, even inside a signed response', async () => {
    const id = await startRequest();
    const response = await post(await idp.loginResponse(id, { signAssertion: false }));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Sign-in refused');
    expect((await lastRefusal())?.reason).toBe('signature_invalid');
  });

  it('refuses an expired assertion', async () => {
    const id = await startRequest();
    const hourAgo = new Date(Date.now() - 3_600_000);
    const response = await post(await idp.loginResponse(id, { notBefore: new Date(hourAgo.getTime() - 60_000), notOnOrAfter: hourAgo }));
    expect(response.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('time_window');
  });

  it('refuses a wrong audience and a wrong recipient', async () => {
    const audience = await post(await idp.loginResponse(await startRequest(), { audience: 'https://other.example/sp' }));
    expect(audience.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('audience_mismatch');
    const recipient = await post(await idp.loginResponse(await startRequest(), { recipient: 'https://other.example/acs' }));
    expect(recipient.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('recipient_mismatch');
  });

  it('refuses a replayed response, and an assertion id used before, though signed and answering a new request', async () => {
    idp.nextUser = { nameId: 'n-di', email: 'di@corp.example', name: 'Di', groups: [], authnContextClassRef: MULTIFACTOR_CONTEXT };
    const response = await idp.loginResponse(await startRequest(), { assertionId: '_replayed-assertion' });
    expect((await post(response)).status).toBe(200);
    expect((await post(response)).status).toBe(403);
    const again = await post(await idp.loginResponse(await startRequest(), { assertionId: '_replayed-assertion' }));
    expect(again.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('replayed');
  });

  it('refuses an answer to a request it never sent (unsolicited, or forged InResponseTo)', async () => {
    const response = await post(await idp.loginResponse('_never-sent'));
    expect(response.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('in_response_to');
  });

  it('refuses a person of a domain the provider does not own', async () => {
    idp.nextUser = { nameId: 'n-ev', email: 'eve@elsewhere.example', name: 'Eve', groups: [], authnContextClassRef: MULTIFACTOR_CONTEXT };
    const response = await post(await idp.loginResponse(await startRequest()));
    expect(response.status).toBe(403);
    expect((await lastRefusal())?.reason).toBe('domain_not_owned');
    expect(await firebreak.database.db.select().from(users).where(eq(users.email, 'eve@elsewhere.example'))).toEqual([]);
  });
});
