import { sql } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { queryRows } from '../database/index.ts';

/** Who a data-subject request is about, and the tombstone that replaces them, e.g. "[erased 2026-12-05 #E3]". */
export interface ErasureSubject {
  /** Literal identifiers (an e-mail, a name), matched case-insensitively as whole words. */
  identifiers: readonly string[];
  tombstone: string;
  /** Only find and count; change nothing. */
  dryRun: boolean;
}

/** Where a table may name a person: text columns, and JSON columns whose string values may. */
export interface ErasableTable {
  table: string;
  /** The primary key column, reported as the changed rows' ids. */
  key: string;
  text: readonly string[];
  json?: readonly string[];
}

/** One table's share of an erasure: how many rows named the person, and which. */
export interface ErasureChange {
  table: string;
  count: number;
  ids: string[];
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression of the identifiers as whole words (not "Ana" inside "Banana"). */
export function subjectPattern(identifiers: readonly string[]): RegExp {
  const alternatives = [...identifiers].sort((a, b) => b.length - a.length).map(escape);
  return new RegExp(`(?<![\\p{L}\\p{N}_.@-])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])`, 'giu');
}

function redactValue(value: unknown, pattern: RegExp, tombstone: string): unknown {
  if (typeof value === 'string') return value.replace(pattern, tombstone);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, pattern, tombstone));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, pattern, tombstone)]));
  return value;
}

/**
 * Replaces every mention of the subject in the table's columns with the tombstone, row by row, so
 * that rows keep their ids, order and every other value. Called by the part that owns the table,
 * inside the erasure's transaction. The SQL finds candidates (ILIKE); the whole-word pattern decides.
 */
export async function eraseSubjectIn(tx: Database, spec: ErasableTable, subject: ErasureSubject): Promise<ErasureChange> {
  const pattern = subjectPattern(subject.identifiers);
  const columns = [...spec.text, ...(spec.json ?? [])];
  const mentions = sql.join(
    columns.flatMap((column) =>
      subject.identifiers.map((identifier) => sql`${sql.identifier(column)}::text ilike ${`%${identifier.replace(/[\\%_]/g, '\\$&')}%`}`),
    ),
    sql` or `,
  );
  const selected = sql.join(
    [
      sql`${sql.identifier(spec.key)}::text as "key"`,
      ...spec.text.map((column) => sql`${sql.identifier(column)} as ${sql.identifier(column)}`),
      ...(spec.json ?? []).map((column) => sql`${sql.identifier(column)}::text as ${sql.identifier(column)}`),
    ],
    sql`, `,
  );
  const rows = await queryRows<Record<string, string | null>>(
    tx,
    sql`select ${selected} from ${sql.identifier(spec.table)} where ${mentions} order by ${sql.identifier(spec.key)}`,
  );
  const ids: string[] = [];
  for (const row of rows) {
    const changes: Record<string, string> = {};
    for (const column of spec.text) {
      const value = row[column];
      if (typeof value === 'string' && value.replace(pattern, subject.tombstone) !== value)
        changes[column] = value.replace(pattern, subject.tombstone);
    }
    for (const column of spec.json ?? []) {
      const value = row[column];
      if (typeof value !== 'string') continue;
      const redacted = JSON.stringify(redactValue(JSON.parse(value), pattern, subject.tombstone));
      if (redacted !== JSON.stringify(JSON.parse(value))) changes[column] = redacted;
    }
    const changed = Object.keys(changes);
    if (!changed.length) continue;
    ids.push(String(row.key));
    if (subject.dryRun) continue;
    const assignments = sql.join(
      changed.map((column) =>
        spec.json?.includes(column)
          ? sql`${sql.identifier(column)} = ${changes[column]}::jsonb`
          : sql`${sql.identifier(column)} = ${changes[column]}`,
      ),
      sql`, `,
    );
    await tx.execute(
      sql`update ${sql.identifier(spec.table)} set ${assignments} where ${sql.identifier(spec.key)}::text = ${String(row.key)}`,
    );
  }
  return { table: spec.table, count: ids.length, ids };
}
