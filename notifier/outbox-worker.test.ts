import { expect } from 'vitest';
import { notifierHooks } from '../incidents/index.ts';
import { metricsRegistry, Scheduler } from '../platform/index.ts';
import type { TestFirebreak } from '../test/harness/app.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { enqueueMessage, getDeliveryStatus } from './index.ts';

const later = (ms: number) => () => new Date(Date.now() + ms);

const mail = (firebreak: TestFirebreak, key: string, orderingKey?: string) =>
  firebreak.database.db.transaction((tx) =>
    enqueueMessage(tx, firebreak.config, {
      channel: 'email',
      idempotencyKey: key,
      orderingKey,
      payload: { to: 'dpo@example.com', subject: `Notice ${key}`, text: 'What happened.' },
    }),
  );

describeOnBackends('outbox and e-mail', () => {
  it.override({
    firebreakEnv: async ({ smtp }, use) =>
      use({ SMTP_URL: smtp.url, OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_BACKOFF_BASE_MS: '20000', NOTIFIER_TIMEOUT_MS: '2000' }),
  });

  it('delivers an e-mail once, even when enqueued twice with the same idempotency key', async ({ firebreak, smtp }) => {
    const first = await mail(firebreak, 'notice-1');
    const second = await mail(firebreak, 'notice-1');
    expect(second).toMatchObject({ id: first.id, created: false });
    expect((await getDeliveryStatus(firebreak.database.db, ['notice-1'])).get('notice-1')?.status).toBe('pending');
    await firebreak.notifier.worker.drain();
    expect(smtp.received.map((received) => received.subject)).toEqual(['Notice notice-1']);
    expect(smtp.received[0]?.to).toEqual(['dpo@example.com']);
    const status = (await getDeliveryStatus(firebreak.database.db, ['notice-1', 'never-sent'])).get('notice-1');
    expect(status).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    expect(status?.deliveredAt).toBeInstanceOf(Date);
    expect(await firebreak.notifier.worker.drain()).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a temporary refusal with backoff, then delivers exactly once', async ({ firebreak, smtp }) => {
    smtp.refuseNext(2, 451);
    await mail(firebreak, 'retry-1');
    expect(await firebreak.notifier.worker.runOnce()).toMatchObject({ retried: 1 });
    const waiting = (await getDeliveryStatus(firebreak.database.db, ['retry-1'])).get('retry-1');
    expect(waiting).toMatchObject({ status: 'failed', attempts: 1 });
    expect(waiting?.lastError).toMatch(/451|Try again/);
    // Not due yet: the backoff holds it.
    expect(await firebreak.notifier.worker.runOnce()).toMatchObject({ claimed: 0 });
    // Second attempt refused again (due 10–20 s later), third delivered (20–40 s after that).
    expect(await firebreak.notifier.worker.drain(later(600_000))).toMatchObject({ retried: 1 });
    expect(await firebreak.notifier.worker.drain(later(1_200_000))).toMatchObject({ delivered: 1 });
    expect(await firebreak.notifier.worker.drain(later(1_800_000))).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect((await getDeliveryStatus(firebreak.database.db, ['retry-1'])).get('retry-1')).toMatchObject({
      status: 'delivered',
      attempts: 3,
    });
  });

  it('marks a permanently refused e-mail dead, shows it in the API and /metrics, and retries it by hand', async ({ firebreak, smtp }) => {
    smtp.refuseNext(1, 550);
    const { id } = await mail(firebreak, 'dead-1');
    await firebreak.notifier.worker.drain();
    expect((await getDeliveryStatus(firebreak.database.db, ['dead-1'])).get('dead-1')).toMatchObject({ status: 'dead', attempts: 1 });

    const listed = await firebreak.request('GET', '/api/notifications/messages?status=dead');
    expect(listed.status).toBe(200);
    const { messages } = (await listed.json()) as { messages: { id: string; lastError: string }[] };
    expect(messages.map((message) => message.id)).toEqual([id]);
    expect(messages[0]?.lastError).toMatch(/Mailbox unavailable/);
    const metrics = await (await firebreak.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/firebreak_notifier_outbox_messages\{channel="email",status="dead"\} 1/);

    const viewer = await firebreak.tokenFor('viewer');
    expect((await firebreak.request('POST', `/api/notifications/messages/${id}/retry`, { token: viewer })).status).toBe(403);
    expect((await firebreak.request('POST', `/api/notifications/messages/${id}/retry`, { token: null })).status).toBe(401);
    expect((await firebreak.request('POST', '/api/notifications/messages/not-a-uuid/retry')).status).toBe(400);
    const retried = await firebreak.request('POST', `/api/notifications/messages/${id}/retry`);
    expect(retried.status).toBe(200);
    await firebreak.notifier.worker.drain();
    expect(smtp.received).toHaveLength(1);
    expect((await getDeliveryStatus(firebreak.database.db, ['dead-1'])).get('dead-1')?.status).toBe('delivered');
    expect((await firebreak.request('POST', `/api/notifications/messages/${id}/retry`)).status).toBe(409);
    const audit = (await (await firebreak.request('GET', '/api/audit')).json()) as { entries: { action: string }[] };
    expect(audit.entries.map((entry) => entry.action)).toContain('notifier.message.retry');
  });

  it('gives up after the last attempt when the server stays down', async ({ firebreak, smtp }) => {
    await smtp.stop();
    await mail(firebreak, 'down-1');
    for (let round = 0; round < 3; round++) await firebreak.notifier.worker.drain(later(round * 3_600_000));
    const status = (await getDeliveryStatus(firebreak.database.db, ['down-1'])).get('down-1');
    expect(status).toMatchObject({ status: 'dead', attempts: 3 });
    expect(status?.lastError).toMatch(/gave up after 3 attempts/);
  });

  it('delivers messages of one ordering key in order, holding later ones behind a failing one', async ({ firebreak, smtp }) => {
    smtp.refuseNext(1, 451);
    await mail(firebreak, 'ordered-1', 'notice-thread');
    await mail(firebreak, 'ordered-2', 'notice-thread');
    await mail(firebreak, 'ordered-3', 'notice-thread');
    await mail(firebreak, 'other-1');
    const first = await firebreak.notifier.worker.runOnce();
    // ordered-1 is refused; ordered-2 and -3 may not overtake it; the unrelated message goes.
    expect(first).toMatchObject({ claimed: 2, retried: 1, delivered: 1 });
    expect(smtp.received.map((received) => received.subject)).toEqual(['Notice other-1']);
    await firebreak.notifier.worker.drain(later(600_000));
    expect(smtp.received.map((received) => received.subject)).toEqual([
      'Notice other-1',
      'Notice ordered-1',
      'Notice ordered-2',
      'Notice ordered-3',
    ]);
  });

  it('writes a message behind a dead one of its ordering key held back, and retrying the dead one sends both in order', async ({
    firebreak,
    smtp,
  }) => {
    smtp.refuseNext(1, 550);
    const dead = await mail(firebreak, 'thread-1', 'dead-thread');
    await firebreak.notifier.worker.drain();
    const behind = await mail(firebreak, 'thread-2', 'dead-thread');
    const elsewhere = await mail(firebreak, 'other-thread-1', 'live-thread');
    expect(behind).toMatchObject({ status: 'dead', created: true });
    expect(elsewhere).toMatchObject({ status: 'pending', created: true });
    const held = (await getDeliveryStatus(firebreak.database.db, ['thread-2'])).get('thread-2');
    expect(held?.lastError).toBe(`held back: an earlier message of dead-thread (${dead.id}) is dead`);
    // Written again under its key: the message already written is kept.
    expect(await mail(firebreak, 'thread-2', 'dead-thread')).toEqual({
      id: behind.id,
      idempotencyKey: 'thread-2',
      status: 'dead',
      created: false,
    });
    await firebreak.notifier.worker.drain();
    expect(smtp.received.map((received) => received.subject)).toEqual(['Notice other-thread-1']);

    expect((await firebreak.request('POST', `/api/notifications/messages/${dead.id}/retry`)).status).toBe(200);
    await firebreak.notifier.worker.drain();
    expect(smtp.received.map((received) => received.subject)).toEqual(['Notice other-thread-1', 'Notice thread-1', 'Notice thread-2']);
  });

  it('refuses an e-mail without a valid recipient and stores nothing', async ({ firebreak }) => {
    await expect(
      firebreak.database.db.transaction((tx) =>
        enqueueMessage(tx, firebreak.config, {
          channel: 'email',
          idempotencyKey: 'bad-1',
          payload: { to: 'not-an-address', subject: 'x', text: 'y' },
        }),
      ),
    ).rejects.toThrow(/payload.to/);
    expect((await getDeliveryStatus(firebreak.database.db, ['bad-1'])).size).toBe(0);
  });
});

describeOnBackends('outbox without SMTP', () => {
  it('records e-mails as dead with the reason, and says so in /readyz', async ({ firebreak }) => {
    await firebreak.database.db.transaction((tx) =>
      enqueueMessage(tx, firebreak.config, {
        channel: 'email',
        idempotencyKey: 'no-smtp',
        payload: { to: 'a@example.com', subject: 's', text: 't' },
      }),
    );
    const status = (await getDeliveryStatus(firebreak.database.db, ['no-smtp'])).get('no-smtp');
    expect(status).toMatchObject({ status: 'dead' });
    expect(status?.lastError).toMatch(/SMTP_URL/);
    expect(await firebreak.notifier.worker.drain()).toMatchObject({ claimed: 0 });
    const ready = (await (await firebreak.request('GET', '/readyz')).json()) as {
      status: string;
      checks: Record<string, { ok: boolean; detail: string }>;
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.email).toMatchObject({ ok: false });
    expect(ready.checks.email?.detail).toMatch(/SMTP_URL/);
    expect(metricsRegistry.getSingleMetric('firebreak_notifier_outbox_messages')).toBeDefined();
  });
});

describeOnBackends('outbox workers running', () => {
  it.override({ firebreakEnv: async ({ smtp }, use) => use({ SMTP_URL: smtp.url, OUTBOX_POLL_MS: '60000' }) });

  it('deliver as soon as a message commits, and share the work without sending anything twice', async ({ firebreak, smtp }) => {
    const { createNotifier } = await import('./index.ts');
    // A second replica's worker on the same database.
    const replica = createNotifier({
      config: firebreak.config,
      database: firebreak.database,
      logger: firebreak.logger,
      scheduler: new Scheduler(firebreak.database.db, firebreak.logger),
      incidents: notifierHooks,
    });
    try {
      firebreak.notifier.worker.start();
      replica.worker.start();
      // Polling is once a minute here: only the NOTIFY at commit can explain a prompt delivery.
      await firebreak.database.db.transaction((tx) =>
        enqueueMessage(tx, firebreak.config, {
          channel: 'email',
          idempotencyKey: 'live-1',
          payload: { to: 'a@example.com', subject: 'Live 1', text: 't' },
        }),
      );
      for (let waited = 0; smtp.received.length < 1 && waited < 10_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(smtp.received.map((received) => received.subject)).toEqual(['Live 1']);

      await firebreak.database.db.transaction(async (tx) => {
        for (let index = 0; index < 40; index++) {
          await enqueueMessage(tx, firebreak.config, {
            channel: 'email',
            idempotencyKey: `many-${index}`,
            orderingKey: `thread-${index % 4}`,
            payload: { to: 'a@example.com', subject: `Many ${index}`, text: 't' },
          });
        }
      });
      for (let waited = 0; smtp.received.length < 41 && waited < 30_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const subjects = smtp.received.map((received) => received.subject);
      expect(subjects).toHaveLength(41);
      expect(new Set(subjects).size).toBe(41);
      for (let thread = 0; thread < 4; thread++) {
        const order = subjects
          .filter((subject) => subject.startsWith('Many ') && Number(subject.slice(5)) % 4 === thread)
          .map((subject) => Number(subject.slice(5)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    } finally {
      await replica.worker.stop();
    }
  });
});
