import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * PGlite's files belong to one process: two writers corrupt them. The server holds this lock while it
 * runs, and CLI commands that open the embedded database refuse to while another process holds it.
 */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly pid: number,
    dataDirectory: string,
  ) {
    super(
      `The embedded database in ${dataDirectory} is in use by Firebreak process ${pid}. ` +
        'Stop that server first, use its HTTP API instead (for example POST /api/tokens), ' +
        'or run both against a Postgres server with DATABASE_URL.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

function lockPath(dataDirectory: string): string {
  return path.join(dataDirectory, 'firebreak.pid');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock for this process; a lock left by a dead process is taken over. Returns the release. */
export async function lockEmbeddedDatabase(dataDirectory: string): Promise<() => Promise<void>> {
  await mkdir(dataDirectory, { recursive: true });
  const file = lockPath(dataDirectory);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new EmbeddedDatabaseBusyError(holder, dataDirectory);
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dataDirectory}.`);
}
