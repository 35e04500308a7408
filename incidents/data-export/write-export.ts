import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { csvLine, FIREBREAK_VERSION, migrationStatus, queryRows } from '../../platform/index.ts';
import { buildIncidentReport, renderReportMarkdown } from '../reports/index.ts';
import type { ExportedFile } from './export-file.ts';
import { ExportFileWriter } from './export-file.ts';
import type { ExportKindName, ExportTable } from './export-kinds.ts';
import { EXPORT_TABLES } from './export-kinds.ts';
import type { ExportManifest } from './export-manifest.ts';
import { newManifest, readManifest, saveManifest, verifyKindFiles } from './export-manifest.ts';
import { exportColumns, readTableBatches } from './read-table.ts';

export interface ExportOptions {
  kinds: readonly ExportKindName[];
  /** Rows per query; memory holds about one batch of one table. */
  batchSize?: number;
  /** Stops between batches (the export stays resumable). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** One kind done: written now, or kept from an interrupted run because its files still match the manifest. */
export interface KindDone {
  kind: ExportKindName;
  outcome: 'written' | 'kept';
  files: readonly ExportedFile[];
  manifest: ExportManifest;
}

export interface ExportResult {
  directory: string;
  manifest: ExportManifest;
  written: ExportKindName[];
  kept: ExportKindName[];
}

/**
 * Writes the kinds into DIR one after another, yielding after each: NDJSON per table, CSV for flat
 * ones, a Markdown report per incident, and manifest.json, rewritten after each kind and marked
 * complete after the last. Run again on the same DIR after an interruption, it keeps each kind the
 * manifest lists as complete whose files still match their checksums, and writes the rest.
 */
export async function* exportKinds(db: Database, directory: string, options: ExportOptions): AsyncGenerator<KindDone, ExportManifest> {
  const now = options.now ?? (() => new Date());
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const previous = await readManifest(directory);
  const migration = await migrationStatus({ db });
  const manifest: ExportManifest = newManifest({
    firebreakVersion: FIREBREAK_VERSION,
    migration: { applied: migration.applied, latest: migration.latest },
    startedAt: previous?.startedAt ?? now().toISOString(),
    requestedKinds: [...options.kinds],
  });
  for (const kind of options.kinds) {
    const earlier = previous?.kinds[kind];
    if (earlier && (await verifyKindFiles(directory, earlier)).length === 0) {
      manifest.kinds[kind] = earlier;
      yield { kind, outcome: 'kept', files: earlier.files, manifest };
      continue;
    }
    options.signal?.throwIfAborted();
    const files = await writeKind(db, directory, kind, options.batchSize ?? 1000, options.signal);
    manifest.kinds[kind] = { completedAt: now().toISOString(), files };
    await saveManifest(directory, manifest);
    yield { kind, outcome: 'written', files, manifest };
  }
  manifest.completedAt = now().toISOString();
  await saveManifest(directory, manifest);
  return manifest;
}

/** Runs the whole export into DIR (see exportKinds), telling onKind after each kind. */
export async function writeExport(
  db: Database,
  directory: string,
  options: ExportOptions & { onKind?: (done: KindDone) => void },
): Promise<ExportResult> {
  const written: ExportKindName[] = [];
  const kept: ExportKindName[] = [];
  const run = exportKinds(db, directory, options);
  for (;;) {
    const step = await run.next();
    if (step.done) return { directory, manifest: step.value, written, kept };
    (step.value.outcome === 'written' ? written : kept).push(step.value.kind);
    options.onKind?.(step.value);
  }
}

async function writeKind(
  db: Database,
  directory: string,
  kind: ExportKindName,
  batchSize: number,
  signal: AbortSignal | undefined,
): Promise<ExportedFile[]> {
  // A kind interrupted half-way is written again from the start.
  await rm(path.join(directory, kind), { recursive: true, force: true });
  await mkdir(path.join(directory, kind), { recursive: true, mode: 0o700 });
  if (kind === 'reports') return writeReports(db, directory, batchSize, signal);
  const files: ExportedFile[] = [];
  for (const spec of EXPORT_TABLES[kind]) files.push(...(await writeTable(db, directory, kind, spec, batchSize, signal)));
  return files;
}

async function writeTable(
  db: Database,
  directory: string,
  kind: ExportKindName,
  spec: ExportTable,
  batchSize: number,
  signal: AbortSignal | undefined,
): Promise<ExportedFile[]> {
  const columns = await exportColumns(db, spec);
  const ndjson = new ExportFileWriter(directory, path.join(kind, `${spec.file}.ndjson`));
  const csv = spec.csv ? new ExportFileWriter(directory, path.join(kind, `${spec.file}.csv`)) : null;
  try {
    await csv?.write(csvLine(columns.map((column) => column.field)));
    for await (const batch of readTableBatches(db, spec, columns, batchSize)) {
      signal?.throwIfAborted();
      await ndjson.write(batch.map((record) => `${JSON.stringify(record)}\n`).join(''));
      ndjson.rows += batch.length;
      if (csv) {
        await csv.write(batch.map((record) => csvLine(columns.map((column) => record[column.field]))).join(''));
        csv.rows += batch.length;
      }
    }
  } catch (error) {
    ndjson.abandon();
    csv?.abandon();
    throw error;
  }
  const written = [await ndjson.close()];
  if (csv) written.push(await csv.close());
  return written;
}

/** reports/INC-<n>.md for every incident: the same Markdown report the incident page downloads. */
async function writeReports(db: Database, directory: string, batchSize: number, signal: AbortSignal | undefined): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  let after = 0;
  for (;;) {
    const batch = await queryRows<{ id: string; number: number }>(
      db,
      sql`select id, number from incidents where number > ${after} order by number limit ${batchSize}`,
    );
    for (const incident of batch) {
      signal?.throwIfAborted();
      const report = await buildIncidentReport(db, incident.id);
      const writer = new ExportFileWriter(directory, path.join('reports', `${report.reference}.md`));
      await writer.write(renderReportMarkdown(report));
      writer.rows = 1;
      files.push(await writer.close());
    }
    const last = batch[batch.length - 1];
    if (!last || batch.length < batchSize) return files;
    after = Number(last.number);
  }
}
