import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestFirebreak } from '../test/harness/app.ts';
import { createTestFirebreak } from '../test/harness/app.ts';
import { createDashboardUser, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { assertPersonMayApprove } from './auth/actor.ts';
import { authenticateToken } from './auth/tokens.ts';
import { apiTokens } from './schema/api-tokens.ts';

interface Person {
  id: string;
  email: string;
  name: string;
  role: string;
  slackUserId: string | null;
  disabledAt: string | null;
  version: number;
}
interface Token {
  id: string;
  token: string;
  kind: string;
  service: string | null;
  ownerEmail: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const DAY = 86_400_000;

describeOnBackends('people and the tokens that belong to them', (backend) => {
  let firebreak: TestFirebreak;
  // One service for the file (TOKEN_MAX_DAYS lowered to see it refuse); each test makes its own people.
  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend, { TOKEN_MAX_DAYS: '120' });
  });
  afterAll(() => firebreak?.close());

  const json = async <T>(response: Response, status: number): Promise<T> => {
    const body = await response.text();
    expect(response.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const newPerson = async (role: 'admin' | 'commander' | 'responder' | 'viewer') => {
    const person = await createDashboardUser(firebreak, role);
    return person;
  };
  const tokenOf = async (email: string, role: string, extra: Record<string, unknown> = {}) =>
    json<Token>(await firebreak.request('POST', '/api/tokens', { json: { name: `t-${email}`, role, owner: email, ...extra } }), 201);

  it("gives a person's token an expiry of 90 days, at most TOKEN_MAX_DAYS, and answers 401 saying it expired", async () => {
    const person = await newPerson('responder');
    const token = await tokenOf(person.email, 'responder');
    expect(token).toMatchObject({ kind: 'person', ownerEmail: person.email, service: null });
    const lifetime = new Date(token.expiresAt ?? 0).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(89 * DAY);
    expect(lifetime).toBeLessThanOrEqual(90 * DAY);

    const tooLong = await json<{ error: { message: string; details: { fields: Record<string, string> } } }>(
      await firebreak.request('POST', '/api/tokens', { json: { name: 'long', role: 'viewer', owner: person.email, expiresInDays: 121 } }),
      400,
    );
    expect(tooLong.error.message).toContain('expiresInDays');
    expect(tooLong.error.details.fields.expiresInDays).toContain('120');

    // Its use shows; and once past its expiry it is refused, saying so.
    expect((await firebreak.request('GET', '/api/me', { token: token.token })).status).toBe(200);
    const listed = await json<{ tokens: Token[] }>(await firebreak.request('GET', '/api/tokens'), 200);
    expect(listed.tokens.find((candidate) => candidate.id === token.id)?.lastUsedAt).not.toBeNull();
    await firebreak.database.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, token.id));
    const expired = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('GET', '/api/me', { token: token.token }),
      401,
    );
    expect(expired.error.code).toBe('token_expired');
    expect(expired.error.message).toMatch(/expired/);
  });

  it("acts with at most its owner's role now: a demoted owner demotes the token", async () => {
    const person = await newPerson('admin');
    const token = await tokenOf(person.email, 'admin');
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: token.token }), 200)).role).toBe('admin');
    await json<Person>(await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { role: 'viewer' } }), 200);
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: token.token }), 200)).role).toBe('viewer');
    expect((await firebreak.request('GET', '/api/users', { token: token.token })).status).toBe(403);
    // Made for a viewer, a commander token is refused: it would hold more than its owner.
    const above = await firebreak.request('POST', '/api/tokens', { json: { name: 'above', role: 'commander', owner: person.email } });
    expect((await json<{ error: { message: string } }>(above, 400)).error.message).toContain('viewer');
  });

  it('ends the sessions, tokens and open live stream of a disabled person at once, and audits it', async () => {
    const person = await newPerson('commander');
    const token = await tokenOf(person.email, 'commander');
    const { browser } = await logIn(firebreak, person);
    expect((await browser.get('/account')).status).toBe(200);

    const live = await firebreak.app.request('/incidents/live', { headers: { cookie: browser.jar.header(), accept: 'text/event-stream' } });
    expect(live.status).toBe(200);
    const reader = (live.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { done, value } = await reader.read();
        if (done) return;
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil('event: ready');

    const disabled = await json<Person>(await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { disabled: true } }), 200);
    expect(disabled.disabledAt).not.toBeNull();
    expect((await firebreak.request('GET', '/api/me', { token: token.token })).status).toBe(401);
    const page = await browser.get('/account');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toContain('/login');
    // The stream is told and closed without waiting for its heartbeat.
    await readUntil('event: ended');
    expect(received).toContain('event: ended');
    expect((await reader.read()).done).toBe(true);

    const audit = await json<{ entries: { action: string; details: Record<string, unknown> }[] }>(
      await firebreak.request('GET', `/api/audit?targetId=${person.id}&action=users.user.update`),
      200,
    );
    expect(audit.entries[0]?.details).toMatchObject({ disabled: { from: false, to: true }, revokedTokens: 1 });
    expect(audit.entries[0]?.details.endedSessions).toBeGreaterThanOrEqual(1);
  });

  it('changes role, name, e-mail and Slack id through PATCH /api/users/{id}, guarded by version, audited before and after', async () => {
    const person = await newPerson('responder');
    const before = await json<Person>(await firebreak.request('GET', `/api/users/${person.id}`), 200);
    const after = await json<Person>(
      await firebreak.request('PATCH', `/api/users/${person.id}`, {
        json: {
          role: 'commander',
          name: 'Ada L.',
          email: `Ada-${person.id.slice(0, 8)}@Example.com`,
          slackUserId: 'U0ADA1',
          version: before.version,
        },
      }),
      200,
    );
    expect(after).toMatchObject({
      role: 'commander',
      name: 'Ada L.',
      email: `ada-${person.id.slice(0, 8)}@example.com`,
      slackUserId: 'U0ADA1',
    });
    expect(after.version).toBe(before.version + 1);
    const stale = await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { name: 'Late', version: before.version } });
    expect((await json<{ error: { code: string } }>(stale, 409)).error.code).toBe('stale_version');
    const audit = await json<{ entries: { details: Record<string, unknown> }[] }>(
      await firebreak.request('GET', `/api/audit?targetId=${person.id}&action=users.user.update`),
      200,
    );
    expect(audit.entries[0]?.details).toMatchObject({
      role: { from: 'responder', to: 'commander' },
      name: { from: person.name, to: 'Ada L.' },
      slackUserId: { from: null, to: 'U0ADA1' },
    });

    // Bad input, a taken e-mail, an unknown person, no credentials, a role without users:manage.
    const other = await newPerson('viewer');
    expect((await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { role: 'ingest' } })).status).toBe(400);
    expect((await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { slackUserId: 'not-slack' } })).status).toBe(400);
    expect((await firebreak.request('PATCH', `/api/users/${person.id}`, { json: { email: other.email } })).status).toBe(409);
    expect((await firebreak.request('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { json: { name: 'x' } })).status).toBe(404);
    expect((await firebreak.request('PATCH', `/api/users/${person.id}`, { token: null, json: { name: 'x' } })).status).toBe(401);
    const viewerToken = await tokenOf(other.email, 'viewer');
    expect((await firebreak.request('PATCH', `/api/users/${person.id}`, { token: viewerToken.token, json: { name: 'x' } })).status).toBe(
      403,
    );
  });

  it('lets a person change their own name and Slack id, and make and revoke tokens of their own', async () => {
    const person = await newPerson('responder');
    const token = await tokenOf(person.email, 'responder');
    const changed = await json<Person>(
      await firebreak.request('PATCH', '/api/me', { token: token.token, json: { name: 'Bo Self', slackUserId: 'U0BOSELF' } }),
      200,
    );
    expect(changed).toMatchObject({ id: person.id, name: 'Bo Self', slackUserId: 'U0BOSELF', role: 'responder' });
    expect((await firebreak.request('PATCH', '/api/me', { token: token.token, json: { role: 'admin' } })).status).toBe(200);
    expect((await json<Person>(await firebreak.request('GET', `/api/users/${person.id}`), 200)).role).toBe('responder');
    expect((await firebreak.request('PATCH', '/api/me', { token: token.token, json: { slackUserId: 'nope' } })).status).toBe(400);
    expect((await firebreak.request('PATCH', '/api/me', { token: null, json: { name: 'x' } })).status).toBe(401);
    const service = await firebreak.tokenFor('viewer', 'robot', { service: true });
    expect((await firebreak.request('PATCH', '/api/me', { token: service, json: { name: 'x' } })).status).toBe(400);

    const own = await json<Token>(
      await firebreak.request('POST', '/api/me/tokens', { token: token.token, json: { name: 'cli', expiresInDays: 7 } }),
      201,
    );
    expect(own).toMatchObject({ kind: 'person', ownerEmail: person.email });
    expect(new Date(own.expiresAt ?? 0).getTime() - Date.now()).toBeLessThanOrEqual(7 * DAY);
    expect((await firebreak.request('POST', '/api/me/tokens', { token: token.token, json: { name: 'up', role: 'admin' } })).status).toBe(
      400,
    );
    const mine = await json<{ tokens: Token[] }>(await firebreak.request('GET', '/api/me/tokens', { token: token.token }), 200);
    expect(mine.tokens.map((candidate) => candidate.id)).toContain(own.id);
    // Nobody revokes another's token through /api/me.
    const other = await newPerson('responder');
    const otherToken = await tokenOf(other.email, 'responder');
    expect((await firebreak.request('DELETE', `/api/me/tokens/${own.id}`, { token: otherToken.token })).status).toBe(404);
    expect((await firebreak.request('DELETE', `/api/me/tokens/${own.id}`, { token: token.token })).status).toBe(200);
    expect((await firebreak.request('GET', '/api/me', { token: own.token })).status).toBe(401);
  });

  it('makes service tokens that belong to a service, expire only when asked, and never approve', async () => {
    const service = await json<Token>(
      await firebreak.request('POST', '/api/tokens', { json: { name: 'deployer', role: 'commander', service: 'ci-pipeline' } }),
      201,
    );
    expect(service).toMatchObject({ kind: 'service', service: 'ci-pipeline', ownerEmail: null, expiresAt: null });
    const expiring = await json<Token>(
      await firebreak.request('POST', '/api/tokens', { json: { name: 'scraper', role: 'viewer', service: 'grafana', expiresInDays: 30 } }),
      201,
    );
    expect(expiring.expiresAt).not.toBeNull();
    const actor = await authenticateToken(firebreak.database.db, service.token);
    if (!actor) throw new Error('the service token was not accepted');
    // The four-eyes paths (RCA approval, notice approval) ask this of whoever approves.
    expect(() => assertPersonMayApprove(actor)).toThrow(/service token/);
    const person = await newPerson('commander');
    const personActor = await authenticateToken(firebreak.database.db, (await tokenOf(person.email, 'commander')).token);
    if (!personActor) throw new Error('the person token was not accepted');
    expect(() => assertPersonMayApprove(personActor)).not.toThrow();

    const both = await firebreak.request('POST', '/api/tokens', { json: { name: 'x', role: 'viewer', service: 's', owner: person.email } });
    expect((await json<{ error: { message: string } }>(both, 400)).error.message).toContain('service');
    const ingestForPerson = await firebreak.request('POST', '/api/tokens', { json: { name: 'x', role: 'ingest', owner: person.email } });
    expect((await json<{ error: { message: string } }>(ingestForPerson, 400)).error.message).toContain('service');
  });
});
