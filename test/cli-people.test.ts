import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '../platform/index.ts';
import { createFirebreak } from '../server.ts';
import { createMigratedPostgresDatabase, databaseBackends, migratedDataDirectory } from './harness/database.ts';

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

/** Runs `firebreak` and answers its output, failing the test with stderr if it failed. */
async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const result = await firebreakCli(args, env);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** People and their tokens from the command line, on the database itself (DATABASE_URL, or the embedded one). */
async function managePeople(env: Record<string, string>) {
  await ok(['user', 'create', '--email', 'ana@example.com', '--name', 'Ana', '--role', 'commander'], {
    ...env,
    FIREBREAK_USER_PASSWORD: 'a long passphrase',
  });
  const personal = (await ok(['token', 'create', '--name', 'ana-laptop', '--role', 'commander', '--owner', 'ana@example.com'], env))
    .trim()
    .split('\n')
    .at(-1);
  await ok(['token', 'create', '--name', 'grafana', '--role', 'viewer', '--service', 'grafana', '--expires-days', '30'], env);
  const tooLong = await firebreakCli(
    ['token', 'create', '--name', 'x', '--role', 'viewer', '--owner', 'ana@example.com', '--expires-days', '999'],
    env,
  );
  expect(tooLong.code).not.toBe(0);
  expect(tooLong.stderr).toMatch(/expiresInDays.*365/);

  const list = await ok(['token', 'list'], env);
  expect(list).toMatch(/\tana-laptop\tcommander\tfbk_\S+\tana@example\.com\t\d{4}-\d\d-\d\dT[^\t]+\tnever\tlive/);
  expect(list).toMatch(/\tgrafana\tviewer\tfbk_\S+\tservice:grafana\t\d{4}-/);

  const updated = await ok(
    ['user', 'update', 'ana@example.com', '--role', 'responder', '--name', 'Ana B', '--email', 'ana.b@example.com', '--slack-id', 'U0ANA'],
    env,
  );
  expect(updated).toMatch(/updated ana\.b@example\.com .*Ana B, responder, enabled, Slack U0ANA/);
  expect(await ok(['user', 'list'], env)).toMatch(/\tana\.b@example\.com\tAna B\tresponder\tU0ANA\tenabled/);
  const bad = await firebreakCli(['user', 'update', 'ana.b@example.com', '--role', 'ingest'], env);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('role');
  expect((await firebreakCli(['user', 'update', 'nobody@example.com', '--name', 'X'], env)).stderr).toContain('No user with e-mail');

  const firebreak = await createFirebreak(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  const me = () => firebreak.app.request('/api/me', { headers: { authorization: `Bearer ${personal}` } });
  try {
    // The token follows its owner's role down.
    expect(((await (await me()).json()) as { role: string }).role).toBe('responder');
  } finally {
    await firebreak.close();
  }
  expect(await ok(['user', 'disable', 'ana.b@example.com'], env)).toMatch(/disabled .*their sessions and tokens ended/);
  expect(await ok(['token', 'list'], env)).toMatch(/\tana-laptop\t.*\trevoked /);
  expect(await ok(['user', 'enable', 'ana.b@example.com'], env)).toMatch(/enabled ana\.b@example\.com/);
  const again = await createFirebreak(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  try {
    expect((await again.app.request('/api/me', { headers: { authorization: `Bearer ${personal}` } })).status).toBe(401);
  } finally {
    await again.close();
  }
}

/**
 * The same commands on the embedded database, fewer of them: each opens and migrates PGlite, which
 * is slow on a loaded machine; the full scenario runs on the server database below.
 */
async function managePeopleBriefly(env: Record<string, string>) {
  await ok(['user', 'create', '--email', 'bo@example.com', '--name', 'Bo', '--role', 'responder'], {
    ...env,
    FIREBREAK_USER_PASSWORD: 'a long passphrase',
  });
  await ok(['token', 'create', '--name', 'bo-cli', '--role', 'responder', '--owner', 'bo@example.com'], env);
  expect(await ok(['user', 'update', 'bo@example.com', '--role', 'viewer', '--slack-id', 'U0BO'], env)).toMatch(
    /viewer, enabled, Slack U0BO/,
  );
  expect(await ok(['user', 'disable', 'bo@example.com'], env)).toMatch(/disabled bo@example\.com/);
  expect(await ok(['token', 'list'], env)).toMatch(/\tbo-cli\tresponder\tfbk_\S+\tbo@example\.com\t\d{4}-[^\t]+\tnever\trevoked /);
}

describe('firebreak user and token commands', () => {
  it('manage people and their tokens on the embedded database', async () => {
    await managePeopleBriefly({ DATA_DIR: await migratedDataDirectory('firebreak-cli-people-') });
  }, 300_000);

  it.runIf(databaseBackends.includes('postgres'))(
    'manage people and their tokens with DATABASE_URL',
    async () => {
      const database = await createMigratedPostgresDatabase();
      try {
        await managePeople({ DATABASE_URL: database.url, DATA_DIR: await mkdtemp(path.join(tmpdir(), 'firebreak-cli-people-')) });
      } finally {
        await database.drop();
      }
    },
    240_000,
  );
});
