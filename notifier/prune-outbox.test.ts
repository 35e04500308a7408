import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, RETENTION_JOB } from '../platform/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

describeOnBackends('outbox retention', () => {
  it.override({ firebreakEnv: { OUTBOX_RETENTION_DAYS: '30' } });

  it('deletes Slack and PagerDuty messages delivered over OUTBOX_RETENTION_DAYS ago, and keeps e-mails and undelivered ones', async ({
    firebreak,
  }) => {
    const now = new Date('2030-06-01T12:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    const messages: [key: string, channel: string, status: string, deliveredAt: string | null][] = [
      ['slack-old', 'slack', 'delivered', daysAgo(31)],
      ['page-old', 'pagerduty', 'delivered', daysAgo(45)],
      ['slack-recent', 'slack', 'delivered', daysAgo(29)],
      ['notice-old', 'email', 'delivered', daysAgo(400)],
      ['page-dead-old', 'pagerduty', 'dead', null],
      ['slack-failing-old', 'slack', 'failed', null],
    ];
    for (const [key, channel, status, deliveredAt] of messages) {
      await firebreak.database.db.execute(sql`
        insert into outbox_messages (channel, kind, idempotency_key, payload, max_attempts, status, delivered_at, created_at, next_attempt_at)
        values (${channel}, ${`${channel}.test`}, ${key}, '{}'::jsonb, 10, ${status}, ${deliveredAt}::timestamptz, ${daysAgo(500)}::timestamptz, ${daysAgo(500)}::timestamptz)`);
    }
    expect(await firebreak.scheduler.runJob(RETENTION_JOB, now)).toBe(true);
    const kept = await queryRows<{ idempotency_key: string }>(
      firebreak.database.db,
      sql`select idempotency_key from outbox_messages order by idempotency_key`,
    );
    expect(kept.map((row) => row.idempotency_key)).toEqual(['notice-old', 'page-dead-old', 'slack-failing-old', 'slack-recent']);
  });
});
