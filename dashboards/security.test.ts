import { and, eq, isNull } from 'drizzle-orm';
import { expect } from 'vitest';
import { declareIncident } from '../incidents/index.ts';
import { loginPolicyFrom, resolveActiveSession, sessionTokenFromCookies, systemContext } from '../platform/index.ts';
import { sessions } from '../platform/schema/sessions.ts';
import { browserFor, createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { safeNext } from './http.tsx';

describeOnBackends('dashboard security', () => {
  it('sends a login only to paths on this site (M1): no tabs, backslashes, controls or //', async ({ firebreak }) => {
    for (const hostile of [
      '/\t/evil.example',
      '/%09/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/x\\..\\..\\/evil.example',
      '/\r\nSet-Cookie: a=b',
      '/\u0000',
      'https://evil.example',
      '/\n/evil.example',
    ]) {
      const next = safeNext(decodeURIComponentSafe(hostile));
      expect(new URL(next, 'http://here.invalid').origin, hostile).toBe('http://here.invalid');
      // eslint-disable-next-line no-control-regex -- control characters are what must not survive
      expect(next, hostile).not.toMatch(/[\u0000-\u001f\\]|^\/\//);
    }
    expect(safeNext('/incidents/INC-1?tab=notes#x')).toBe('/incidents/INC-1?tab=notes#x');

    const user = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, user);
    for (const next of ['%0d%0aSet-Cookie:%20a=b', '/%0d%0aX', '/%09/evil.example', '/\u00e9t\u00e9']) {
      const response = await browser.get(`/login?next=${next}`);
      expect(response.status, next).toBe(303);
      expect(new URL(response.headers.get('location') ?? '', 'http://here.invalid').origin).toBe('http://here.invalid');
    }
  }, 120_000);

  it('does not count the live-update stream and its heartbeat as activity for the idle timeout (M4)', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const { db } = firebreak.database;
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await db.update(sessions).set({ lastSeenAt: tenMinutesAgo }).where(eq(sessions.userId, user.id));
    const lastSeen = async () =>
      (
        await db
          .select({ at: sessions.lastSeenAt })
          .from(sessions)
          .where(and(eq(sessions.userId, user.id), eq(sessions.stage, 'active'), isNull(sessions.revokedAt)))
      ).map((row) => row.at.getTime());
    const stream = await firebreak.app.request('/incidents/live', {
      headers: { cookie: browser.jar.header(), accept: 'text/event-stream' },
      signal: AbortSignal.timeout(2000),
    });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    expect(await lastSeen()).toEqual([tenMinutesAgo.getTime()]);
    // The heartbeat checks the session without touching it: an open page alone lets it go idle.
    const token = sessionTokenFromCookies(browser.jar.header(), loginPolicyFrom(firebreak.config));
    if (!token) throw new Error('no session cookie');
    const policy = loginPolicyFrom(firebreak.config);
    const beforeIdle = new Date(tenMinutesAgo.getTime() + policy.idleTimeoutMs - 60_000);
    expect(await resolveActiveSession(db, token, policy, beforeIdle, { touch: false })).not.toBeNull();
    expect(await resolveActiveSession(db, token, policy, new Date(tenMinutesAgo.getTime() + policy.idleTimeoutMs + 60_000))).toBeNull();
    // A page the person opens is activity.
    await browser.get('/incidents');
    expect((await lastSeen())[0]).toBeGreaterThan(tenMinutesAgo.getTime());
  }, 120_000);

  it('refuses a changing API request carried by the dashboard cookie alone unless it comes from the dashboard', async ({ firebreak }) => {
    const declared = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Cookie only',
      severity: 'sev3',
    });
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, user);
    const acknowledge = (headers: Record<string, string>) =>
      firebreak.app.request(`/api/incidents/INC-${declared.number}/acknowledge`, {
        method: 'POST',
        headers: { cookie: browser.jar.header(), 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await acknowledge({})).status).toBe(403);
    expect((await acknowledge({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await acknowledge({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(
      (await firebreak.request('GET', `/api/incidents/INC-${declared.number}`, { token: null, headers: { cookie: browser.jar.header() } }))
        .status,
    ).toBe(200);
    expect((await acknowledge({ origin: 'http://firebreak.test' })).status).toBe(200);
  }, 120_000);

  it('refuses form text with U+0000 or a lone surrogate with 400 naming the field, and stores nothing', async ({ firebreak }) => {
    const declared = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Queue stuck',
      severity: 'sev3',
    });
    const incident = { reference: `INC-${declared.number}` };
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/${incident.reference}`)).text();
    const response = await browser.post(`/incidents/${incident.reference}/notes`, { _csrf: csrfOf(page), text: 'nul \u0000 here' });
    expect(response.status).toBeLessThan(500);
    const shown = await browser.follow(response);
    expect(response.status).toBe(400);
    expect(shown.html).toContain('text contains U+0000');
    const after = await (await browser.get(`/incidents/${incident.reference}`)).text();
    expect(after).not.toContain('nul \ufffd here');
    const login = browserFor(firebreak);
    const form = csrfOf(await (await login.get('/login')).text());
    const refused = await login.post('/login', { _csrf: form, email: 'a\u0000@example.com', password: 'x\ud800', next: '/' });
    expect(refused.status).toBe(400);
  }, 120_000);
});

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

describeOnBackends('login behind a reverse proxy (TRUSTED_PROXIES)', () => {
  it.override({ firebreakEnv: { TRUSTED_PROXIES: '127.0.0.1, ::1', LOGIN_RATE_LIMIT: '3', PUBLIC_URL: 'http://firebreak.test' } });

  it('counts failures per client named by the proxy, and ignores X-Forwarded-For from others', async ({ server }) => {
    const base = `http://127.0.0.1:${server.port}`;
    const page = await fetch(`${base}/login`);
    const cookie = (page.headers.getSetCookie() ?? []).map((line) => line.split(';')[0]).join('; ');
    const csrf = csrfOf(await page.text());
    const attempt = async (forwardedFor: string) =>
      (
        await fetch(`${base}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie,
            origin: 'http://firebreak.test',
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-for': forwardedFor,
          },
          body: new URLSearchParams({ _csrf: csrf, email: `x${Math.random()}@example.com`, password: 'wrong password!!' }).toString(),
        })
      ).status;
    for (let i = 0; i < 3; i++) expect(await attempt('198.51.100.1')).toBe(401);
    expect(await attempt('198.51.100.1')).toBe(429);
    // Another client behind the same proxy is not held back by the first one's failures…
    expect(await attempt('198.51.100.2')).toBe(401);
    // …and a client cannot pick its address by writing the header itself: the proxy's last hop counts.
    expect(await attempt('203.0.113.5, 198.51.100.1')).toBe(429);
  }, 120_000);
});
