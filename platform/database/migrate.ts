import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database, DatabaseHandle } from './client.ts';
import { queryRows } from './client.ts';

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works; it only has to be the same in every replica.
const MIGRATION_LOCK = 4_201_107;

/** Applies pending migrations (a no-op on an up-to-date database), then the guards migrations cannot express. */
export async function runMigrations(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, config);
    await installGuards(handle.db);
    return;
  }
  // Replicas starting together would otherwise race to apply the same migration (and the guards).
  // The lock is a session lock, so it is taken and released on one connection.
  await handle.withDedicatedConnection(async (db) => {
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      if (await isRuntimeRole(db)) {
        // A role that owns the tables not (see `firebreak db grants`) cannot migrate; it only checks.
        const status = await migrationStatus({ ...handle, db });
        if (status.applied < status.known) {
          throw new Error(
            `the database has ${status.applied} of this version's ${status.known} migrations, and this role does not own the tables: run \`npx firebreak migrate\` as their owner first`,
          );
        }
        return;
      }
      await migratePostgres(db as unknown as PostgresJsDatabase, config);
      await installGuards(db);
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  });
}

/** Whether this connection's role does not own the tables (a runtime role from `firebreak db grants`). */
async function isRuntimeRole(db: Database): Promise<boolean> {
  const [table] = await queryRows<{ owns: boolean }>(
    db,
    sql`select pg_has_role(relowner, 'USAGE') as owns from pg_class where oid = to_regclass('public.audit_entries')`,
  );
  return table !== undefined && !table.owns;
}

/**
 * Tables whose rows are history: once written, never changed or removed. The code has no path that
 * updates or deletes them; these triggers make the database refuse it too.
 */
export const APPEND_ONLY_TABLES = ['audit_entries', 'audit_prune_anchors', 'timeline_events', 'note_revisions', 'breach_facts'] as const;

/**
 * The row guard of each history table whose rows retention may delete (under a condition the database
 * checks itself); the others refuse every UPDATE and DELETE.
 */
const ROW_GUARDS: Partial<Record<(typeof APPEND_ONLY_TABLES)[number], string>> = {
  audit_entries: 'firebreak_guard_audit_entries',
  breach_facts: 'firebreak_guard_breach_facts',
};

/**
 * References between tables that are checked once per statement, not by a foreign key, which checks each
 * row on its own: for alerts, 4.5 of the 16 µs of Postgres CPU an inserted alert cost (a storm inserts
 * hundreds at a time, mostly naming the same few incidents). The guarantee is the key's: every id a
 * statement writes names an existing row, which stays locked FOR KEY SHARE until the transaction ends,
 * as the key's check locks it; and a row still named cannot be deleted or renumbered. Backups and
 * restores order tables by these as by foreign keys (platform/backup/catalog.ts).
 */
export const CHECKED_REFERENCES = [{ table: 'alerts', column: 'incident_id', references: 'incidents' }] as const;

/** The transaction-local setting under which the append-only guards let an erasure's UPDATE through (see allowErasure). */
const ERASURE_SETTING = 'firebreak.erasure';

/** Lets this transaction rewrite text in append-only history (not the audit trail): for a data-subject erasure only. */
export async function allowErasure(tx: Database): Promise<void> {
  await tx.execute(sql`select set_config(${ERASURE_SETTING}, 'on', true)`);
}

/** Triggers migrations cannot express, installed idempotently after every migration run. */
async function installGuards(db: Database): Promise<void> {
  await db.execute(sql`
    create or replace function firebreak_refuse_change() returns trigger language plpgsql as $$
    begin
      -- A data-subject erasure rewrites text in place (same rows, same order) in a transaction that says
      -- so and records itself in the audit trail; the audit trail itself is never rewritten.
      if tg_op = 'UPDATE' and tg_table_name <> 'audit_entries' and current_setting('${sql.raw(ERASURE_SETTING)}', true) = 'on' then
        return new;
      end if;
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`);
  // Retention deletes the start of the audit chain only up to a recorded, signed prune anchor
  // (platform/audit/prune-audit.ts); everything else stays refused.
  await db.execute(sql`
    create or replace function firebreak_guard_audit_entries() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and old.position <= coalesce((select max(pruned_through) from audit_prune_anchors), 0) then
        return old;
      end if;
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`);
  // A runtime role (firebreak db grants) has no DELETE on the trail: it prunes through this function,
  // which runs as the owner and deletes no further than the latest anchor.
  await db.execute(sql`
    create or replace function firebreak_prune_audit_entries(through bigint) returns bigint
    language plpgsql security definer set search_path = public, pg_temp as $$
    declare
      deleted bigint;
    begin
      delete from audit_entries
      where position <= least(through, coalesce((select max(pruned_through) from audit_prune_anchors), 0));
      get diagnostics deleted = row_count;
      return deleted;
    end $$`);
  // Breach records go only with their incident closed and no obligation still to be met.
  await db.execute(sql`
    create or replace function firebreak_guard_breach_facts() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE'
        and exists (select 1 from incidents where id = old.incident_id and closed_at is not null)
        and not exists (
          select 1 from breach_obligations
          where incident_id = old.incident_id and status in ('assessing', 'applicable')) then
        return old;
      end if;
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`);
  await installReferenceChecks(db);
  for (const table of APPEND_ONLY_TABLES) {
    const rowTrigger = sql.identifier(`${table}_append_only`);
    const truncateTrigger = sql.identifier(`${table}_no_truncate`);
    const target = sql.identifier(table);
    const guard = sql.identifier(ROW_GUARDS[table] ?? 'firebreak_refuse_change');
    await db.execute(sql`drop trigger if exists ${rowTrigger} on ${target}`);
    await db.execute(sql`
      create trigger ${rowTrigger} before update or delete on ${target}
      for each row execute function ${guard}()`);
    await db.execute(sql`drop trigger if exists ${truncateTrigger} on ${target}`);
    await db.execute(sql`
      create trigger ${truncateTrigger} before truncate on ${target}
      for each statement execute function firebreak_refuse_change()`);
  }
}

/**
 * The triggers that keep CHECKED_REFERENCES, replaced in place (no moment without them). Each reference
 * has functions of its own, with the names written in: PL/pgSQL keeps the plans of static statements,
 * where one function taking the names as arguments would plan its dynamic SQL at every statement (0.28
 * ms, more than the check itself).
 */
async function installReferenceChecks(db: Database): Promise<void> {
  for (const { table, column, references } of CHECKED_REFERENCES) {
    const [child, parent, key] = [table, references, column].map((name) => sql.identifier(name));
    const check = sql.identifier(`firebreak_check_${table}_${column}`);
    const guard = sql.identifier(`firebreak_keep_${references}_named_by_${table}`);
    // The names as SQL text literals (constants of this file, not input).
    const [tableText, columnText, referencesText, named] = [table, column, references, `${table}.${column}`].map((name) =>
      sql.raw(`'${name}'`),
    );
    // An insert is checked once, on the rows it wrote (the transition table "written"): the ids it names
    // are locked in one read, and compared with how many it names. An update is checked per row, and only
    // when the id changes (its trigger's condition: heartbeats leave it alone).
    await db.execute(sql`
      create or replace function ${check}() returns trigger language plpgsql as $$
      declare
        locked bigint;
        distinct_named bigint;
        missing text;
      begin
        if tg_level = 'STATEMENT' then
          perform 1 from ${parent} p where p.id in (select w.${key} from written w) for key share of p;
          get diagnostics locked = row_count;
          select count(distinct w.${key}) into distinct_named from written w;
          if locked = distinct_named then
            return null;
          end if;
          select w.${key}::text into missing from written w
          where w.${key} is not null and not exists (select 1 from ${parent} p where p.id = w.${key}) limit 1;
        else
          perform 1 from ${parent} p where p.id = new.${key} for key share of p;
          if found then
            return null;
          end if;
          missing := new.${key}::text;
        end if;
        raise exception '% names % %, which does not exist', ${named}, ${referencesText}, missing
          using errcode = 'foreign_key_violation', table = tg_table_name, column = ${columnText};
      end $$`);
    await db.execute(sql`
      create or replace function ${guard}() returns trigger language plpgsql as $$
      begin
        if (tg_op = 'DELETE' or new.id <> old.id) and exists (select 1 from ${child} c where c.${key} = old.id) then
          raise exception '% % is still named by %: % refused', tg_table_name, old.id, ${named}, tg_op
            using errcode = 'foreign_key_violation', table = ${tableText}, column = ${columnText};
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$`);
    await db.execute(sql`
      create or replace trigger ${sql.identifier(`${table}_${column}_on_insert`)} after insert on ${child}
      referencing new table as written for each statement execute function ${check}()`);
    await db.execute(sql`
      create or replace trigger ${sql.identifier(`${table}_${column}_on_update`)} after update of ${key} on ${child}
      for each row when (new.${key} is not null and new.${key} is distinct from old.${key}) execute function ${check}()`);
    await db.execute(sql`
      create or replace trigger ${sql.identifier(`${references}_named_by_${table}`)} before delete or update of id on ${parent}
      for each row execute function ${guard}()`);
  }
}

export interface MigrationStatus {
  known: number;
  applied: number;
  /** The tag of the last applied migration (e.g. "0005_password_change"); null before the first. */
  latest: string | null;
}

/** How many migrations this build ships and how many the database has applied. */
export async function migrationStatus(handle: Pick<DatabaseHandle, 'db'>): Promise<MigrationStatus> {
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const [row] = await queryRows<{ applied: number }>(
    handle.db,
    sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
  ).catch(() => [{ applied: 0 }]);
  const applied = row?.applied ?? 0;
  return { known: journal.entries.length, applied, latest: journal.entries[applied - 1]?.tag ?? null };
}
