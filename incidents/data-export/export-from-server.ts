import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ExportKindName } from './export-kinds.ts';
import type { ExportManifest } from './export-manifest.ts';
import {
  ExportManifest as ExportManifestSchema,
  MANIFEST_FILE,
  newManifest,
  readManifest,
  saveManifest,
  verifyKindFiles,
} from './export-manifest.ts';
import { readTar } from './read-tar.ts';
import type { ExportResult, KindDone } from './write-export.ts';

/** The server that holds the embedded database, and an admin token for it. */
export interface ServerAddress {
  url: string;
  token: string;
}

/** The running server refused or could not be reached; the message says what to do. */
export class ServerExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerExportError';
  }
}

/**
 * The export into DIR through a running server, for an embedded database that a server holds (one
 * process only): the same files and manifest.json as writeExport, each kind downloaded from
 * `GET /api/export/{kind}` (a tar with the kind's files and a manifest of its own), unpacked as it
 * arrives, and checked against that manifest before the kind is listed in DIR's. Resumable the same
 * way: a kind that DIR's manifest lists and whose files still match is kept.
 */
export async function exportFromServer(
  server: ServerAddress,
  directory: string,
  options: { kinds: readonly ExportKindName[]; onKind?: (done: KindDone) => void; now?: () => Date },
): Promise<ExportResult> {
  const now = options.now ?? (() => new Date());
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const previous = await readManifest(directory);
  let manifest: ExportManifest | null = previous ? { ...previous, kinds: {}, completedAt: null, requestedKinds: [...options.kinds] } : null;
  const written: ExportKindName[] = [];
  const kept: ExportKindName[] = [];
  for (const kind of options.kinds) {
    const earlier = previous?.kinds[kind];
    if (manifest && earlier && (await verifyKindFiles(directory, earlier)).length === 0) {
      manifest.kinds[kind] = earlier;
      kept.push(kind);
      options.onKind?.({ kind, outcome: 'kept', files: earlier.files, manifest });
      continue;
    }
    const downloaded = await downloadKind(server, directory, kind);
    const entry = downloaded.kinds[kind];
    if (!entry) throw new ServerExportError(`The server's export of ${kind} lists no ${kind} in its manifest.`);
    manifest ??= newManifest({
      firebreakVersion: downloaded.firebreakVersion,
      migration: downloaded.migration,
      startedAt: downloaded.startedAt,
      requestedKinds: [...options.kinds],
    });
    manifest.kinds[kind] = entry;
    await saveManifest(directory, manifest);
    written.push(kind);
    options.onKind?.({ kind, outcome: 'written', files: entry.files, manifest });
  }
  manifest ??= newManifest({
    firebreakVersion: 'unknown',
    migration: { applied: 0, latest: null },
    startedAt: now().toISOString(),
    requestedKinds: [],
  });
  manifest.completedAt = now().toISOString();
  await saveManifest(directory, manifest);
  return { directory, manifest, written, kept };
}

/** Downloads one kind into DIR (its earlier files removed first) and checks every file against the kind's manifest. */
async function downloadKind(server: ServerAddress, directory: string, kind: ExportKindName): Promise<ExportManifest> {
  const response = await fetch(`${server.url}/api/export/${kind}`, { headers: { authorization: `Bearer ${server.token}` } }).catch(
    (error: Error) => {
      throw new ServerExportError(`Could not reach the Firebreak server at ${server.url} (${error.message}).`);
    },
  );
  if (!response.ok || !response.body) {
    const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    const hint = response.status === 401 || response.status === 403 ? ' Give an admin API token in FIREBREAK_TOKEN.' : '';
    throw new ServerExportError(
      `The Firebreak server at ${server.url} refused the export of ${kind}: ${answer?.error?.message ?? `HTTP ${response.status}`}.${hint}`,
    );
  }
  await rm(path.join(directory, kind), { recursive: true, force: true });
  await mkdir(path.join(directory, kind), { recursive: true, mode: 0o700 });
  try {
    return await unpackKind(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), directory, kind);
  } catch (error) {
    if (error instanceof ServerExportError) throw error;
    throw new ServerExportError(
      `The download of ${kind} from ${server.url} failed: ${(error as Error).message}. Run the export again to resume.`,
    );
  }
}

async function unpackKind(body: AsyncIterable<Uint8Array>, directory: string, kind: ExportKindName): Promise<ExportManifest> {
  let manifest: ExportManifest | null = null;
  const root = path.resolve(directory);
  for await (const entry of readTar(body)) {
    if (entry.path === MANIFEST_FILE) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry.content) chunks.push(chunk);
      const parsed = ExportManifestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (!parsed.success) throw new ServerExportError(`The server's export of ${kind} has a manifest this Firebreak cannot read.`);
      manifest = parsed.data;
      continue;
    }
    // Only the kind's own folder: a name that would land elsewhere is refused.
    const target = path.resolve(root, entry.path);
    if (!target.startsWith(path.join(root, kind) + path.sep))
      throw new ServerExportError(`The server's export of ${kind} holds ${entry.path}, outside ${kind}/.`);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await pipeline(entry.content, createWriteStream(target, { mode: 0o600 }));
  }
  const entry = manifest?.kinds[kind];
  if (!manifest || !entry)
    throw new ServerExportError(`The server's export of ${kind} ended without its manifest: the download was cut short.`);
  const problems = await verifyKindFiles(directory, entry);
  if (problems.length) throw new ServerExportError(`The download of ${kind} does not match its manifest: ${problems.join('; ')}.`);
  return manifest;
}
