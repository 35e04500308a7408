import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { expect } from 'vitest';
import { createFirebreak } from '../../server.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { openTestDatabase } from '../../test/harness/database.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { systemContext } from '../auth/actor.ts';
import { loadConfig } from '../config.ts';
import { queryRows } from '../database/index.ts';
import { RETENTION_JOB } from './index.ts';

const DAY = 86_400_000;
const REAL_NOW = Date.now();
const ago = (days: number) => new Date(REAL_NOW - days * DAY).toISOString();

async function metric(firebreak: TestFirebreak, name: string, dataClass: string): Promise<number> {
  const text = await (await firebreak.request('GET', '/metrics')).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{class="${dataClass}"}`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

async function column(firebreak: TestFirebreak, statement: ReturnType<typeof sql>): Promise<string[]> {
  return (await queryRows<{ key: string }>(firebreak.database.db, statement)).map((row) => row.key).sort();
}

/** An incident closed `closedDaysAgo` ago (or open) with one breach fact and one obligation of the status. */
async function breachIncident(firebreak: TestFirebreak, title: string, closedDaysAgo: number | null, obligationStatus: string) {
  const db = firebreak.database.db;
  const closedAt = closedDaysAgo === null ? null : ago(closedDaysAgo);
  const [incident] = await queryRows<{ id: string }>(
    db,
    sql`insert into incidents (title, severity, source, started_at, detected_at, closed_at, phase, is_breach)
        values (${title}, 'sev2', 'manual', ${ago(2000)}::timestamptz, ${ago(2000)}::timestamptz, ${closedAt}::timestamptz,
                ${closedAt ? 'lessons_learned' : 'identification'}, true)
        returning id::text as id`,
  );
  const id = incident?.id ?? '';
  await db.execute(sql`insert into breach_facts (incident_id, name, value, actor_type, actor_id, actor_name)
                       values (${id}::uuid, 'peopleAffected', '120'::jsonb, 'system', 'firebreak', 'Firebreak')`);
  const [regime] = await queryRows<{ id: string }>(
    db,
    sql`insert into breach_incident_regimes (incident_id, regime_id, definition, applied_by)
        values (${id}::uuid, 'contract-24h', '{}'::jsonb, 'test') returning id::text as id`,
  );
  await db.execute(sql`insert into breach_obligations (incident_id, incident_regime_id, regime_id, key, title, recipient, status)
                       values (${id}::uuid, ${regime?.id ?? ''}::uuid, 'contract-24h', 'notify', 'Tell the customer', 'customer', ${obligationStatus})`);
  return id;
}

describeOnBackends('data retention', () => {
  it.override({
    firebreakEnv: {
      ALERT_RETENTION_DAYS: '90',
      OUTBOX_RETENTION_DAYS: '30',
      SESSION_RETENTION_DAYS: '7',
      TRACE_EVIDENCE_RETENTION_DAYS: '30',
      TRACE_WINDOW_RETENTION_DAYS: '8',
      BREACH_RETENTION_DAYS: '1095',
      AUDIT_RETENTION_DAYS: '30',
      // Small batches, so that one run has to go on in several transactions.
      RETENTION_BATCH_SIZE: '2',
    },
  });

  it('deletes exactly what is past each class limit, keeps the rest, and shows the oldest rows in /metrics', async ({ firebreak }) => {
    const db = firebreak.database.db;
    // An alert is over when its sender resolved it or when it expired (its sender went silent).
    for (const [fingerprint, status, endedDaysAgo] of [
      ['resolved-old-1', 'resolved', 95],
      ['resolved-old-2', 'resolved', 91],
      ['resolved-old-3', 'resolved', 120],
      ['resolved-recent', 'resolved', 89],
      ['expired-old', 'expired', 130],
      ['expired-recent', 'expired', 60],
      ['firing-ancient', 'firing', null],
    ] as const) {
      const ended = endedDaysAgo === null ? null : ago(endedDaysAgo);
      await db.execute(sql`
        insert into alerts (fingerprint, labels, severity, status, starts_at, source, group_key, resolved_at, expired_at)
        values (${fingerprint}, '{"alertname":"DiskFull"}'::jsonb, 'sev3', ${status}, ${ago(400)}::timestamptz, 'alertmanager', 'g',
                ${status === 'resolved' ? ended : null}::timestamptz, ${status === 'expired' ? ended : null}::timestamptz)`);
    }
    for (const [key, receivedDaysAgo] of [
      ['span-old', 31],
      ['span-recent', 29],
    ] as const) {
      await db.execute(sql`
        insert into error_spans (trace_id, span_id, service, span_name, span_kind, started_at, duration_ms, status_code, received_at)
        values (${key}, ${key}, 'billing', 'charge', 2, ${ago(receivedDaysAgo)}::timestamptz, 5, 2, ${ago(receivedDaysAgo)}::timestamptz)`);
    }
    for (const [name, startDaysAgo] of [
      ['window-old', 9],
      ['window-recent', 7],
    ] as const) {
      await db.execute(sql`
        insert into service_windows (service, span_name, span_kind, window_start, window_seconds, requests, errors, latency_sum_ms)
        values ('billing', ${name}, 2, ${ago(startDaysAgo)}::timestamptz, 10, 5, 1, 50)`);
    }
    for (const [key, channel, deliveredDaysAgo] of [
      ['slack-old', 'slack', 31],
      ['slack-recent', 'slack', 29],
      ['notice-old', 'email', 400],
    ] as const) {
      await db.execute(sql`
        insert into outbox_messages (channel, kind, idempotency_key, payload, max_attempts, status, delivered_at, created_at, next_attempt_at)
        values (${channel}, ${`${channel}.test`}, ${key}, '{}'::jsonb, 10, 'delivered', ${ago(deliveredDaysAgo)}::timestamptz,
                ${ago(500)}::timestamptz, ${ago(500)}::timestamptz)`);
    }
    const [person] = await queryRows<{ id: string }>(
      db,
      sql`insert into users (email, name, role, password_hash) values ('ada@example.com', 'Ada', 'viewer', 'x') returning id::text as id`,
    );
    for (const [token, expiresDaysAgo, lastSeenDaysAgo] of [
      ['session-expired-long-ago', 8, 8.5],
      ['session-idle-long-ago', -1, 10],
      ['session-ended-recently', 6, 6.5],
      ['session-live', -0.4, 0],
    ] as const) {
      await db.execute(sql`
        insert into sessions (token_hash, user_id, stage, expires_at, last_seen_at, created_at)
        values (${token}, ${person?.id ?? ''}::uuid, 'active', ${ago(expiresDaysAgo)}::timestamptz, ${ago(lastSeenDaysAgo)}::timestamptz, ${ago(20)}::timestamptz)`);
    }
    await db.execute(sql`insert into login_failures (email, source_address, step, at) values
      ('old@example.com', '192.0.2.1', 'password', ${ago(8)}::timestamptz), ('new@example.com', '192.0.2.1', 'password', ${ago(1)}::timestamptz)`);
    await breachIncident(firebreak, 'Closed long ago', 1100, 'submitted');
    await breachIncident(firebreak, 'Closed long ago, notice still owed', 1200, 'applicable');
    await breachIncident(firebreak, 'Closed last year', 300, 'submitted');

    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'alerts')) / 86_400)).toBe(130);
    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'delivered_messages')) / 86_400)).toBe(31);
    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'breach_records')) / 86_400)).toBe(1200);
    // The counter is the process's: other tests of the file may have counted before (absent: none yet).
    const deletedBefore = (await metric(firebreak, 'firebreak_data_retention_deleted_total', 'alerts')) || 0;

    expect(await firebreak.scheduler.runJob(RETENTION_JOB, new Date(REAL_NOW))).toBe(true);

    expect(await column(firebreak, sql`select fingerprint as key from alerts`)).toEqual([
      'expired-recent',
      'firing-ancient',
      'resolved-recent',
    ]);
    expect(await column(firebreak, sql`select span_id as key from error_spans`)).toEqual(['span-recent']);
    expect(await column(firebreak, sql`select span_name as key from service_windows`)).toEqual(['window-recent']);
    expect(await column(firebreak, sql`select idempotency_key as key from outbox_messages`)).toEqual(['notice-old', 'slack-recent']);
    expect(await column(firebreak, sql`select token_hash as key from sessions`)).toEqual(['session-ended-recently', 'session-live']);
    expect(await column(firebreak, sql`select email as key from login_failures`)).toEqual(['new@example.com']);
    const breachRecords = sql`select i.title as key from incidents i where exists (select 1 from breach_facts f where f.incident_id = i.id)
      or exists (select 1 from breach_obligations o where o.incident_id = i.id)`;
    expect(await column(firebreak, breachRecords)).toEqual(['Closed last year', 'Closed long ago, notice still owed']);
    // The incidents themselves stay; only their breach records go.
    expect(await column(firebreak, sql`select count(*)::text as key from incidents`)).toEqual(['3']);

    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'alerts')) / 86_400)).toBe(89);
    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'spans')) / 86_400)).toBe(29);
    expect(Math.round((await metric(firebreak, 'firebreak_data_oldest_row_age_seconds', 'breach_records')) / 86_400)).toBe(1200);
    expect((await metric(firebreak, 'firebreak_data_retention_deleted_total', 'alerts')) - deletedBefore).toBe(4);
  });

  it('refuses, in the database itself, to delete the breach records of an incident with an obligation still owed', async ({
    firebreak,
  }) => {
    const owed = await breachIncident(firebreak, 'Owed', 2000, 'applicable');
    const refusal = await firebreak.database.db.execute(sql`delete from breach_facts where incident_id = ${owed}::uuid`).then(
      () => 'deleted',
      (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
    );
    expect(refusal).toBe('breach_facts is append-only: DELETE refused');
  });

  it('prunes the oldest audit entries and `audit verify` still passes from the recorded anchor', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const ctx = systemContext(db, firebreak.config);
    for (let index = 1; index <= 5; index++) {
      await db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.thing.change', targetType: 'thing', targetId: String(index) }));
    }
    const countEntries = async () => Number((await column(firebreak, sql`select count(*)::text as key from audit_entries`))[0]);
    const before = await countEntries();
    // Ten days on, nothing is past AUDIT_RETENTION_DAYS (30).
    await firebreak.scheduler.runJob(RETENTION_JOB, new Date(REAL_NOW + 10 * DAY));
    expect(await countEntries()).toBe(before);

    // Forty days on, every entry written so far is: they go, a prune entry and its signed anchor stay.
    expect(await firebreak.scheduler.runJob(RETENTION_JOB, new Date(REAL_NOW + 40 * DAY))).toBe(true);
    const kept = await queryRows<{ position: number; action: string }>(
      db,
      sql`select position::int, action from audit_entries order by position`,
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((entry) => entry.action === 'audit.trail.prune')).toBe(true);
    const verification = await verifyAuditChain(db, firebreak.config);
    expect(verification).toEqual(expect.objectContaining({ ok: true, problems: [], entries: kept.length }));
    expect(verification.prunedThrough).toBe((kept[0]?.position ?? 0) - 1);
    // The API says so too.
    const answer = (await (await firebreak.request('GET', '/api/audit/verify')).json()) as { ok: boolean; prunedThrough: number };
    expect(answer).toEqual(expect.objectContaining({ ok: true, prunedThrough: verification.prunedThrough }));

    // Appends go on chaining after the cut.
    await db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.after.prune', targetType: 'thing' }));
    expect((await verifyAuditChain(db, firebreak.config)).ok).toBe(true);
  });

  it('reports a forged prune anchor, and a deletion of the start of the chain without one', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const ctx = systemContext(db, firebreak.config);
    for (let index = 1; index <= 3; index++) {
      await db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.thing.change', targetType: 'thing' }));
    }
    await db.execute(sql`alter table audit_entries disable trigger audit_entries_append_only`);
    await db.execute(sql`delete from audit_entries where position = 1`);
    await db.execute(sql`alter table audit_entries enable trigger audit_entries_append_only`);
    expect((await verifyAuditChain(db, firebreak.config)).problems).toEqual([expect.objectContaining({ kind: 'removed', position: 2 })]);

    // Someone with table rights but without the audit key records an anchor of their own.
    const [first] = await queryRows<{ hash: string }>(db, sql`select previous_hash as hash from audit_entries where position = 2`);
    await db.execute(sql`insert into audit_prune_anchors (pruned_through, hash, entries, at, key_id, signature)
                         values (1, ${first?.hash ?? ''}, 1, now(), ${'0'.repeat(16)}, ${'0'.repeat(64)})`);
    const result = await verifyAuditChain(db, firebreak.config);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'unverifiable', position: 1 })]);
  });
});

describeOnBackends('short retention of records at start-up', (backend) => {
  async function startupWarnings(env: Record<string, string>): Promise<string[]> {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const database = await openTestDatabase(backend);
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-retention-'));
    const config = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: dataDirectory, SCHEDULER_ENABLED: 'false', ...env });
    const firebreak = await createFirebreak(config, { database, logger });
    await firebreak.close();
    return lines.map((line) => (JSON.parse(line) as { msg: string }).msg).filter((message) => message.includes('RETENTION_DAYS'));
  }

  it('warns loudly when the audit trail or breach records are kept less than three years, and not by default', async () => {
    expect(await startupWarnings({})).toEqual([]);
    const warnings = await startupWarnings({ AUDIT_RETENTION_DAYS: '365' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: AUDIT_RETENTION_DAYS=365 is below the three years \(1095 days\).*WILL BE DELETED/);
  });
});
