import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { declareIncident, getIncident } from '../incidents/index.ts';
import {
  createSecretBox,
  listAuditEntries,
  parseSecretKey,
  queryRows,
  resealTotpSeeds,
  SECRET_KEY_FILE,
  secretBoxFrom,
  systemContext,
} from '../platform/index.ts';
import { createTestFirebreak, type TestFirebreak } from '../test/harness/app.ts';
import { browserFor, createDashboardUser, csrfOf, logIn, totpCode } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

describeOnBackends('dashboard login', () => {
  it.override({ firebreakEnv: { LOGIN_MAX_FAILURES: '3', LOGIN_RATE_LIMIT: '8' } });

  it('sends a browser without a session to the login page, and API clients get a 401', async ({ firebreak }) => {
    const page = await browserFor(firebreak).get('/incidents/INC-1');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fincidents%2FINC-1');
    const api = await firebreak.request('GET', '/api/incidents', { token: null });
    expect(api.status).toBe(401);
    expect((await firebreak.request('GET', '/login', { token: null })).status).toBe(200);
    // A link from another site arrives without the Strict cookie: one same-site hop lets the browser send it.
    const fromSlack = await firebreak.app.request('/login?next=%2Fincidents%2FINC-1', {
      headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site' },
    });
    expect(await fromSlack.text()).toContain('http-equiv="refresh" content="0;url=/login?next=%2Fincidents%2FINC-1&amp;hop=1"');
    expect((await firebreak.request('GET', '/assets/app.js', { token: null })).headers.get('content-type')).toContain('javascript');
  });

  it('enrols an authenticator at first login with a QR code, then logs in with password and code', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'commander');
    const browser = browserFor(firebreak);
    const form = await (await browser.get('/login')).text();
    const step1 = await browser.post('/login', {
      _csrf: csrfOf(form),
      email: user.email.toUpperCase(),
      password: user.password,
      next: '/admin',
    });
    expect(step1.status).toBe(303);
    expect(step1.headers.get('location')).toBe('/login/enrol?next=%2Fadmin');
    // The half-logged-in session opens nothing.
    expect((await browser.get('/incidents')).status).toBe(303);

    const enrolPage = await (await browser.get('/login/enrol?next=%2Fadmin')).text();
    expect(enrolPage).toMatch(/<img class="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(enrolPage)?.[1] ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(16);
    // The seed is stored sealed, while pending and once enrolled: a dump of the database gives it away nowhere.
    const storedSeeds = async () =>
      JSON.stringify(
        await queryRows(
          firebreak.database.db,
          sql`select s.pending_totp_secret, u.totp_secret from sessions s join users u on u.id = s.user_id`,
        ),
      );
    expect(await storedSeeds()).toMatch(/"v1:/);
    expect(await storedSeeds()).not.toContain(secret);
    const wrong = await browser.post('/login/enrol', { _csrf: csrfOf(enrolPage), code: '000000', next: '/admin' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That code is not right');

    const enrolCode = await totpCode(secret);
    const enrolled = await browser.post('/login/enrol', { _csrf: csrfOf(enrolPage), code: enrolCode, next: '/admin' });
    expect(enrolled.status).toBe(303);
    expect(enrolled.headers.get('location')).toBe('/admin');
    const [seed] = await queryRows<{ totp_secret: string }>(
      firebreak.database.db,
      sql`select totp_secret from users where id = ${user.id}`,
    );
    expect(seed?.totp_secret).toMatch(/^v1:/);
    expect(await storedSeeds()).not.toContain(secret);
    const cookie = browser.jar.attributes.get('firebreak_session') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await browser.get('/incidents')).status).toBe(200);
    const me = await firebreak.app.request('/api/me', { headers: { cookie: browser.jar.header() } });
    expect(await me.json()).toMatchObject({ kind: 'user', role: 'commander' });

    // The session is stored hashed: the cookie value appears nowhere in the table.
    const token = browser.jar.cookies.get('firebreak_session') ?? '';
    const rows = await queryRows<Record<string, unknown>>(firebreak.database.db, sql`select * from sessions`);
    expect(JSON.stringify(rows)).not.toContain(token);

    // Second login: the enrolled account is asked for its code, and a used code is refused.
    const again = browserFor(firebreak);
    const form2 = await (await again.get('/login')).text();
    const step = await again.post('/login', { _csrf: csrfOf(form2), email: user.email, password: user.password, next: '/incidents' });
    expect(step.headers.get('location')).toBe('/login/code?next=%2Fincidents');
    const codePage = await (await again.get('/login/code')).text();
    // The very code used to enrol (computing it again could land in the next 30-second step, a new code).
    const replay = await again.post('/login/code', { _csrf: csrfOf(codePage), code: enrolCode, next: '/incidents' });
    expect(replay.status).toBe(401);
    const ok = await again.post('/login/code', { _csrf: csrfOf(codePage), code: await totpCode(secret, 30), next: '/incidents' });
    expect(ok.status).toBe(303);

    const audit = await listAuditEntries(firebreak.database.db, { action: 'auth.session.login', limit: 10 });
    expect(audit.entries).toHaveLength(2);
    expect(audit.entries[0]).toMatchObject({ actorType: 'user', actorId: user.id, targetType: 'session' });
    expect((await listAuditEntries(firebreak.database.db, { action: 'auth.totp.enrol', limit: 10 })).entries).toHaveLength(1);
  });

  it('seals at startup a seed stored in plain text by an earlier version, and logs in with it as before', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const { secret } = await logIn(firebreak, user);
    // As an earlier version stored it.
    await firebreak.database.db.execute(sql`update users set totp_secret = ${secret} where id = ${user.id}`);
    const box = secretBoxFrom(firebreak.config);
    expect(await resealTotpSeeds(firebreak.database.db, box)).toBe(1);
    expect(await resealTotpSeeds(firebreak.database.db, box)).toBe(0);
    const [seed] = await queryRows<{ totp_secret: string }>(
      firebreak.database.db,
      sql`select totp_secret from users where id = ${user.id}`,
    );
    expect(seed?.totp_secret).toMatch(/^v1:/);
    expect(box.open(seed?.totp_secret ?? '', user.id)).toBe(secret);
    // Another user's row does not open it.
    expect(() => box.open(seed?.totp_secret ?? '', 'someone-else')).toThrow(/does not open/);
    await logIn(firebreak, user, secret);

    // The key rotated: the new key with the old one as previous opens the seed, and startup seals it anew.
    const rotated = createSecretBox(Buffer.alloc(32, 5), [keyOf(firebreak)]);
    expect(await resealTotpSeeds(firebreak.database.db, rotated)).toBe(1);
    const [resealed] = await queryRows<{ totp_secret: string }>(
      firebreak.database.db,
      sql`select totp_secret from users where id = ${user.id}`,
    );
    expect(resealed?.totp_secret).not.toBe(seed?.totp_secret);
    expect(rotated.isCurrent(resealed?.totp_secret ?? '', user.id)).toBe(true);
    expect(createSecretBox(Buffer.alloc(32, 5)).open(resealed?.totp_secret ?? '', user.id)).toBe(secret);

    // Sealed under another key (FIREBREAK_SECRET_KEY changed): the code step fails as a server error
    // (logged with the reason), not as a wrong code that would count towards a lockout.
    await firebreak.database.db.execute(
      sql`update users set totp_secret = ${createSecretBox(Buffer.alloc(32, 9)).seal(secret, user.id)} where id = ${user.id}`,
    );
    const browser = browserFor(firebreak);
    const form = await (await browser.get('/login')).text();
    await browser.post('/login', { _csrf: csrfOf(form), email: user.email, password: user.password, next: '/incidents' });
    const codePage = await (await browser.get('/login/code')).text();
    const refused = await browser.post('/login/code', { _csrf: csrfOf(codePage), code: await totpCode(secret, 60), next: '/incidents' });
    expect(refused.status).toBe(500);
    expect(await refused.text()).toContain('request id');
    const [after] = await queryRows<{ failed_login_count: number }>(
      firebreak.database.db,
      sql`select failed_login_count from users where id = ${user.id}`,
    );
    expect(after?.failed_login_count).toBe(0);
  });

  it('marks cookies Secure with the __Host- prefix behind https', async ({ backend }) => {
    const secure = await createTestFirebreak(backend, { PUBLIC_URL: 'https://firebreak.example' });
    try {
      const response = await secure.app.request('/login', { headers: { accept: 'text/html' } });
      const cookie = response.headers.getSetCookie().join('\n');
      expect(cookie).toMatch(/^__Host-firebreak_login=[^;]+;.*Secure/m);
    } finally {
      await secure.close();
    }
  });

  it('slows an account down after repeated failures, says the same for unknown e-mails, and audits it', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const browser = browserFor(firebreak);
    const form = csrfOf(await (await browser.get('/login')).text());
    const answers: Record<string, { status: number; retryAfter: string | null; text: string }> = {};
    for (const email of [user.email, 'nobody-here@example.com']) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const failed = await browser.post('/login', { _csrf: form, email, password: 'wrong password!!', next: '/' });
        expect(failed.status).toBe(401);
        expect(await failed.text()).toContain('The e-mail address or password is not right.');
      }
      const slowed = await browser.post('/login', { _csrf: form, email, password: user.password, next: '/' });
      const text = await slowed.text();
      answers[email === user.email ? 'known' : 'unknown'] = {
        status: slowed.status,
        // Seconds left to wait (at most 30), which differ with the time the test took.
        retryAfter: Number(slowed.headers.get('retry-after')) <= 30 ? 'up to 30' : slowed.headers.get('retry-after'),
        text: (/<div class="flash error"[^>]*>([^<]*)</.exec(text)?.[1] ?? text).replace(/\b\d+ seconds?/, 'N seconds'),
      };
    }
    // The same answer whether or not the account exists: nobody learns which e-mail addresses have one.
    expect(answers.known).toEqual(answers.unknown);
    expect(answers.known).toMatchObject({ status: 429, retryAfter: 'up to 30' });
    expect(answers.known?.text).toMatch(/Too many failed logins for this e-mail address; wait N seconds and try again/);
    const audit = await listAuditEntries(firebreak.database.db, { action: 'auth.user.locked', limit: 10 });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ targetId: user.id, details: { failures: 3 } });

    // An admin lifts the delay.
    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser: adminBrowser } = await logIn(firebreak, admin);
    const usersPage = await (await adminBrowser.get('/admin/users')).text();
    const unlocked = await adminBrowser.post(`/admin/users/${user.id}`, {
      _csrf: csrfOf(usersPage),
      role: 'responder',
      operation: 'unlock',
    });
    expect(unlocked.status).toBe(303);
    expect((await browser.post('/login', { _csrf: form, email: user.email, password: user.password, next: '/' })).status).toBe(303);
  });

  it('counts a burst of attempts before hashing any: no more tries than the limits allow', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const browser = browserFor(firebreak);
    const form = csrfOf(await (await browser.get('/login')).text());
    const burst = async (emailOf: (i: number) => string) =>
      (
        await Promise.all(
          Array.from({ length: 14 }, (_, i) =>
            browser.post('/login', { _csrf: form, email: emailOf(i), password: 'wrong password!!', next: '/' }),
          ),
        )
      ).map((response) => response.status);
    const onAccount = await burst(() => user.email);
    // LOGIN_MAX_FAILURES is 3: at most three of the burst reach the password check.
    expect(onAccount.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
    expect(onAccount.filter((status) => status === 429).length).toBeGreaterThanOrEqual(11);
    const spread = await burst((i) => `someone${i}@example.com`);
    // LOGIN_RATE_LIMIT is 8 failures per address, three of them spent above.
    expect(spread.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(spread.every((status) => status === 401 || status === 429)).toBe(true);
  });

  it('rate-limits failed logins from one address, known accounts or not', async ({ firebreak }) => {
    const browser = browserFor(firebreak);
    const form = csrfOf(await (await browser.get('/login')).text());
    for (let attempt = 0; attempt < 8; attempt++) {
      expect(
        (await browser.post('/login', { _csrf: form, email: `nobody${attempt}@example.com`, password: 'whatever it is', next: '/' }))
          .status,
      ).toBe(401);
    }
    const limited = await browser.post('/login', { _csrf: form, email: 'nobody@example.com', password: 'whatever it is', next: '/' });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many failed logins from your address');
  });

  it('refuses forms without the CSRF token, with a wrong one, or from another origin, and changes nothing', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'commander');
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Checkout errors',
      severity: 'sev2',
    });
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/INC-${incident.number}`)).text();
    const csrf = csrfOf(page);

    const missing = await browser.post(`/incidents/INC-${incident.number}/acknowledge`, {});
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('CSRF token');
    expect((await browser.post(`/incidents/INC-${incident.number}/acknowledge`, { _csrf: `${csrf.slice(0, -2)}xx` })).status).toBe(403);
    const crossSite = await browser.post(
      `/incidents/INC-${incident.number}/acknowledge`,
      { _csrf: csrf },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect((await getIncident(firebreak.database.db, incident.id)).acknowledgedAt).toBeNull();

    // Another user's token does not fit this session either.
    const other = await createDashboardUser(firebreak, 'commander');
    const { browser: otherBrowser } = await logIn(firebreak, other);
    const otherCsrf = csrfOf(await (await otherBrowser.get('/incidents')).text());
    expect((await browser.post(`/incidents/INC-${incident.number}/acknowledge`, { _csrf: otherCsrf })).status).toBe(403);

    const accepted = await browser.post(`/incidents/INC-${incident.number}/acknowledge`, { _csrf: csrf });
    expect(accepted.status).toBe(303);
    expect((await getIncident(firebreak.database.db, incident.id)).acknowledgedAt).not.toBeNull();

    // The login form has its own (double-submit) token.
    const anonymous = browserFor(firebreak);
    await anonymous.get('/login');
    expect((await anonymous.post('/login', { _csrf: 'forged', email: user.email, password: user.password, next: '/' })).status).toBe(403);
  });

  it('ends sessions after idle time and at their absolute expiry', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    expect((await browser.get('/incidents')).status).toBe(200);
    await firebreak.database.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes' where stage = 'active'`);
    const idle = await browser.get('/incidents');
    expect(idle.status).toBe(303);
    expect(idle.headers.get('location')).toContain('/login');

    const fresh = await logIn(firebreak, { email: user.email, password: user.password }, await enrolledSecret(firebreak, user.id));
    expect((await fresh.browser.get('/incidents')).status).toBe(200);
    await firebreak.database.db.execute(
      sql`update sessions set expires_at = now() - interval '1 second' where revoked_at is null and stage = 'active'`,
    );
    expect((await fresh.browser.get('/incidents')).status).toBe(303);
  });

  it('logs out, and logs out everywhere', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const first = await logIn(firebreak, user);
    const second = await logIn(firebreak, user, first.secret);
    const logout = await first.browser.post('/logout', { _csrf: csrfOf(await (await first.browser.get('/incidents')).text()) });
    expect(logout.status).toBe(303);
    expect((await first.browser.get('/incidents')).status).toBe(303);
    expect((await second.browser.get('/incidents')).status).toBe(200);

    const account = await (await second.browser.get('/account')).text();
    expect(account).toContain('(this browser)');
    const everywhere = await second.browser.post('/logout/everywhere', { _csrf: csrfOf(account) });
    expect(everywhere.status).toBe(303);
    expect((await second.browser.get('/incidents')).status).toBe(303);
    const audit = await listAuditEntries(firebreak.database.db, { action: 'auth.session.logout_everywhere', limit: 10 });
    expect(audit.entries).toHaveLength(1);
  });

  it('ends the sessions of a user an admin disables', async ({ firebreak }) => {
    const admin = await createDashboardUser(firebreak, 'admin');
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser: adminBrowser } = await logIn(firebreak, admin);
    const { browser } = await logIn(firebreak, user);
    const usersPage = await (await adminBrowser.get('/admin/users')).text();
    expect(
      (await adminBrowser.post(`/admin/users/${user.id}`, { _csrf: csrfOf(usersPage), role: 'viewer', operation: 'disable' })).status,
    ).toBe(303);
    expect((await browser.get('/incidents')).status).toBe(303);
    const fresh = browserFor(firebreak);
    const form = csrfOf(await (await fresh.get('/login')).text());
    expect((await fresh.post('/login', { _csrf: form, email: user.email, password: user.password, next: '/' })).status).toBe(401);
  });
});

/** The key this test server seals with (made in its DATA_DIR). */
function keyOf(firebreak: TestFirebreak): Buffer {
  const key = parseSecretKey(readFileSync(path.join(firebreak.config.dataDirectory, SECRET_KEY_FILE), 'utf8'));
  if (!key) throw new Error('no secret.key in the test data directory');
  return key;
}

async function enrolledSecret(firebreak: TestFirebreak, userId: string): Promise<string> {
  const [row] = await queryRows<{ totp_secret: string }>(firebreak.database.db, sql`select totp_secret from users where id = ${userId}`);
  return secretBoxFrom(firebreak.config).open(row?.totp_secret ?? '', userId);
}
