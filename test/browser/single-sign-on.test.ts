import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../platform/schema/audit-entries.ts';
import { users } from '../../platform/schema/users.ts';
import { FakeOidcProvider } from '../fakes/oidc-provider.ts';
import { FakeSamlIdp, MULTIFACTOR_CONTEXT, PASSWORD_CONTEXT } from '../fakes/saml-idp.ts';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser, totpCode } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/single-sign-on');

describe.each(databaseBackends)('single sign-on in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;
  let oidc: FakeOidcProvider;
  let saml: FakeSamlIdp;

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
  const userByEmail = async (email: string) => (await firebreak.database.db.select().from(users).where(eq(users.email, email)))[0];
  const startOver = async () => {
    await browser.context.clearCookies();
    await page.goto(`${base}/login`);
  };
  const continueWithSso = async (email: string) => {
    await page.fill('#sso-email', email);
    await page.click('text=Continue with single sign-on');
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page, base } = browser);
    oidc = new FakeOidcProvider({
      clientId: 'firebreak',
      clientSecret: 'oidc-client-secret',
      redirectUri: `${base}/sso/oidc/okta/callback`,
    });
    await oidc.start();
    saml = new FakeSamlIdp({ entityId: `${base}/sso/saml/corp/metadata`, acsUrl: `${base}/sso/saml/corp/acs` });
    await saml.start();
    const okta = await firebreak.request('POST', '/api/identity-providers', {
      json: {
        name: 'okta',
        label: 'Okta',
        kind: 'oidc',
        domains: ['example.com'],
        defaultRole: 'viewer',
        groupRoles: { 'firebreak-commanders': 'commander' },
        settings: { issuer: oidc.issuer, clientId: 'firebreak', clientSecret: 'oidc-client-secret' },
      },
    });
    expect(okta.status).toBe(201);
    const corp = await firebreak.request('POST', '/api/identity-providers', {
      json: {
        name: 'corp',
        label: 'Corp SAML',
        kind: 'saml',
        domains: ['corp.example'],
        defaultRole: 'viewer',
        groupRoles: { 'fb-admins': 'admin' },
        settings: { ssoUrl: saml.ssoUrl, certificates: [saml.certificate?.cert ?? ''], idpEntityId: saml.entityId },
      },
    });
    expect(corp.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await oidc?.stop();
    await saml?.stop();
  });

  it('OIDC: routes by domain, creates the person with the role of their group, and takes the IdP MFA (amr)', async () => {
    oidc.nextUser = { sub: 'okta-ada', email: 'ada@example.com', name: 'Ada Okta', groups: ['firebreak-commanders'], amr: ['pwd', 'mfa'] };
    await startOver();
    expect(await page.locator('.sso-providers').innerText()).toContain('People at example.com sign in with Okta');
    await shot('1-login-page');
    await continueWithSso('ada@example.com');
    await page.waitForSelector('text=Sign in at the IdP');
    await page.click('text=Sign in at the IdP');
    await page.waitForURL(`${base}/incidents`);
    await shot('2-oidc-signed-in');
    expect(await userByEmail('ada@example.com')).toMatchObject({ role: 'commander', externalSubject: 'okta-ada', lastLoginMethod: 'oidc' });
  });

  it('OIDC without asserted MFA: Firebreak asks for its own authenticator, then lets the person in', async () => {
    oidc.nextUser = { sub: 'okta-bo', email: 'bo@example.com', name: 'Bo Okta', groups: [], amr: ['pwd'] };
    await startOver();
    await continueWithSso('bo@example.com');
    await page.click('text=Sign in at the IdP');
    await page.waitForURL(/\/login\/enrol/);
    await shot('3-oidc-totp-enrolment');
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await page.fill('#code', await totpCode(secret));
    await page.click('text=Turn on and log in');
    await page.waitForURL(`${base}/incidents`);
    expect(await userByEmail('bo@example.com')).toMatchObject({ role: 'viewer', lastLoginMethod: 'oidc+totp-enrolment' });
  });

  it('a password is refused for a domain an IdP owns; a local break-glass account still logs in with one', async () => {
    await startOver();
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'any password at all');
    await page.click('form[action="/login"] button');
    expect(await page.locator('body').innerText()).toContain('People at example.com sign in with Okta, not with a password');
    await shot('4-password-refused');

    const admin = await createDashboardUser(firebreak, 'admin', 'breakglass@firebreak.local');
    await startOver();
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await page.click('form[action="/login"] button');
    await page.waitForURL(/\/login\/enrol/);
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await page.fill('#code', await totpCode(secret));
    await page.click('text=Turn on and log in');
    await page.waitForURL(`${base}/incidents`);
    expect(await userByEmail(admin.email)).toMatchObject({ lastLoginMethod: 'password+totp-enrolment' });
  });

  it('an admin adds a SAML provider on the Single sign-on page: a bad certificate is refused with the form kept', async () => {
    await page.goto(`${base}/admin/identity-providers`);
    expect(await page.locator('[data-provider=okta]').innerText()).toContain(`${base}/sso/oidc/okta/callback`);
    const form = page.locator('#form-new-provider');
    await form.locator('[name=name]').fill('google');
    await form.locator('[name=label]').fill('Google Workspace');
    await form.locator('[name=kind]').selectOption('saml');
    await form.locator('[name=domains]').fill('gw.example, gw2.example');
    await form.locator('[name=groupRoles]').fill('sre = responder');
    await form.locator('[name="settings.ssoUrl"]').fill('https://accounts.google.com/o/saml2/idp?idpid=C0abc');
    await form.locator('[name="settings.certificates"]').fill('not a certificate');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/#form-new-provider$/);
    expect(await page.locator('#form-new-provider .form-error').innerText()).toContain('is not an X.509 certificate');
    expect(await page.locator('#form-new-provider [name=name]').inputValue()).toBe('google');
    await shot('9-admin-provider-refused');
    await page.locator('#form-new-provider [name="settings.certificates"]').fill(saml.certificate?.cert ?? '');
    await page.locator('#form-new-provider button[type=submit]').click();
    await page.waitForURL(/done=created/);
    const card = page.locator('[data-provider=google]');
    expect(await card.innerText()).toContain(`${base}/sso/saml/google/acs`);
    await shot('10-admin-provider-added');
    const stored = await (await firebreak.request('GET', '/api/identity-providers/google')).json();
    expect(stored).toMatchObject({ kind: 'saml', domains: ['gw.example', 'gw2.example'], groupRoles: { sre: 'responder' } });
  });

  it('OIDC: refuses a callback whose state is not this browser’s, and an ID token with another nonce', async () => {
    await startOver();
    await page.goto(`${base}/sso/oidc/okta/callback?code=stolen&state=forged`);
    expect(await page.locator('h1').innerText()).toBe('Sign-in refused');
    await shot('5-oidc-state-refused');

    oidc.nextUser = { sub: 'okta-cy', email: 'cy@example.com', name: 'Cy', groups: [], amr: ['mfa'] };
    await startOver();
    // The redirect to the provider is rewritten with another nonce: the ID token comes back with it.
    const startPath = (url: URL) => url.pathname === '/sso/oidc/okta/start';
    await page.route(startPath, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const location = new URL(response.headers().location ?? '');
      location.searchParams.set('nonce', 'a-nonce-firebreak-never-made');
      await route.fulfill({ response, headers: { ...response.headers(), location: location.href } });
    });
    await continueWithSso('cy@example.com');
    await page.click('text=Sign in at the IdP');
    await page.waitForSelector('h1:has-text("Sign-in refused")');
    await page.unroute(startPath);
    const refused = await firebreak.database.db.select().from(auditEntries).where(eq(auditEntries.action, 'auth.sso.refused'));
    expect(
      refused.map((entry) => entry.details),
      JSON.stringify(refused.map((entry) => entry.details)),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'state_mismatch' }),
        expect.objectContaining({ reason: 'nonce_mismatch' }),
      ]),
    );
    expect(await userByEmail('cy@example.com')).toBeUndefined();
  });

  it('SAML: the IdP’s signed assertion signs the person in with their group’s role; MultiFactor counts as MFA', async () => {
    saml.nextUser = {
      nameId: 'corp-di',
      email: 'di@corp.example',
      name: 'Di Corp',
      groups: ['fb-admins'],
      authnContextClassRef: MULTIFACTOR_CONTEXT,
    };
    await startOver();
    await continueWithSso('di@corp.example');
    await page.waitForSelector('text=Continue to the service');
    await shot('6-saml-idp');
    await page.click('text=Continue to the service');
    await page.waitForURL(`${base}/incidents`);
    await shot('7-saml-signed-in');
    expect(await userByEmail('di@corp.example')).toMatchObject({ role: 'admin', externalSubject: 'corp-di', lastLoginMethod: 'saml' });
  });

  it('SAML with a password-only AuthnContext: Firebreak asks for its authenticator code', async () => {
    saml.nextUser = { nameId: 'corp-ed', email: 'ed@corp.example', name: 'Ed Corp', groups: [], authnContextClassRef: PASSWORD_CONTEXT };
    await startOver();
    await continueWithSso('ed@corp.example');
    await page.click('text=Continue to the service');
    await page.waitForURL(/\/login\/enrol/);
    await shot('8-saml-totp-enrolment');
    expect(await userByEmail('ed@corp.example')).toMatchObject({ role: 'viewer', lastLoginAt: null });
  });
});
