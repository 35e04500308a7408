import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { populateInstall } from '../../test/harness/populated-install.ts';
import { exportFromServer, ServerExportError } from './export-from-server.ts';
import { EXPORT_KIND_NAMES } from './export-kinds.ts';
import { readManifest, verifyExport } from './export-manifest.ts';
import { writeExport } from './write-export.ts';

const scratch = () => mkdtemp(path.join(tmpdir(), 'firebreak-export-server-'));

describeOnBackends('export through a running server', () => {
  it.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: 'Acme Cloud', SMTP_URL: 'smtp://127.0.0.1:9' } });

  it('writes the files the direct export writes, verifies, resumes by kind, and names a refused token', async ({ server }) => {
    await populateInstall(server.firebreak);
    const address = { url: `http://127.0.0.1:${server.port}`, token: TEST_ADMIN_TOKEN };
    const through = await scratch();
    const outcomes: string[] = [];
    const result = await exportFromServer(address, through, {
      kinds: EXPORT_KIND_NAMES,
      onKind: ({ kind, outcome }) => outcomes.push(`${kind}:${outcome}`),
    });
    expect(outcomes).toEqual(EXPORT_KIND_NAMES.map((kind) => `${kind}:written`));
    expect(result.written).toEqual([...EXPORT_KIND_NAMES]);
    const verified = await verifyExport(through);
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);

    // The same files, byte for byte, as the export written straight from the database. Not the
    // deliveries: the server's outbox worker goes on retrying the unreachable SMTP server in between;
    // and the reports say when they were made: the same files with the same records.
    const direct = await scratch();
    await writeExport(server.firebreak.database.db, direct, { kinds: EXPORT_KIND_NAMES });
    const [mine, theirs] = await Promise.all([readManifest(through), readManifest(direct)]);
    for (const kind of EXPORT_KIND_NAMES) {
      const same = kind !== 'deliveries' && kind !== 'reports';
      const listed = (manifest: typeof mine) =>
        manifest?.kinds[kind]?.files.map((file) => [file.path, file.rows, ...(same ? [file.sha256] : [])]);
      expect(listed(mine), kind).toEqual(listed(theirs));
    }
    expect(mine?.kinds.incidents?.files.find((file) => file.path.endsWith('.ndjson'))?.rows).toBeGreaterThan(0);

    // A damaged file: its kind is downloaded again, the others are kept.
    const notes = path.join(through, 'notes', 'notes.ndjson');
    await writeFile(notes, `${await readFile(notes, 'utf8')}{"tampered":true}\n`);
    const resumed = await exportFromServer(address, through, { kinds: EXPORT_KIND_NAMES });
    expect(resumed.written).toEqual(['notes']);
    expect(resumed.kept).toEqual(EXPORT_KIND_NAMES.filter((kind) => kind !== 'notes'));
    expect((await verifyExport(through)).ok).toBe(true);

    const viewer = await server.firebreak.tokenFor('viewer');
    const refused = await exportFromServer({ ...address, token: viewer }, await scratch(), { kinds: ['incidents'] }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ServerExportError);
    expect((refused as Error).message).toMatch(/refused the export of incidents: .*FIREBREAK_TOKEN/);
  });
});
