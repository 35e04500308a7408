import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../../platform/index.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it, test } from '../../test/harness/fixtures.ts';
import { populateInstall } from '../../test/harness/populated-install.ts';
import { EXPORT_KIND_NAMES, writeExport } from '../data-export/index.ts';
import { purgeInstall } from './purge-install.ts';
import { checkPurgeStatement, statementFiles } from './purge-statement.ts';

const ORGANISATION = 'Acme Cloud';

async function tableCounts(firebreak: TestFirebreak): Promise<Record<string, number>> {
  const tables = await queryRows<{ tablename: string }>(
    firebreak.database.db,
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = await queryRows<{ rows: number }>(
      firebreak.database.db,
      sql`select count(*)::int as rows from ${sql.identifier(tablename)}`,
    );
    counts[tablename] = Number(row?.rows);
  }
  return counts;
}

async function finalExport(firebreak: TestFirebreak): Promise<string> {
  // Rows written in the same millisecond as the export's start would count as written after it.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-final-export-'));
  await writeExport(firebreak.database.db, directory, { kinds: EXPORT_KIND_NAMES });
  return directory;
}

describeOnBackends('purge at contract end', () => {
  test.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: ORGANISATION, SMTP_URL: 'smtp://127.0.0.1:9' } });

  it('empties every table and deletes every backup after a verified final export, with a statement whose signature verifies', async ({
    firebreak,
  }) => {
    await populateInstall(firebreak);
    const backups = firebreak.config.backupDirectory;
    await mkdir(path.join(backups, 'hourly'), { recursive: true });
    await writeFile(path.join(backups, 'firebreak-2026-12-01.tar.gz'), 'backup one');
    await writeFile(path.join(backups, 'hourly', 'firebreak-2026-12-05T01.tar.gz'), 'backup two');
    const before = await tableCounts(firebreak);
    const exportDirectory = await finalExport(firebreak);

    const { statement, file } = await purgeInstall(firebreak.database, firebreak.config, {
      confirm: ORGANISATION,
      exportDirectory,
      purgedBy: 'cli:test@host',
    });

    const after = await tableCounts(firebreak);
    expect(Object.keys(after).length).toBeGreaterThan(25);
    expect(Object.entries(after).filter(([, rows]) => rows > 0)).toEqual([]);
    expect(
      await readdir(backups, { recursive: true, withFileTypes: true }).then((entries) => entries.filter((entry) => entry.isFile())),
    ).toEqual([]);
    expect(statement.database.tables).toEqual(
      Object.entries(before)
        .map(([table, rows]) => ({ table, rows }))
        .sort((a, b) => a.table.localeCompare(b.table)),
    );
    expect(statement.database.rowsDeleted).toBeGreaterThan(20);
    expect(statement.backups.files).toEqual([
      { name: 'firebreak-2026-12-01.tar.gz', bytes: 10 },
      { name: path.join('hourly', 'firebreak-2026-12-05T01.tar.gz'), bytes: 10 },
    ]);
    expect(statement).toMatchObject({ organisation: ORGANISATION, purgedBy: 'cli:test@host', export: { directory: exportDirectory } });
    expect(statement.export.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(statement);

    // The append-only guards are back: the audit trail refuses a truncate again.
    await expect(firebreak.database.db.execute(sql`truncate table audit_entries`)).rejects.toThrow();

    const files = statementFiles(file);
    expect(await checkPurgeStatement(file, firebreak.config)).toMatchObject({ ok: true });
    expect(await checkPurgeStatement(file, firebreak.config, files.publicKey)).toMatchObject({ ok: true });
    // openssl, knowing nothing of Firebreak, agrees.
    const openssl = await promisify(execFile)('openssl', [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      files.publicKey,
      '-rawin',
      '-in',
      file,
      '-sigfile',
      files.signature,
    ]);
    expect(openssl.stdout).toContain('Signature Verified Successfully');

    const edited = (await readFile(file, 'utf8')).replace(`"rowsDeleted": ${statement.database.rowsDeleted}`, '"rowsDeleted": 1');
    await writeFile(file, edited);
    expect(await checkPurgeStatement(file, firebreak.config)).toMatchObject({ ok: false });
  });

  it('refuses without the organisation name, without a complete export, or with an export older than the last write', async ({
    firebreak,
  }) => {
    const install = await populateInstall(firebreak);
    const purge = (confirm: string, exportDirectory: string) =>
      purgeInstall(firebreak.database, firebreak.config, { confirm, exportDirectory, purgedBy: 'test' });
    const exportDirectory = await finalExport(firebreak);

    await expect(purge('Acme', exportDirectory)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('Acme Cloud'),
    });
    const empty = await mkdtemp(path.join(tmpdir(), 'firebreak-no-export-'));
    await expect(purge(ORGANISATION, empty)).rejects.toMatchObject({ code: 'export_required' });
    const partial = await mkdtemp(path.join(tmpdir(), 'firebreak-partial-export-'));
    await writeExport(firebreak.database.db, partial, { kinds: ['incidents'] });
    await expect(purge(ORGANISATION, partial)).rejects.toMatchObject({
      code: 'export_required',
      message: expect.stringContaining('timelines'),
    });

    await firebreak.request('POST', `/api/incidents/${install.reference}/notes`, {
      token: install.drafter,
      json: { text: 'after the export' },
    });
    await expect(purge(ORGANISATION, exportDirectory)).rejects.toMatchObject({ code: 'export_required' });
    expect((await tableCounts(firebreak)).incidents).toBe(1);
  });
});
