import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, verifyAuditChain } from '../../platform/index.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it, test } from '../../test/harness/fixtures.ts';
import { populateInstall, SUBJECT } from '../../test/harness/populated-install.ts';
import type { ErasureReport } from './erase-person.ts';

/** Per table, a digest of every row: equal digests mean nothing changed. */
async function databaseDigest(firebreak: TestFirebreak): Promise<Record<string, string>> {
  const db = firebreak.database.db;
  const tables = await queryRows<{ tablename: string }>(
    db,
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const digest: Record<string, string> = {};
  for (const { tablename } of tables) {
    const [row] = await queryRows<{ digest: string | null }>(
      db,
      sql`select md5(string_agg(t::text, '|' order by t::text)) as digest from ${sql.identifier(tablename)} t`,
    );
    digest[tablename] = row?.digest ?? '';
  }
  return digest;
}

/** The tables (but the audit trail) where a row still mentions the text as whole words (Postgres \m, \M), case-insensitively, anywhere. */
async function tablesMentioning(firebreak: TestFirebreak, text: string): Promise<string[]> {
  const db = firebreak.database.db;
  const tables = await queryRows<{ tablename: string }>(
    db,
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const found: string[] = [];
  for (const { tablename } of tables) {
    if (tablename === 'audit_entries') continue;
    const [row] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from ${sql.identifier(tablename)} t where t::text ~* ${`\\m${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\M`}`,
    );
    if (Number(row?.count) > 0) found.push(tablename);
  }
  return found;
}

const count = (report: ErasureReport, table: string) => report.changes.find((change) => change.table === table)?.count ?? 0;

describeOnBackends('data-subject erasure', () => {
  test.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: 'Acme Cloud', SMTP_URL: 'smtp://127.0.0.1:9' } });

  it('finds the person everywhere in a dry run that changes nothing, then erases them keeping the timeline and the audit chain', async ({
    firebreak,
  }) => {
    const install = await populateInstall(firebreak);
    const account = await firebreak.request('POST', '/api/users', {
      json: { email: SUBJECT.email, name: SUBJECT.name, role: 'viewer', password: 'correct horse battery staple' },
    });
    expect(account.status).toBe(201);
    // Someone else with a name that contains hers is left alone.
    await firebreak.request('POST', `/api/incidents/${install.reference}/notes`, {
      token: install.drafter,
      json: { text: 'Joana Silvay checked the logs' },
    });
    const db = firebreak.database.db;
    const timelineBefore = await queryRows<{ id: number; type: string }>(db, sql`select id, type from timeline_events order by id`);
    expect(await tablesMentioning(firebreak, SUBJECT.email)).not.toEqual([]);

    const before = await databaseDigest(firebreak);
    const dry = await firebreak.request('POST', '/api/privacy/erasure', { json: { email: SUBJECT.email, name: SUBJECT.name } });
    expect(dry.status).toBe(200);
    const found = (await dry.json()) as ErasureReport;
    expect(found).toMatchObject({ dryRun: true, erasure: 'E1' });
    for (const table of [
      'note_revisions',
      'breach_notice_recipients',
      'outbox_messages',
      'users',
      'alerts',
      'timeline_events',
      'action_items',
      'incident_roles',
    ])
      expect(count(found, table), table).toBeGreaterThan(0);
    expect(await databaseDigest(firebreak)).toEqual(before);

    const applied = await firebreak.request('POST', '/api/privacy/erasure', {
      json: { email: SUBJECT.email, name: SUBJECT.name, dryRun: false },
    });
    expect(applied.status).toBe(200);
    const report = (await applied.json()) as ErasureReport;
    expect(report).toMatchObject({ dryRun: false, erasure: 'E1', tombstone: `[erased ${new Date().toISOString().slice(0, 10)} #E1]` });
    expect(report.changes).toEqual(found.changes);

    expect(await tablesMentioning(firebreak, SUBJECT.email)).toEqual([]);
    expect(await tablesMentioning(firebreak, SUBJECT.name)).toEqual([]);
    expect(await tablesMentioning(firebreak, 'Joana Silvay')).toEqual(expect.arrayContaining(['note_revisions']));
    expect(await queryRows<{ id: number; type: string }>(db, sql`select id, type from timeline_events order by id`)).toEqual(
      timelineBefore,
    );
    const [revision] = await queryRows<{ text: string }>(
      db,
      sql`select text from note_revisions where text like 'Called %' order by revision limit 1`,
    );
    expect(revision?.text).toBe(`Called ${report.tombstone} (${report.tombstone}); "quoted", with a comma`);
    const [user] = await queryRows<{ disabled: boolean }>(
      db,
      sql`select disabled_at is not null as disabled from users where name = ${report.tombstone}`,
    );
    expect(user?.disabled).toBe(true);

    const verification = await verifyAuditChain(db, firebreak.config);
    expect(verification).toMatchObject({ ok: true });
    const [entry] = await queryRows<{ action: string; details: string }>(
      db,
      sql`select action, details::text as details from audit_entries order by position desc limit 1`,
    );
    expect(entry?.action).toBe('privacy.erasure.apply');
    expect(entry?.details).not.toContain(SUBJECT.email);
    expect(entry?.details).toContain(report.changes[0]?.table ?? 'incidents');

    // The next request is E2; an append-only table still refuses a change outside an erasure.
    const next = (await (
      await firebreak.request('POST', '/api/privacy/erasure', { json: { name: 'Ben Okafor' } })
    ).json()) as ErasureReport;
    expect(next.erasure).toBe('E2');
    await expect(db.execute(sql`update note_revisions set text = 'rewritten'`)).rejects.toThrow();
  });

  it('refuses a request without a person, with too short a name, without credentials or without the admin role', async ({ firebreak }) => {
    const missing = await firebreak.request('POST', '/api/privacy/erasure', { json: { dryRun: true } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('email or name');
    expect((await firebreak.request('POST', '/api/privacy/erasure', { json: { name: 'Al' } })).status).toBe(400);
    expect((await firebreak.request('POST', '/api/privacy/erasure', { json: { email: 'not-an-address' } })).status).toBe(400);
    expect((await firebreak.request('POST', '/api/privacy/erasure', { token: null, json: { name: 'Ana Silva' } })).status).toBe(401);
    const commander = await firebreak.tokenFor('commander');
    expect((await firebreak.request('POST', '/api/privacy/erasure', { token: commander, json: { name: 'Ana Silva' } })).status).toBe(403);
  });
});
