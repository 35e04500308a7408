import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import type { ExportTable } from './export-kinds.ts';

export interface ExportColumn {
  /** The column's name in the database (snake_case). */
  column: string;
  /** Its name in the export (camelCase, as the API answers). */
  field: string;
  timestamp: boolean;
}

const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** The table's columns in their order, less those the export leaves out. */
export async function exportColumns(db: Database, spec: ExportTable): Promise<ExportColumn[]> {
  const rows = await queryRows<{ column_name: string; data_type: string }>(
    db,
    sql`select column_name, data_type from information_schema.columns
        where table_schema = 'public' and table_name = ${spec.table} order by ordinal_position`,
  );
  const omit = new Set(spec.omit ?? []);
  return rows
    .filter((row) => !omit.has(row.column_name))
    .map((row) => ({ column: row.column_name, field: camelCase(row.column_name), timestamp: row.data_type.startsWith('timestamp') }));
}

/**
 * The table's rows in key order, a batch at a time: each batch is one query after the last key of
 * the one before, so memory holds one batch whatever the table's size. Values are JSON as Postgres
 * renders them (to_jsonb), with times as ISO 8601 UTC, so both backends give the same bytes.
 */
export async function* readTableBatches(
  db: Database,
  spec: ExportTable,
  columns: readonly ExportColumn[],
  batchSize: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const table = sql.identifier(spec.table);
  const key = sql.identifier(spec.key);
  let after: string | null = null;
  for (;;) {
    const rows: { row: string; key: string }[] = await queryRows<{ row: string; key: string }>(
      db,
      sql`select to_jsonb(t)::text as row, t.${key}::text as key from ${table} t
          ${after === null ? sql`` : sql`where t.${key} > ${after}`}
          order by t.${key} limit ${batchSize}`,
    );
    if (!rows.length) return;
    yield rows.map(({ row }) => {
      const stored = JSON.parse(row) as Record<string, unknown>;
      const record: Record<string, unknown> = {};
      for (const { column, field, timestamp } of columns) {
        const value = stored[column] ?? null;
        record[field] = timestamp && typeof value === 'string' ? new Date(value).toISOString() : value;
      }
      return record;
    });
    after = rows[rows.length - 1]?.key ?? null;
    if (rows.length < batchSize) return;
  }
}
