import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../../platform/index.ts';
import type { ExportKindName } from './export-kinds.ts';
import { MANIFEST_FILE } from './export-manifest.ts';
import { TAR_END, tarFile } from './tar-entries.ts';
import { exportKinds } from './write-export.ts';

/**
 * The export as one tar archive, streamed while it is made: each kind is written to a scratch
 * directory, sent, and removed before the next, so neither memory nor disk holds more than one kind;
 * manifest.json comes last, once every kind is in.
 */
export async function* streamExportArchive(db: Database, kinds: readonly ExportKindName[]): AsyncGenerator<Uint8Array> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'firebreak-export-'));
  try {
    const run = exportKinds(db, scratch, { kinds });
    for (;;) {
      const step = await run.next();
      if (step.done) break;
      for (const file of step.value.files) yield* tarFile(scratch, file.path);
      await rm(path.join(scratch, step.value.kind), { recursive: true, force: true });
    }
    yield* tarFile(scratch, MANIFEST_FILE);
    yield TAR_END;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
