import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firebreakCli } from './cli-process.ts';
import { migratedDataDirectory } from './harness/database.ts';

describe('firebreak export, purge and purge verify on the embedded database', () => {
  it('exports, refuses an unknown kind and a wrong organisation, purges after the export, verifies the signed statement', {
    timeout: 240_000,
  }, async () => {
    const dataDirectory = await migratedDataDirectory('firebreak-cli-governance-');
    const out = path.join(dataDirectory, 'final-export');
    const env = { DATA_DIR: dataDirectory, BREACH_ORGANIZATION_NAME: 'Acme Cloud' };

    const exported = await firebreakCli(['export', '--out', out], env);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/^incidents\twritten\t0 records in 4 files$/m);
    expect(exported.stdout).toContain('export complete');
    const again = await firebreakCli(['export', '--out', out, '--kinds', 'incidents,bogus'], env);
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown kind bogus') });

    const wrongName = await firebreakCli(['purge', '--confirm', 'Acme', '--export-dir', out], env);
    expect(wrongName.code).toBe(1);
    expect(wrongName.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongName.stderr).toContain('"Acme Cloud"');

    const purged = await firebreakCli(['purge', '--confirm', 'Acme Cloud', '--export-dir', out], env);
    expect(purged.stderr).toBe('');
    expect(purged.stdout).toMatch(/purged \d+ rows in \d+ tables and 0 backup files/);
    const statement = path.join(out, 'purge-statement.json');
    expect(JSON.parse(await readFile(statement, 'utf8'))).toMatchObject({ organisation: 'Acme Cloud', database: { kind: 'pglite' } });

    expect(await firebreakCli(['purge', 'verify', statement], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('valid') });
    await writeFile(statement, (await readFile(statement, 'utf8')).replace('Acme Cloud', 'Other Org'));
    expect(await firebreakCli(['purge', 'verify', statement], env)).toMatchObject({ code: 1, stdout: expect.stringContaining('INVALID') });
  });
});
