import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../database/index.ts';
import { openDatabase, queryRows } from '../database/index.ts';
import type { RestoreResult } from './restore-backup.ts';
import { restoreBackup } from './restore-backup.ts';
import { writeBackup } from './write-backup.ts';

export interface MoveResult {
  file: string;
  restore: RestoreResult;
  /** Tables whose row count in Postgres differs from the embedded database's (none after a good move). */
  mismatches: { name: string; embedded: number; postgres: number }[];
}

/**
 * Copies the embedded database (open in `source`, held by this process: nothing writes to it any
 * more) into the empty Postgres database at `url`: a backup into BACKUP_DIR (kept as the copy of
 * what was moved), restored there, then every table counted on both sides and the audit chain
 * verified in Postgres with this configuration's keys.
 */
export async function moveToPostgres(
  source: DatabaseHandle,
  url: string,
  config: Pick<Config, 'backupDirectory' | 'dataDirectory' | 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS'>,
  log: (line: string) => void = () => undefined,
  now: Date = new Date(),
): Promise<MoveResult> {
  const file = path.join(config.backupDirectory, `firebreak-backup-${now.toISOString().replaceAll(':', '-')}-move.gz`);
  const written = await writeBackup(source, file, now);
  log(`backup of the embedded database written to ${file}`);
  const target = await openDatabase({ url, poolSize: 2 });
  try {
    const restore = await restoreBackup(target, file, config, { log });
    const mismatches: MoveResult['mismatches'] = [];
    for (const table of written.manifest.tables) {
      const [embedded, postgres] = await Promise.all(
        [source, target].map(async (handle) => {
          const [row] = await queryRows<{ rows: number }>(handle.db, sql`select count(*)::int as rows from ${sql.identifier(table.name)}`);
          return row?.rows ?? 0;
        }),
      );
      if (embedded !== postgres) mismatches.push({ name: table.name, embedded: embedded ?? 0, postgres: postgres ?? 0 });
    }
    return { file, restore, mismatches };
  } finally {
    await target.close();
  }
}
