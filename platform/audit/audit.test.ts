import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { systemContext } from '../auth/actor.ts';
import type { DatabaseHandle } from '../database/index.ts';
import { recordAudit } from './record-audit.ts';
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
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, entries: 5, problems: [] });
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
    expect((await verifyAuditChain(handle.db)).ok).toBe(true);
  });

  it('reports a changed entry', async ({ database: handle }) => {
    await tamper(handle, sql`update audit_entries set details = '{"index": 99}'::jsonb where position = 3`);
    const result = await verifyAuditChain(handle.db);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ position: 3, kind: 'changed' })]);
  });

  it('reports a removed entry', async ({ database: handle }) => {
    await tamper(handle, sql`delete from audit_entries where position = 2`);
    const result = await verifyAuditChain(handle.db);
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
    const result = await verifyAuditChain(handle.db);
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
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, entries: 25, problems: [] });
  });

  it('leaves no entry when the audited change rolls back', async ({ database: handle }) => {
    const ctx = systemContext(handle.db, TEST_CONFIG);
    await expect(
      handle.db.transaction(async (tx) => {
        await recordAudit(tx, ctx, { action: 'test.rolled.back', targetType: 'thing' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await verifyAuditChain(handle.db)).toEqual({ ok: true, entries: 5, problems: [] });
  });
});
