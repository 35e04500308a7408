import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, scheduleTimer } from '../platform/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { ESCALATION_TIMER } from './escalation.ts';
import { getDeliveryStatus } from './index.ts';

describeOnBackends('stored payloads read back checked', () => {
  // Every channel has an adapter; nothing here reaches the far side.
  it.override({
    firebreakEnv: { SLACK_BOT_TOKEN: 'xoxb-not-used', SLACK_API_URL: 'http://127.0.0.1:9/api/', SMTP_URL: 'smtp://127.0.0.1:9' },
  });

  it('marks a message whose payload does not fit its kind dead, naming what is wrong', async ({ firebreak }) => {
    const { db } = firebreak.database;
    const rows: [key: string, channel: string, kind: string, payload: unknown][] = [
      [
        'page-without-key',
        'pagerduty',
        'pagerduty.trigger',
        { action: 'trigger', dedupKey: 'd', summary: 's', severity: 'error', component: null, customDetails: {}, link: 'http://x' },
      ],
      ['slack-unknown-kind', 'slack', 'slack.incident_opened', { incident: {} }],
      ['mail-without-recipient', 'email', 'email', { subject: 'Hello', text: 'Hi' }],
    ];
    for (const [key, channel, kind, payload] of rows) {
      await db.execute(sql`
        insert into outbox_messages (channel, kind, idempotency_key, payload, max_attempts)
        values (${channel}, ${kind}, ${key}, ${JSON.stringify(payload)}::jsonb, 10)`);
    }
    expect(await firebreak.notifier.worker.drain()).toMatchObject({ claimed: 3, dead: 3 });
    const statuses = await getDeliveryStatus(
      db,
      rows.map(([key]) => key),
    );
    expect(statuses.get('page-without-key')).toMatchObject({ status: 'dead', attempts: 1 });
    expect(statuses.get('page-without-key')?.lastError).toMatch(
      /^unreadable pagerduty message \(kind pagerduty\.trigger\): payload\.routingKey: /,
    );
    expect(statuses.get('slack-unknown-kind')?.lastError).toMatch(/^unreadable slack message \(kind slack\.incident_opened\): kind: /);
    expect(statuses.get('mail-without-recipient')?.lastError).toMatch(/^unreadable email message \(kind email\): payload\.to: /);
  });

  it('leaves an escalation timer with an unreadable payload pending, with the reason, and pages nobody', async ({ firebreak }) => {
    const { db } = firebreak.database;
    await db.transaction((tx) =>
      scheduleTimer(tx, { kind: ESCALATION_TIMER, key: 'broken', dueAt: new Date(Date.now() - 1000), payload: { incidentId: 42 } }),
    );
    expect(await firebreak.scheduler.runDueTimers()).toBe(0);
    const [timer] = await queryRows<{ last_error: string | null; fired_at: string | null }>(
      db,
      sql`select last_error, fired_at from timers where key = 'broken'`,
    );
    expect(timer?.fired_at).toBeNull();
    expect(timer?.last_error).toMatch(/^The payload of escalation timer broken is not readable: incidentId: /);
    expect((await firebreak.notifier.worker.drain()).claimed).toBe(0);
  });
});
