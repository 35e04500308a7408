import { sql } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { CHECKED_REFERENCES, queryRows } from '../database/index.ts';

/** Tables a backup leaves out: `backups` lists files on one machine's disk, not the install's data. */
export const TABLES_NOT_BACKED_UP = new Set(['backups']);

/**
 * Firebreak's tables (schema public), every parent before the tables whose foreign keys point at it, or
 * whose references its triggers check (CHECKED_REFERENCES).
 */
export async function tablesInDependencyOrder(db: Database): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
  );
  const references = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select child.relname as child, parent.relname as parent
        from pg_constraint k
        join pg_class child on child.oid = k.conrelid
        join pg_class parent on parent.oid = k.confrelid
        join pg_namespace n on n.oid = child.relnamespace
        where k.contype = 'f' and n.nspname = 'public' and child.oid <> parent.oid`,
  );
  const parentsOf = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set<string>()]));
  const checked = CHECKED_REFERENCES.map(({ table, references: parent }) => ({ child: table, parent }));
  for (const { child, parent } of [...references, ...checked]) parentsOf.get(child)?.add(parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (placed.size < parentsOf.size) {
    const ready = [...parentsOf].filter(([name, parents]) => !placed.has(name) && [...parents].every((parent) => placed.has(parent)));
    if (!ready.length)
      throw new Error(`The foreign keys between ${[...parentsOf.keys()].filter((name) => !placed.has(name)).join(', ')} form a cycle.`);
    for (const [name] of ready) {
      placed.add(name);
      ordered.push(name);
    }
  }
  return ordered.filter((name) => !TABLES_NOT_BACKED_UP.has(name));
}

/** A table's columns in their stored order. */
export async function columnsOf(db: Database, table: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select a.attname as name from pg_attribute a
        where a.attrelid = (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                            where n.nspname = 'public' and c.relname = ${table})
          and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
  );
  return rows.map((row) => row.name);
}

/** The sequences that number Firebreak's columns (serial), with the table and column each belongs to. */
export async function ownedSequences(db: Database): Promise<{ sequence: string; table: string; column: string }[]> {
  return queryRows(
    db,
    sql`select s.relname as sequence, t.relname as table, a.attname as column
        from pg_class s
        join pg_namespace n on n.oid = s.relnamespace
        join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')
        join pg_class t on t.oid = d.refobjid
        join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where s.relkind = 'S' and n.nspname = 'public'
        order by t.relname, a.attname`,
  );
}

/** How many migrations the database has applied, and the hash of the last. */
export async function appliedMigrations(db: Database): Promise<{ level: number; lastHash: string | null }> {
  const [exists] = await queryRows<{ found: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as found`);
  if (!exists?.found) return { level: 0, lastHash: null };
  const [row] = await queryRows<{ level: number; last_hash: string | null }>(
    db,
    sql`select count(*)::int as level, (select hash from drizzle.__drizzle_migrations order by created_at desc limit 1) as last_hash
        from drizzle.__drizzle_migrations`,
  );
  return { level: row?.level ?? 0, lastHash: row?.last_hash ?? null };
}
