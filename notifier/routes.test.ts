import { expect } from 'vitest';
import type { TestFirebreak } from '../test/harness/app.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { enqueueMessage } from './index.ts';
import { outboxMessages } from './schema/outbox-messages.ts';

/** Two e-mails, written dead at once (no SMTP_URL): something to list. */
async function enqueueNotices(firebreak: TestFirebreak): Promise<void> {
  await firebreak.database.db.transaction(async (tx) => {
    await enqueueMessage(tx, firebreak.config, {
      channel: 'email',
      idempotencyKey: 'notice-a',
      payload: { to: 'a@example.com', subject: 'A', text: 'a' },
    });
    await enqueueMessage(tx, firebreak.config, {
      channel: 'email',
      idempotencyKey: 'notice-b',
      payload: { to: 'b@example.com', subject: 'B', text: 'b' },
    });
  });
}

describeOnBackends('notification routes', () => {
  it('reports delivery status by idempotency key', async ({ firebreak }) => {
    await enqueueNotices(firebreak);
    const response = await firebreak.request('GET', '/api/notifications/status?keys=notice-a,notice-b,unknown');
    expect(response.status).toBe(200);
    const { statuses } = (await response.json()) as { statuses: Record<string, { status: string; lastError: string }> };
    expect(Object.keys(statuses).sort()).toEqual(['notice-a', 'notice-b']);
    expect(statuses['notice-a']).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/SMTP_URL/) });
    expect((await firebreak.request('GET', '/api/notifications/status')).status).toBe(400);
    expect((await firebreak.request('GET', '/api/notifications/status?keys=notice-a', { token: null })).status).toBe(401);
  });

  it('lists messages with filters and pages, and refuses bad filters and callers without the permission', async ({ firebreak }) => {
    await enqueueNotices(firebreak);
    const first = (await (await firebreak.request('GET', '/api/notifications/messages?channel=email&limit=1')).json()) as {
      messages: { idempotencyKey: string; id: string }[];
      nextCursor: string;
    };
    expect(first.messages.map((message) => message.idempotencyKey)).toEqual(['notice-b']);
    const second = (await (
      await firebreak.request('GET', `/api/notifications/messages?channel=email&limit=1&cursor=${first.nextCursor}`)
    ).json()) as { messages: { idempotencyKey: string }[]; nextCursor: string | null };
    expect(second.messages.map((message) => message.idempotencyKey)).toEqual(['notice-a']);
    expect(second.nextCursor).toBeNull();
    const one = await firebreak.request('GET', `/api/notifications/messages/${first.messages[0]?.id}`);
    expect(((await one.json()) as { idempotencyKey: string }).idempotencyKey).toBe('notice-b');
    expect((await firebreak.request('GET', '/api/notifications/messages/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await firebreak.request('GET', '/api/notifications/messages?status=lost');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/status/);
    expect((await firebreak.request('GET', '/api/notifications/messages?cursor=garbage')).status).toBe(400);
    const ingest = await firebreak.tokenFor('ingest');
    expect((await firebreak.request('GET', '/api/notifications/messages', { token: ingest })).status).toBe(403);
    const viewer = await firebreak.tokenFor('viewer');
    expect((await firebreak.request('GET', '/api/notifications/messages', { token: viewer })).status).toBe(200);
  });

  it('updates and deletes routing rules, refusing unknown ids and a name already taken', async ({ firebreak }) => {
    const rule = { name: 'db', services: ['postgres'], pagerdutyRoutingKey: 'DBKEY000000000000000000000000001' };
    const created = (await (await firebreak.request('POST', '/api/notifications/routing-rules', { json: rule })).json()) as { id: string };
    await firebreak.request('POST', '/api/notifications/routing-rules', { json: { ...rule, name: 'other' } });
    const renamed = await firebreak.request('PUT', `/api/notifications/routing-rules/${created.id}`, {
      json: { ...rule, name: 'database', severities: ['sev1'] },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'database', severities: ['sev1'] });
    expect(
      (await firebreak.request('PUT', `/api/notifications/routing-rules/${created.id}`, { json: { ...rule, name: 'other' } })).status,
    ).toBe(409);
    const invalid = await firebreak.request('PUT', `/api/notifications/routing-rules/${created.id}`, {
      json: { ...rule, maxEscalations: 2 },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/escalateAfterSeconds/);
    const responder = await firebreak.tokenFor('responder');
    expect((await firebreak.request('DELETE', `/api/notifications/routing-rules/${created.id}`, { token: responder })).status).toBe(403);
    expect((await firebreak.request('DELETE', `/api/notifications/routing-rules/${created.id}`)).status).toBe(200);
    expect((await firebreak.request('DELETE', `/api/notifications/routing-rules/${created.id}`)).status).toBe(404);
    const listed = (await (await firebreak.request('GET', '/api/notifications/routing-rules')).json()) as { rules: { name: string }[] };
    expect(listed.rules.map((entry) => entry.name)).toEqual(['other']);
  });
  it('shows routing keys and other secrets only to those who manage them (M5)', async ({ firebreak }) => {
    const key = 'SECRETKEY00000000000000000000042';
    const rule = {
      name: 'db',
      services: ['postgres'],
      pagerdutyRoutingKey: key,
      escalationRoutingKeys: ['ESCALATEKEY000000000000000000099'],
    };
    expect((await firebreak.request('POST', '/api/notifications/routing-rules', { json: rule })).status).toBe(201);
    await firebreak.database.db.insert(outboxMessages).values({
      channel: 'pagerduty',
      kind: 'pagerduty.trigger',
      idempotencyKey: 'with-secret',
      maxAttempts: 3,
      payload: { routingKey: key, action: 'trigger', summary: 'x', customDetails: { headers: { token: 'xoxb-secret-token' } } },
    });
    const viewer = await firebreak.tokenFor('viewer');
    const asViewer = async (path: string) => JSON.stringify(await (await firebreak.request('GET', path, { token: viewer })).json());
    const rules = await asViewer('/api/notifications/routing-rules');
    const messages = await asViewer('/api/notifications/messages');
    const id = (JSON.parse(messages) as { messages: { id: string }[] }).messages[0]?.id;
    const one = await asViewer(`/api/notifications/messages/${id}`);
    for (const shown of [rules, messages, one]) {
      expect(shown).not.toContain('SECRETKEY');
      expect(shown).not.toContain('ESCALATEKEY');
      expect(shown).not.toContain('xoxb-secret-token');
    }
    expect(rules).toContain('…0042');
    // The admin, who manages routing, sees the keys.
    expect(JSON.stringify(await (await firebreak.request('GET', '/api/notifications/routing-rules')).json())).toContain(key);
  });
});
