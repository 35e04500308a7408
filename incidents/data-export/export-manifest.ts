import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EXPORT_KIND_NAMES } from './export-kinds.ts';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'firebreak-export/1';

const ExportedFileEntry = z.object({
  path: z.string(),
  bytes: z.int().min(0),
  rows: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const KindEntry = z.object({ completedAt: z.iso.datetime(), files: z.array(ExportedFileEntry) });

/** manifest.json: what the export holds, with a SHA-256 per file; written again after each kind completes. */
export const ExportManifest = z.object({
  format: z.literal(FORMAT),
  firebreakVersion: z.string(),
  migration: z.object({ applied: z.int(), latest: z.string().nullable() }),
  startedAt: z.iso.datetime(),
  /** Set once every requested kind is complete. */
  completedAt: z.iso.datetime().nullable(),
  requestedKinds: z.array(z.enum(EXPORT_KIND_NAMES)),
  kinds: z.partialRecord(z.enum(EXPORT_KIND_NAMES), KindEntry),
});
export type ExportManifest = z.infer<typeof ExportManifest>;
export type ExportKindEntry = z.infer<typeof KindEntry>;

export function newManifest(fields: Omit<ExportManifest, 'format' | 'kinds' | 'completedAt'>): ExportManifest {
  return { format: FORMAT, ...fields, completedAt: null, kinds: {} };
}

/** The manifest in DIR, or null when there is none or it is not one (a resumed export then starts over). */
export async function readManifest(directory: string): Promise<ExportManifest | null> {
  const text = await readFile(path.join(directory, MANIFEST_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = ExportManifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Replaces manifest.json in one rename, so that an interruption leaves the old one or the new one, never half. */
export async function saveManifest(directory: string, manifest: ExportManifest): Promise<void> {
  const target = path.join(directory, MANIFEST_FILE);
  await writeFile(`${target}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await rename(`${target}.partial`, target);
}

/** The SHA-256 of the manifest file as written: what a purge statement cites. */
export async function manifestHash(directory: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path.join(directory, MANIFEST_FILE)))
    .digest('hex');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The problems of one kind's files against the manifest: missing, of another size, or another checksum. */
export async function verifyKindFiles(directory: string, entry: ExportKindEntry): Promise<string[]> {
  const problems: string[] = [];
  for (const file of entry.files) {
    const full = path.join(directory, file.path);
    const info = await stat(full).catch(() => null);
    if (!info) problems.push(`${file.path} is missing`);
    else if (info.size !== file.bytes) problems.push(`${file.path} has ${info.size} bytes, the manifest says ${file.bytes}`);
    else if ((await fileSha256(full)) !== file.sha256) problems.push(`${file.path} does not match its SHA-256 in the manifest`);
  }
  return problems;
}

export interface ExportVerification {
  ok: boolean;
  manifest: ExportManifest | null;
  problems: string[];
}

/** Checks a finished export: the manifest is there and complete, and every file matches its size and SHA-256. */
export async function verifyExport(directory: string): Promise<ExportVerification> {
  const manifest = await readManifest(directory);
  if (!manifest) return { ok: false, manifest, problems: [`${MANIFEST_FILE} is missing or is not a Firebreak export manifest`] };
  const problems: string[] = [];
  if (!manifest.completedAt) problems.push('the export is not complete (run the export again to finish it)');
  for (const kind of manifest.requestedKinds) {
    const entry = manifest.kinds[kind];
    if (!entry) problems.push(`kind ${kind} is not complete`);
    else problems.push(...(await verifyKindFiles(directory, entry)));
  }
  return { ok: problems.length === 0, manifest, problems };
}
