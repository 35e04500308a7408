import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { systemContext } from '../auth/actor.ts';
import { secretKeysFrom } from '../auth/secret-box.ts';
import { loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../database/index.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import { AuditCheckpointError, createAuditCheckpoint, parseAuditCheckpoint } from './checkpoint.ts';
import { hashAuditEntry, recordAudit } from './record-audit.ts';
import { verifyAuditChain } from './verify-audit.ts';

describeOnBackends('audit chain', () => {
  it.beforeEach(async ({ database: handle }) => {
    const ctx = { ...systemContext(handle.db, TEST_CONFIG), requestId: 'req-1', sourceAddress: '127.0.0.1' };
    for (let index = 1; index <= 5; index++) {
      await handle.db.transaction((tx) =>
        recordAudit(tx, ctx, {
          action: 'test.thing.change',
          targetType: 'thing',
          targetId: String(index),
          details: { index, note: 'ünïcode & <html>' },
        }),
      );
    }
  });

  // What an attacker with table rights would do: switch the guard off, then edit.
  async function tamper(handle: DatabaseHandle, statement: ReturnType<typeof sql>) {
    await handle.db.execute(sql`alter table audit_entries disable trigger audit_entries_append_only`);
    await handle.db.execute(statement);
    await handle.db.execute(sql`alter table audit_entries enable trigger audit_entries_append_only`);
  }

  it('verifies an untouched chain', async ({ database: handle }) => {
    expect(await verifyAuditChain(handle.db, TEST_CONFIG)).toEqual({ ok: true, entries: 5, problems: [] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through a trigger', async ({ database: handle }) => {
    // drizzle wraps the driver's error; the database's own message is the cause.
    const refusal = (statement: ReturnType<typeof sql>) =>
      handle.db.execute(statement).then(
        () => 'accepted',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(await refusal(sql`update audit_entries set action = 'x' where position = 2`)).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(sql`delete from audit_entries where position = 2`)).toMatch(/append-only: DELETE refused/);
    expect(await refusal(sql`truncate audit_entries`)).toMatch(/append-only: TRUNCATE refused/);
    expect((await verifyAuditChain(handle.db, TEST_CONFIG)).ok).toBe(true);
  });

  it('reports a changed entry', async ({ database: handle }) => {
    await tamper(handle, sql`update audit_entries set details = '{"index": 99}'::jsonb where position = 3`);
    const result = await verifyAuditChain(handle.db, TEST_CONFIG);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ position: 3, kind: 'changed' })]);
  });

  it('reports a removed entry', async ({ database: handle }) => {
    await tamper(handle, sql`delete from audit_entries where position = 2`);
    const result = await verifyAuditChain(handle.db, TEST_CONFIG);
    expect(result.problems).toEqual([expect.objectContaining({ position: 3, kind: 'removed' })]);
  });

  it('reports reordered entries', async ({ database: handle }) => {
    // Swap the contents of entries 2 and 4 (positions stay, so only the chain links reveal it).
    await tamper(
      handle,
      sql`
      update audit_entries a set
        target_id = b.target_id, details = b.details, previous_hash = b.previous_hash, hash = b.hash, at = b.at
      from audit_entries b
      where (a.position, b.position) in ((2, 4), (4, 2))`,
    );
    const result = await verifyAuditChain(handle.db, TEST_CONFIG);
    expect(result.ok).toBe(false);
    expect(result.problems.map((problem) => problem.position)).toEqual(expect.arrayContaining([2]));
    expect(result.problems.some((problem) => problem.kind === 'reordered' || problem.kind === 'changed')).toBe(true);
  });

  it('chains concurrent appends without gaps or forks', async ({ database: handle }) => {
    const ctx = systemContext(handle.db, TEST_CONFIG);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        handle.db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.concurrent', targetType: 'thing', targetId: `c${index}` })),
      ),
    );
    expect(await verifyAuditChain(handle.db, TEST_CONFIG)).toEqual({ ok: true, entries: 25, problems: [] });
  });

  it('leaves no entry when the audited change rolls back', async ({ database: handle }) => {
    const ctx = systemContext(handle.db, TEST_CONFIG);
    await expect(
      handle.db.transaction(async (tx) => {
        await recordAudit(tx, ctx, { action: 'test.rolled.back', targetType: 'thing' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await verifyAuditChain(handle.db, TEST_CONFIG)).toEqual({ ok: true, entries: 5, problems: [] });
  });

  it('keys the chain: an entry rewritten with a recomputed unkeyed hash is reported', async ({ database: handle }) => {
    const [entry] = await handle.db.select().from(auditEntries).where(eq(auditEntries.position, 5));
    expect(entry?.hash).toMatch(/^hmac-sha256:[0-9a-f]{16}:[0-9a-f]{64}$/);
    if (!entry) return;
    // What someone with table rights but without the key would do: change it, then hash it again.
    const { hash: _hash, ...fields } = entry;
    const forged = { ...fields, details: { index: 99 } };
    const unkeyed = hashAuditEntry(forged, null);
    await tamper(handle, sql`update audit_entries set details = '{"index": 99}'::jsonb, hash = ${unkeyed} where position = 5`);
    const result = await verifyAuditChain(handle.db, TEST_CONFIG);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ position: 5, kind: 'changed' })]);
  });

  it('does not verify under another key', async ({ database: handle }) => {
    const other = loadConfig({ LOG_LEVEL: 'silent', FIREBREAK_SECRET_KEY: '07'.repeat(32) });
    const result = await verifyAuditChain(handle.db, other);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toEqual(expect.objectContaining({ position: 1, kind: 'unverifiable' }));
    // After a rotation the old key, listed in FIREBREAK_SECRET_KEY_PREVIOUS, still verifies.
    const rotated = loadConfig({
      LOG_LEVEL: 'silent',
      FIREBREAK_SECRET_KEY: '07'.repeat(32),
      FIREBREAK_SECRET_KEY_PREVIOUS: secretKeysFrom(TEST_CONFIG).current.toString('hex'),
    });
    expect(await verifyAuditChain(handle.db, rotated)).toEqual({ ok: true, entries: 5, problems: [] });
  });

  it('still verifies entries written before the chain was keyed', async ({ database: handle }) => {
    await tamper(handle, sql`delete from audit_entries`);
    // Two entries as the unkeyed chain wrote them, then keyed ones appended after the upgrade.
    let previousHash = '0'.repeat(64);
    for (const position of [1, 2]) {
      const entry = {
        position,
        at: new Date('2026-01-01T00:00:00Z'),
        actorType: 'system',
        actorId: 'firebreak',
        actorName: 'Firebreak',
        action: 'test.legacy',
        targetType: 'thing',
        targetId: null,
        requestId: null,
        sourceAddress: null,
        details: {},
        previousHash,
      };
      const hash = hashAuditEntry(entry, null);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      await handle.db.execute(
        sql`insert into audit_entries (position, at, actor_type, actor_id, actor_name, action, target_type, details, previous_hash, hash)
            values (${position}, ${entry.at.toISOString()}, 'system', 'firebreak', 'Firebreak', 'test.legacy', 'thing', '{}'::jsonb, ${previousHash}, ${hash})`,
      );
      previousHash = hash;
    }
    const ctx = systemContext(handle.db, TEST_CONFIG);
    await handle.db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.keyed', targetType: 'thing' }));
    expect(await verifyAuditChain(handle.db, TEST_CONFIG)).toEqual({ ok: true, entries: 3, problems: [] });
  });

  it('catches deleted last entries with a checkpoint taken before', async ({ database: handle }) => {
    const checkpoint = await createAuditCheckpoint(handle.db, TEST_CONFIG, new Date('2026-12-04T23:00:00Z'));
    expect(checkpoint).toEqual(expect.objectContaining({ position: 5, entries: 5, at: '2026-12-04T23:00:00.000Z' }));
    await tamper(handle, sql`delete from audit_entries where position >= 4`);
    // Without the checkpoint the shortened chain looks whole: that is what the checkpoint is for.
    expect((await verifyAuditChain(handle.db, TEST_CONFIG)).ok).toBe(true);
    const result = await verifyAuditChain(handle.db, TEST_CONFIG, { checkpoint });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'removed', message: 'entries 4..5 of the checkpoint of 2026-12-04T23:00:00.000Z are missing' }),
    ]);
  });

  it('catches an entry that differs from the head of the checkpoint', async ({ database: handle }) => {
    const checkpoint = await createAuditCheckpoint(handle.db, TEST_CONFIG);
    await handle.db.transaction((tx) =>
      recordAudit(tx, systemContext(handle.db, TEST_CONFIG), { action: 'test.after', targetType: 'thing' }),
    );
    expect(await verifyAuditChain(handle.db, TEST_CONFIG, { checkpoint })).toEqual({
      ok: true,
      entries: 6,
      problems: [],
      checkpointAt: checkpoint.at,
    });
    const other = `${checkpoint.hash.slice(0, -1)}${checkpoint.hash.endsWith('0') ? '1' : '0'}`;
    await tamper(handle, sql`update audit_entries set hash = ${other} where position = 5`);
    const result = await verifyAuditChain(handle.db, TEST_CONFIG, { checkpoint });
    expect(result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ position: 5, kind: 'changed' })]));
  });

  it('refuses a checkpoint whose signature does not match', async ({ database: handle }) => {
    const checkpoint = await createAuditCheckpoint(handle.db, TEST_CONFIG);
    const text = JSON.stringify({ ...checkpoint, position: 3, entries: 3 });
    expect(() => parseAuditCheckpoint(text, TEST_CONFIG)).toThrow(AuditCheckpointError);
    expect(() => parseAuditCheckpoint(text, TEST_CONFIG)).toThrow(/signature does not match/);
    expect(() => parseAuditCheckpoint('not json', TEST_CONFIG)).toThrow(/not a Firebreak audit checkpoint/);
    expect(parseAuditCheckpoint(JSON.stringify(checkpoint), TEST_CONFIG)).toEqual(checkpoint);
  });
});
