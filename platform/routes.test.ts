import { expect } from 'vitest';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

describeOnBackends('platform routes', () => {
  it('serves /healthz and /readyz without credentials', async ({ firebreak }) => {
    expect((await firebreak.request('GET', '/healthz', { token: null })).status).toBe(200);
    const ready = await firebreak.request('GET', '/readyz', { token: null });
    expect(ready.status).toBe(200);
    // The public answer is the status alone: configuration and database errors are for operators.
    expect(await ready.json()).toEqual({ status: 'ready' });
    const detailed = await firebreak.request('GET', '/readyz', { token: await firebreak.tokenFor('viewer') });
    expect(await detailed.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true } } });
  });

  it('tells the caller who they are and what they may do', async ({ firebreak }) => {
    const response = await firebreak.request('GET', '/api/me');
    expect(response.status).toBe(200);
    const me = (await response.json()) as { role: string; permissions: string[] };
    expect(me.role).toBe('admin');
    expect(me.permissions).toContain('tokens:manage');
  });

  it('answers 401 without a token and with an unknown one, in the one error shape', async ({ firebreak }) => {
    const missing = await firebreak.request('GET', '/api/me', { token: null });
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/Bearer/);
    expect(body.error.requestId).toBe(missing.headers.get('x-request-id'));
    expect((await firebreak.request('GET', '/api/me', { token: 'fbk_not-a-real-token-at-all-0000000000000' })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/me', { headers: { authorization: 'Basic abc' }, token: null })).status).toBe(401);
  });

  it('answers 403 naming the permission a role lacks', async ({ firebreak }) => {
    const viewer = await firebreak.tokenFor('viewer');
    const response = await firebreak.request('POST', '/api/tokens', { token: viewer, json: { name: 'x', role: 'admin' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('tokens:manage');
  });

  it('answers 404 for an unknown route and an unknown token', async ({ firebreak }) => {
    const route = await firebreak.request('GET', '/api/nothing-here');
    expect(route.status).toBe(404);
    expect(((await route.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await firebreak.request('DELETE', '/api/tokens/no-such-token')).status).toBe(404);
  });

  it('revokes every token of a name and audits each one it revoked', async ({ firebreak }) => {
    for (let i = 0; i < 2; i++) {
      expect((await firebreak.request('POST', '/api/tokens', { json: { name: 'ci-sender', role: 'ingest' } })).status).toBe(201);
    }
    const revoked = await firebreak.request('DELETE', '/api/tokens/ci-sender');
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ name: 'ci-sender', revokedCount: 2 });
    const audit = (await (await firebreak.request('GET', '/api/audit?action=tokens.token.revoke')).json()) as {
      entries: { targetId: string }[];
    };
    expect(new Set(audit.entries.map((entry) => entry.targetId)).size).toBe(2);
  });

  it('answers 400 to malformed JSON and to invalid fields, naming the problem', async ({ firebreak }) => {
    const malformed = await firebreak.request('POST', '/api/tokens', {
      body: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'malformed_json' });
    const invalid = await firebreak.request('POST', '/api/tokens', { json: { name: 'x', role: 'overlord' } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/role/);
    const wrongType = await firebreak.request('POST', '/api/tokens', { json: { name: 42, role: 'viewer' } });
    expect(((await wrongType.json()) as { error: { message: string } }).error.message).toMatch(/name/);
  });

  it('answers 415 to a body that is not JSON', async ({ firebreak }) => {
    const response = await firebreak.request('POST', '/api/tokens', {
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('application/json');
  });

  it('answers 413 to a body over the limit', async ({ firebreak }) => {
    const huge = JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024), role: 'viewer' });
    const response = await firebreak.request('POST', '/api/tokens', { body: huge, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('creates a token shown once, lists it without its value, and revocation takes effect at once', async ({ firebreak }) => {
    const created = await firebreak.request('POST', '/api/tokens', { json: { name: 'ci-reader', role: 'viewer' } });
    expect(created.status).toBe(201);
    const { token, id } = (await created.json()) as { token: string; id: string };
    expect(token).toMatch(/^fbk_[A-Za-z0-9_-]{43}$/);
    expect((await firebreak.request('GET', '/api/me', { token })).status).toBe(200);

    const list = (await (await firebreak.request('GET', '/api/tokens')).json()) as { tokens: Record<string, unknown>[] };
    const listed = list.tokens.find((row) => row.id === id);
    expect(listed).toMatchObject({ name: 'ci-reader', role: 'viewer' });
    expect(JSON.stringify(list)).not.toContain(token);

    expect((await firebreak.request('DELETE', `/api/tokens/${id}`)).status).toBe(200);
    expect((await firebreak.request('GET', '/api/me', { token })).status).toBe(401);
  });

  it('lets ingest tokens ingest only', async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const me = (await (await firebreak.request('GET', '/api/me', { token: ingest })).json()) as { permissions: string[] };
    expect(me.permissions.sort()).toEqual(['alerts:ingest', 'traces:ingest']);
    expect((await firebreak.request('GET', '/api/incidents', { token: ingest })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/tokens', { token: ingest })).status).toBe(403);
  });

  it('audits token changes with actor, request id and details', async ({ firebreak }) => {
    const created = await firebreak.request('POST', '/api/tokens', {
      json: { name: 'audited', role: 'viewer' },
      headers: { 'x-request-id': 'req-123' },
    });
    expect(created.status).toBe(201);
    const audit = (await (await firebreak.request('GET', '/api/audit?action=tokens.token.create')).json()) as {
      entries: Record<string, unknown>[];
    };
    expect(audit.entries[0]).toMatchObject({
      actorName: 'bootstrap',
      action: 'tokens.token.create',
      requestId: 'req-123',
      details: { name: 'audited', role: 'viewer' },
    });
  });

  it('describes its routes in /openapi.json', async ({ firebreak }) => {
    const response = await firebreak.request('GET', '/openapi.json', { token: null });
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(spec.paths['/api/tokens']?.post?.requestBody).toBeDefined();
    expect(Object.keys(spec.paths)).toContain('/api/incidents/{id}/timeline');
  });

  it('exposes request metrics named firebreak_*', async ({ firebreak }) => {
    await firebreak.request('GET', '/api/me');
    const text = await (await firebreak.request('GET', '/metrics')).text();
    expect(text).toMatch(/firebreak_http_requests_total\{method="GET",route="\/api\/me",status="200"\}/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
