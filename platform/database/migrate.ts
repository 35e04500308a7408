import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { queryRows } from './client.ts';
import type { DatabaseHandle } from './client.ts';

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works; it only has to be the same in every replica.
const MIGRATION_LOCK = 4_201_107;

/** Applies pending migrations (a no-op on an up-to-date database), then the guards migrations cannot express. */
export async function runMigrations(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, config);
  } else {
    // Replicas starting together would otherwise race to apply the same migration.
    await handle.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migratePostgres(handle.db as unknown as PostgresJsDatabase, config);
    } finally {
      await handle.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  }
  await installGuards(handle);
}

/** Triggers that make the audit trail append-only, installed idempotently after every migration run. */
async function installGuards(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(sql`
    create or replace function firebreak_refuse_audit_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_entries is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end $$`);
  await handle.db.execute(sql`drop trigger if exists audit_entries_append_only on audit_entries`);
  await handle.db.execute(sql`
    create trigger audit_entries_append_only before update or delete on audit_entries
    for each row execute function firebreak_refuse_audit_change()`);
  await handle.db.execute(sql`drop trigger if exists audit_entries_no_truncate on audit_entries`);
  await handle.db.execute(sql`
    create trigger audit_entries_no_truncate before truncate on audit_entries
    for each statement execute function firebreak_refuse_audit_change()`);
}

export interface MigrationStatus {
  known: number;
  applied: number;
}

/** How many migrations this build ships and how many the database has applied. */
export async function migrationStatus(handle: DatabaseHandle): Promise<MigrationStatus> {
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  const [row] = await queryRows<{ applied: number }>(
    handle.db,
    sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
  ).catch(() => [{ applied: 0 }]);
  return { known: journal.entries.length, applied: row?.applied ?? 0 };
}
