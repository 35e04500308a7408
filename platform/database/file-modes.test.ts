import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';

async function modesUnder(root: string): Promise<{ file: string; mode: number }[]> {
  const found: { file: string; mode: number }[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    found.push({ file: path.relative(root, file), mode: (await stat(file)).mode & 0o777 });
  }
  return found;
}

describe('embedded database files (M7)', () => {
  it('are readable by the service user only: DATA_DIR 0700, files 0600, even when DATA_DIR existed', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'firebreak-modes-'));
    try {
      const handle = await openDatabase({ dataDirectory: dataDir });
      await handle.db.execute(sql`create table t (x text)`);
      await handle.db.execute(sql`insert into t values ('secret')`);
      await handle.close();
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const open = (await modesUnder(dataDir)).filter(({ mode }) => (mode & 0o077) !== 0);
      expect(open.slice(0, 5)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
