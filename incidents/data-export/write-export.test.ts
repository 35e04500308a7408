import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../../platform/index.ts';
import { describeOnBackends, it, test } from '../../test/harness/fixtures.ts';
import { populateInstall, SUBJECT } from '../../test/harness/populated-install.ts';
import type { ExportKindName } from './export-kinds.ts';
import { EXPORT_KIND_NAMES, EXPORT_TABLES } from './export-kinds.ts';
import { readManifest, verifyExport } from './export-manifest.ts';
import { writeExport } from './write-export.ts';

/** RFC 4180 records of a CSV text; throws on a stray quote, so a badly quoted file fails the test. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '"' && cell === '') {
      const end = text.indexOf('"', index + 1);
      let value = '';
      let at = index + 1;
      let close = end;
      while (text[close + 1] === '"') {
        value += `${text.slice(at, close)}"`;
        at = close + 2;
        close = text.indexOf('"', at);
      }
      value += text.slice(at, close);
      cell = value;
      index = close + 1;
      if (![',', '\r', undefined].includes(text[index])) throw new Error(`stray character after a quoted field at ${index}`);
      continue;
    }
    if (char === '"') throw new Error(`stray quote at ${index}`);
    if (char === ',') {
      record.push(cell);
      cell = '';
      index++;
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      index += 2;
    } else {
      cell += char;
      index++;
    }
  }
  if (cell !== '' || record.length) throw new Error('the last record lacks its CRLF');
  return records;
}

const scratch = () => mkdtemp(path.join(tmpdir(), 'firebreak-export-test-'));

describeOnBackends('data export', () => {
  test.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: 'Acme Cloud', SMTP_URL: 'smtp://127.0.0.1:9' } });

  it('writes every kind in open formats that parse, with counts and checksums that match the database', async ({ firebreak }) => {
    const install = await populateInstall(firebreak);
    const db = firebreak.database.db;
    const out = await scratch();
    const result = await writeExport(db, out, { kinds: EXPORT_KIND_NAMES, batchSize: 2 });
    expect(result.written).toEqual([...EXPORT_KIND_NAMES]);

    const verification = await verifyExport(out);
    expect(verification.problems).toEqual([]);
    const manifest = verification.manifest;
    expect(manifest).toMatchObject({
      format: 'firebreak-export/1',
      completedAt: expect.any(String),
      migration: { applied: expect.any(Number) },
    });

    for (const kind of EXPORT_KIND_NAMES) {
      const entry = manifest?.kinds[kind];
      if (!entry) throw new Error(`kind ${kind} missing from the manifest`);
      for (const spec of EXPORT_TABLES[kind]) {
        const [count] = await queryRows<{ rows: number }>(db, sql`select count(*)::int as rows from ${sql.identifier(spec.table)}`);
        if (spec.table !== 'root_cause_analyses' && spec.table !== 'silences' && spec.table !== 'breach_warnings')
          expect(count?.rows, `${spec.table} has rows to export`).toBeGreaterThan(0);
        const ndjson = entry.files.find((file) => file.path === path.join(kind, `${spec.file}.ndjson`));
        expect(ndjson?.rows, spec.table).toBe(count?.rows);
        const lines = (await readFile(path.join(out, kind, `${spec.file}.ndjson`), 'utf8')).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(count?.rows ?? -1);
        const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        for (const record of records) for (const field of Object.keys(record)) expect(field).toMatch(/^[a-z][A-Za-z0-9]*$/);
        if (spec.csv) {
          const csv = parseCsv(await readFile(path.join(out, kind, `${spec.file}.csv`), 'utf8'));
          expect(csv.length - 1, `${spec.table}.csv`).toBe(count?.rows);
          expect(csv[0]).toEqual(Object.keys(records[0] ?? {}).length ? Object.keys(records[0] ?? {}) : csv[0]);
        }
      }
    }
    expect(manifest?.kinds.reports?.files.map((file) => file.path)).toContain(path.join('reports', `${install.reference}.md`));
    expect(await readFile(path.join(out, 'reports', `${install.reference}.md`), 'utf8')).toContain(`# ${install.reference}`);

    // Times are ISO 8601 UTC; secrets that only serve logging in never leave.
    const incident = JSON.parse((await readFile(path.join(out, 'incidents', 'incidents.ndjson'), 'utf8')).split('\n')[0] ?? '');
    expect(incident.openedAt ?? incident.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const users = await readFile(path.join(out, 'users', 'users.ndjson'), 'utf8');
    expect(users).toContain('"email"');
    for (const secret of ['passwordHash', 'totpSecret', 'password_hash']) expect(users).not.toContain(secret);
    expect(await readFile(path.join(out, 'users', 'api-tokens.ndjson'), 'utf8')).not.toContain('tokenHash');
    expect(await readFile(path.join(out, 'notices', 'notice-recipients.ndjson'), 'utf8')).not.toContain('publicToken');
    const revisions = parseCsv(await readFile(path.join(out, 'notes', 'note-revisions.csv'), 'utf8'));
    expect(revisions.flat()).toContain(`Called ${SUBJECT.name} (${SUBJECT.email}); "quoted", with a comma`);
    expect(await readFile(path.join(out, 'deliveries', 'delivery-records.ndjson'), 'utf8')).toContain(SUBJECT.email);
  });

  it('resumes an interrupted export with the kinds not yet complete, and rewrites a kind whose files no longer match', async ({
    firebreak,
  }) => {
    await populateInstall(firebreak);
    const db = firebreak.database.db;
    const out = await scratch();
    const stop = new AbortController();
    const first: ExportKindName[] = [];
    await expect(
      writeExport(db, out, {
        kinds: EXPORT_KIND_NAMES,
        signal: stop.signal,
        onKind: ({ kind }) => {
          first.push(kind);
          if (first.length === 3) stop.abort(new Error('interrupted'));
        },
      }),
    ).rejects.toThrow('interrupted');
    const partial = await readManifest(out);
    expect(partial?.completedAt).toBeNull();
    expect(Object.keys(partial?.kinds ?? {})).toEqual(first);
    expect((await verifyExport(out)).ok).toBe(false);

    // The second kind's file is changed behind the manifest's back: it is written again, not trusted.
    const [, damaged] = first;
    const damagedFile = partial?.kinds[damaged ?? 'timelines']?.files[0]?.path ?? '';
    await writeFile(path.join(out, damagedFile), '{"tampered":true}\n');

    const resumed = await writeExport(db, out, { kinds: EXPORT_KIND_NAMES });
    expect(resumed.kept).toEqual(first.filter((kind) => kind !== damaged));
    expect(resumed.written).toEqual(EXPORT_KIND_NAMES.filter((kind) => !resumed.kept.includes(kind)));
    expect(resumed.manifest.startedAt).toBe(partial?.startedAt);
    expect((await verifyExport(out)).problems).toEqual([]);
    expect(await readFile(path.join(out, damagedFile), 'utf8')).not.toContain('tampered');
  });

  it('streams GET /api/export as a tar for admins only, and refuses unknown kinds', async ({ firebreak }) => {
    await populateInstall(firebreak);
    const answer = await firebreak.request('GET', '/api/export?kinds=incidents,users');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-tar');
    const tar = Buffer.from(await answer.arrayBuffer());
    const names: string[] = [];
    for (let offset = 0; offset + 512 <= tar.length; ) {
      const name = tar
        .subarray(offset, offset + 100)
        .toString('utf8')
        .replace(/\0.*$/s, '');
      if (!name) break;
      const size = Number.parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8'), 8);
      names.push(name);
      if (name === 'manifest.json') {
        const manifest = JSON.parse(tar.subarray(offset + 512, offset + 512 + size).toString('utf8'));
        expect(manifest.requestedKinds).toEqual(['incidents', 'users']);
        expect(manifest.completedAt).toEqual(expect.any(String));
      }
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual([
      'incidents/incidents.ndjson',
      'incidents/incidents.csv',
      'incidents/incident-roles.ndjson',
      'incidents/incident-roles.csv',
      'users/users.ndjson',
      'users/users.csv',
      'users/api-tokens.ndjson',
      'users/api-tokens.csv',
      'manifest.json',
    ]);
    const one = await firebreak.request('GET', '/api/export/alerts');
    expect(one.status).toBe(200);
    expect(Buffer.from(await one.arrayBuffer()).toString('latin1')).toContain('alerts/alerts.ndjson');

    const unknown = await firebreak.request('GET', '/api/export?kinds=incidents,secrets');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('secrets');
    expect((await firebreak.request('GET', '/api/export/secrets')).status).toBe(400);
    expect((await firebreak.request('GET', '/api/export', { token: null })).status).toBe(401);
    const commander = await firebreak.tokenFor('commander');
    expect((await firebreak.request('GET', '/api/export', { token: commander })).status).toBe(403);
  });
});
