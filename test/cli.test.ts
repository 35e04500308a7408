import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig, lockEmbeddedDatabase, openDatabase } from '../platform/index.ts';
import { createFirebreak } from '../server.ts';
import { createEmptyPostgresDatabase, databaseBackends } from './harness/database.ts';

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, '..', 'bin', 'firebreak.js');

async function firebreakCli(args: string[], env: Record<string, string>) {
  const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: cleanEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.runIf(databaseBackends.includes('postgres'))('firebreak CLI with DATABASE_URL', () => {
  it('creates a token (alone on the last line) that the server accepts for its role only, lists and revokes it', async () => {
    const database = await createEmptyPostgresDatabase();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-cli-'));
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDirectory };
    try {
      const created = await firebreakCli(['token', 'create', '--name', 't', '--role', 'ingest'], env);
      expect(created.code).toBe(0);
      const token = created.stdout.trim().split('\n').at(-1) ?? '';
      expect(token).toMatch(/^fbk_[A-Za-z0-9_-]{43}$/);

      const firebreak = await createFirebreak(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
      try {
        const me = await firebreak.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
        expect(((await me.json()) as { role: string }).role).toBe('ingest');
        const elsewhere = await firebreak.app.request('/api/incidents', { headers: { authorization: `Bearer ${token}` } });
        expect(elsewhere.status).toBe(403);

        const listed = await firebreakCli(['token', 'list'], env);
        expect(listed.stdout).toMatch(/\tt\tingest\t.*\tlive/);
        expect(listed.stdout).not.toContain(token);
        expect((await firebreakCli(['token', 'revoke', 't'], env)).code).toBe(0);
        const revoked = await firebreak.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
        expect(revoked.status).toBe(401);

        const verify = await firebreakCli(['audit', 'verify'], env);
        expect(verify.code).toBe(0);
        expect(verify.stdout).toMatch(/audit chain intact: \d+ entries/);
      } finally {
        await firebreak.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('firebreak CLI with the embedded database', () => {
  it('refuses to open the embedded database while a server holds it, naming the way out', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-cli-'));
    const release = await lockEmbeddedDatabase(dataDirectory);
    try {
      // The lock belongs to this (live) test process, so the CLI must refuse.
      const refused = await firebreakCli(['token', 'create', '--name', 't', '--role', 'viewer'], { DATA_DIR: dataDirectory });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/in use by Firebreak process \d+/);
      expect(refused.stderr).toMatch(/POST \/api\/tokens/);
    } finally {
      await release();
    }
    const created = await firebreakCli(['token', 'create', '--name', 't', '--role', 'viewer'], { DATA_DIR: dataDirectory });
    expect(created.code).toBe(0);
  });

  it('writes the first admin token to DATA_DIR/initial-admin-token with mode 0600', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-first-'));
    const config = loadConfig({ DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' });
    const database = await openDatabase({});
    const firebreak = await createFirebreak(config, { database, logger: createLogger('silent') });
    try {
      const file = path.join(dataDirectory, 'initial-admin-token');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const token = (await readFile(file, 'utf8')).trim();
      const me = await firebreak.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { role: string }).role).toBe('admin');
    } finally {
      await firebreak.close();
    }
  });

  // Three CLI processes and a server: give it room on a busy machine.
  it('creates a token with the value in --value-file (how compose and Kubernetes provision the ingest token)', {
    timeout: 120_000,
  }, async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-value-'));
    const file = path.join(dataDirectory, 'ingest-token');
    const value = 'compose-ingest-token-0123456789abcdef';
    await writeFile(file, `${value}\n`);
    const short = path.join(dataDirectory, 'short');
    await writeFile(short, 'too-short');
    const refused = await firebreakCli(['token', 'create', '--name', 'am', '--role', 'ingest', '--value-file', short], {
      DATA_DIR: dataDirectory,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/at least 32 characters/);

    const created = await firebreakCli(['token', 'create', '--name', 'am', '--role', 'ingest', '--value-file', file], {
      DATA_DIR: dataDirectory,
    });
    expect(created.code).toBe(0);
    expect(created.stdout).not.toContain(value);
    const config = loadConfig({ DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' });
    const firebreak = await createFirebreak(config, { logger: createLogger('silent') });
    try {
      const me = await firebreak.app.request('/api/me', { headers: { authorization: `Bearer ${value}` } });
      expect(((await me.json()) as { role: string }).role).toBe('ingest');
    } finally {
      await firebreak.close();
    }
  });

  it('explains bad arguments', async () => {
    const result = await firebreakCli(['token', 'create', '--name', 'x', '--role', 'king'], {
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'fb-')),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/role/);
    const unknown = await firebreakCli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command/);
  });
});
