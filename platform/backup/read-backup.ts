import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { BackupHeader, BackupManifest, BackupTableEnd, BackupTableStart } from './backup-format.ts';
import {
  BACKUP_FORMAT,
  BackupFileError,
  BackupHeader as BackupHeaderSchema,
  BackupManifest as BackupManifestSchema,
  BackupTableEnd as BackupTableEndSchema,
  BackupTableStart as BackupTableStartSchema,
  END_MARK,
  HEADER_MARK,
  MANIFEST_MARK,
  TABLE_MARK,
} from './backup-format.ts';

const DAMAGED = 'the file is damaged or was changed';

// Rows handed to onRows at a time, or fewer when they pass this many characters.
const BATCH_ROWS = 1000;
const BATCH_CHARACTERS = 4 * 1024 * 1024;

export interface BackupVisitor {
  /** After the header line, before any table. */
  onHeader?(header: BackupHeader): Promise<void>;
  onTable?(table: BackupTableStart): Promise<void>;
  /** A batch of one table's rows, each the database's JSON text of one row. */
  onRows?(table: string, lines: string[]): Promise<void>;
}

/**
 * Reads a backup from start to end and checks everything the file says about itself: gzip's own
 * checksum, each table's row count and SHA-256, the manifest's totals and the SHA-256 of all lines.
 * Throws a BackupFileError naming the first problem; returns the manifest when the file is whole.
 * The visitor sees each part as it is read (restore writes with it), so a problem found late must
 * undo what the visitor did: restore runs it in a transaction.
 */
export async function scanBackup(file: string, visitor: BackupVisitor = {}): Promise<BackupManifest> {
  const content = createHash('sha256');
  let header: BackupHeader | undefined;
  let current: {
    start: BackupTableStart;
    digest: ReturnType<typeof createHash>;
    rows: number;
    batch: string[];
    characters: number;
  } | null = null;
  const ended: (BackupTableStart & BackupTableEnd)[] = [];
  let manifest: BackupManifest | undefined;
  let lineNumber = 0;

  const flush = async () => {
    if (!current?.batch.length) return;
    const lines = current.batch;
    current.batch = [];
    current.characters = 0;
    await visitor.onRows?.(current.start.name, lines);
  };

  const take = async (line: string) => {
    lineNumber++;
    if (manifest) throw new BackupFileError(`line ${lineNumber} follows the manifest, which must be the last line: ${DAMAGED}`);
    if (line.startsWith(MANIFEST_MARK)) {
      if (current) throw new BackupFileError(`the manifest comes before table ${current.start.name} ended: ${DAMAGED}`);
      manifest = parseMarked(line, MANIFEST_MARK, BackupManifestSchema, lineNumber, 'manifest');
      return;
    }
    content.update(`${line}\n`);
    if (!header) {
      if (!line.startsWith(HEADER_MARK)) throw new BackupFileError('it does not start with "#firebreak-backup": not a Firebreak backup');
      const { format } = parseMarked(line, HEADER_MARK, z.object({ format: z.unknown() }), lineNumber, 'header');
      if (format !== BACKUP_FORMAT)
        throw new BackupFileError(
          `its format is ${String(format)}; this Firebreak reads format ${BACKUP_FORMAT} (use the release that wrote it)`,
        );
      header = parseMarked(line, HEADER_MARK, BackupHeaderSchema, lineNumber, 'header');
      await visitor.onHeader?.(header);
      return;
    }
    if (line.startsWith(TABLE_MARK)) {
      if (current) throw new BackupFileError(`table ${current.start.name} has no end line before the next table: ${DAMAGED}`);
      const start = parseMarked(line, TABLE_MARK, BackupTableStartSchema, lineNumber, 'table line');
      current = { start, digest: createHash('sha256'), rows: 0, batch: [], characters: 0 };
      await visitor.onTable?.(start);
      return;
    }
    if (line.startsWith(END_MARK)) {
      const end = parseMarked(line, END_MARK, BackupTableEndSchema, lineNumber, 'end line');
      if (!current || current.start.name !== end.name)
        throw new BackupFileError(`line ${lineNumber} ends table ${end.name}, which did not start: ${DAMAGED}`);
      await flush();
      const sha256 = current.digest.digest('hex');
      if (current.rows !== end.rows)
        throw new BackupFileError(`table ${end.name} holds ${current.rows} rows where the backup says ${end.rows}: the file was changed`);
      if (sha256 !== end.sha256) throw new BackupFileError(`table ${end.name} does not match its SHA-256 checksum: the file was changed`);
      ended.push({ ...current.start, ...end });
      current = null;
      return;
    }
    if (!current) throw new BackupFileError(`line ${lineNumber} is a row outside any table: ${DAMAGED}`);
    current.digest.update(`${line}\n`);
    current.rows++;
    current.batch.push(line);
    current.characters += line.length;
    if (current.batch.length >= BATCH_ROWS || current.characters >= BATCH_CHARACTERS) await flush();
  };

  await readLines(file, take);

  if (!header) throw new BackupFileError('the file is empty');
  if (!manifest) {
    // Assigned in take(): TypeScript cannot see that from here.
    const unfinished = current as { start: BackupTableStart } | null;
    const where = unfinished ? `inside table ${unfinished.start.name}` : `after ${ended.length} tables`;
    throw new BackupFileError(`it is cut short: it ends ${where}, without the manifest that closes a complete backup`);
  }
  if (manifest.contentSha256 !== content.digest('hex'))
    throw new BackupFileError('its content does not match the SHA-256 in its manifest: the file was changed');
  const listed = manifest.tables.map((table) => `${table.name}:${table.rows}:${table.sha256}`).join(',');
  const found = ended.map((table) => `${table.name}:${table.rows}:${table.sha256}`).join(',');
  if (listed !== found) throw new BackupFileError('its tables differ from those its manifest lists: the file was changed');
  return manifest;
}

function parseMarked<T>(line: string, mark: string, schema: z.ZodType<T>, lineNumber: number, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line.slice(mark.length));
  } catch {
    throw new BackupFileError(`its ${what} at line ${lineNumber} is not valid JSON: ${DAMAGED}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new BackupFileError(
      `its ${what} at line ${lineNumber} is malformed (${parsed.error.issues[0]?.message ?? 'invalid'}): ${DAMAGED}`,
    );
  return parsed.data;
}

/** Calls `take` with each line of the gunzipped file, in order, awaiting it (backpressure). */
async function readLines(file: string, take: (line: string) => Promise<void>): Promise<void> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  gunzip.setEncoding('utf8');
  let carry = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const parts = (carry + chunk).split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) await take(line);
    }
  } catch (error) {
    source.destroy();
    throw describeReadError(file, error);
  }
  if (carry) await take(carry);
}

function describeReadError(file: string, error: unknown): Error {
  if (error instanceof BackupFileError) return error;
  const failure = error as NodeJS.ErrnoException;
  if (failure.code === 'ENOENT') return new BackupFileError(`there is no file ${file}`);
  if (failure.code === 'EISDIR') return new BackupFileError(`${file} is a directory`);
  if (failure.code === 'Z_BUF_ERROR') return new BackupFileError('it is cut short: the compressed data ends early (an incomplete copy?)');
  if (failure.code === 'Z_DATA_ERROR') {
    if (/header check/.test(failure.message)) return new BackupFileError('it is not gzip data: not a Firebreak backup');
    return new BackupFileError(`its compressed data is damaged (${failure.message}): the file was changed or corrupted`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
