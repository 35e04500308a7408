import type { ChildProcessByStdio } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { format, promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { runCliProcess } from '../cli.ts';
import { createLogger, FIREBREAK_VERSION, loadConfig, lockEmbeddedDatabase, openDatabase } from '../platform/index.ts';
import { createFirebreak } from '../server.ts';
import { createEmptyPostgresDatabase, databaseBackends, migratedDataDirectory, openTestDatabase } from './harness/database.ts';

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

/**
 * The same command line run in this process, through what the process runs (runCliProcess): for help,
 * versions and refused arguments, and with `env` (its configuration) for commands that only set up
 * what a test checks with real processes. A firebreak process costs a second or two of CPU to start.
 */
async function firebreakInProcess(args: string[], env?: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    stdout += `${format(...parts)}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    stderr += `${format(...parts)}\n`;
  });
  try {
    const code = await runCliProcess(args, env && loadConfig({ LOG_LEVEL: 'silent', ...env }));
    return { code, stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
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
  }, 120_000);
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
  }, 120_000);

  it('writes the first admin token to DATA_DIR/initial-admin-token with mode 0600', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-first-'));
    const config = loadConfig({ DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' });
    const database = await openTestDatabase('pglite');
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
  }, 120_000);

  // Three CLI processes and a server: give it room on a busy machine.
  it('creates a token with the value in --value-file (how compose and Kubernetes provision the ingest token)', {
    timeout: 120_000,
  }, async () => {
    const dataDirectory = await migratedDataDirectory('firebreak-value-');
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

  it('checkpoints the audit head and catches the last entries deleted after it, in one line', { timeout: 120_000 }, async () => {
    const dataDirectory = await migratedDataDirectory('firebreak-checkpoint-');
    const env = { DATA_DIR: dataDirectory };
    for (const name of ['a', 'b', 'c'])
      expect((await firebreakInProcess(['token', 'create', '--name', name, '--role', 'viewer'], env)).code).toBe(0);
    const file = path.join(dataDirectory, 'head.json');
    const written = await firebreakCli(['audit', 'checkpoint', '--out', file], env);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/audit checkpoint: entry \d+ of \d+, written to .*head\.json/);
    const checkpoint = JSON.parse(await readFile(file, 'utf8')) as { position: number; signature: string };
    expect(checkpoint.signature).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const intact = await firebreakCli(['audit', 'verify', '--checkpoint', file], env);
    expect(intact.code, intact.stdout + intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/audit chain intact: \d+ entries, checkpoint of .* matches/);

    // Someone with the table's rights drops the last entry: the chain alone still looks whole.
    const database = await openDatabase({ dataDirectory });
    try {
      await database.db.execute(sql`alter table audit_entries disable trigger audit_entries_append_only`);
      await database.db.execute(sql`delete from audit_entries where position = ${checkpoint.position}`);
    } finally {
      await database.close();
    }
    expect((await firebreakCli(['audit', 'verify'], env)).code).toBe(0);
    const broken = await firebreakCli(['audit', 'verify', '--checkpoint', file], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^audit chain BROKEN: entries ${checkpoint.position}\\.\\.${checkpoint.position} of the checkpoint of .* are missing$`),
      ),
    ]);

    await writeFile(file, JSON.stringify({ ...checkpoint, position: 1 }));
    const forged = await firebreakCli(['audit', 'verify', '--checkpoint', file], env);
    expect(forged.code).toBe(1);
    expectOneLineError(forged.stderr, /checkpoint signature does not match/);
  });

  it('explains bad arguments', async () => {
    const result = await firebreakCli(['token', 'create', '--name', 'x', '--role', 'king'], {
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'fb-')),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/role/);
    const unknown = await firebreakInProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command/);
  });
});

/** An error a person can act on: one line on stderr, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const COMMANDS = [
  'serve',
  'migrate',
  'token create',
  'token list',
  'token revoke',
  'user create',
  'user list',
  'user update',
  'user disable',
  'user enable',
  'audit verify',
  'audit checkpoint',
  'db grants',
];

describe('firebreak --help, --version and wrong arguments', () => {
  it('gives help and the version for the command and for every command, touching no database', async () => {
    const env = { DATA_DIR: path.join(tmpdir(), 'firebreak-cli-never-created') };
    const overview = await firebreakCli(['--help'], env);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toContain(`  ${command}`);
    expect((await firebreakCli(['--version'], env)).stdout.trim()).toBe(`firebreak ${FIREBREAK_VERSION}`);

    for (const command of COMMANDS) {
      const help = await firebreakInProcess([...command.split(' '), '--help']);
      const version = await firebreakInProcess([...command.split(' '), '-v']);
      expect(help.code, command).toBe(0);
      expect(help.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: firebreak ${command}\\b`));
      expect(version.stdout.trim(), command).toBe(`firebreak ${FIREBREAK_VERSION}`);
    }
    await expect(stat(env.DATA_DIR)).rejects.toThrow();
  }, 120_000);

  it('refuses unknown options, commands and extra arguments in one line, exit code 2', async () => {
    const env = { DATA_DIR: path.join(tmpdir(), 'firebreak-cli-never-created') };
    const option = await firebreakCli(['token', 'create', '--name', 'x', '--rol', 'admin'], env);
    expect(option.code).toBe(2);
    expectOneLineError(option.stderr, /Unknown option '--rol'.*npx firebreak token create --help/);
    const serveOption = await firebreakInProcess(['serve', '--port', '9000']);
    expect(serveOption.code).toBe(2);
    expectOneLineError(serveOption.stderr, /Unknown option '--port'/);
    const group = await firebreakInProcess(['token']);
    expect(group.code).toBe(2);
    expectOneLineError(group.stderr, /"token" needs one of: create, list, revoke/);
    const extra = await firebreakInProcess(['token', 'revoke', 'a', 'b']);
    expect(extra.code).toBe(2);
    expectOneLineError(extra.stderr, /Unexpected argument "b"/);
  }, 120_000);

  it('prints the runtime role SQL for db grants, and refuses a role name that is not an identifier', async () => {
    const env = { DATA_DIR: path.join(tmpdir(), 'firebreak-cli-never-created') };
    const printed = await firebreakCli(['db', 'grants', '--role', 'fb_runtime'], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('CREATE ROLE fb_runtime LOGIN');
    expect(printed.stdout).toContain('REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_prune_anchors FROM fb_runtime;');
    const refused = await firebreakCli(['db', 'grants', '--role', 'x; drop table y'], env);
    expect(refused.code).toBe(2);
    expectOneLineError(refused.stderr, /role name/);
    await expect(stat(env.DATA_DIR)).rejects.toThrow();
  });

  it('refuses to serve on an embedded database a running server holds, in one line', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-busy-'));
    const release = await lockEmbeddedDatabase(dataDirectory);
    try {
      const refused = await firebreakCli(['serve'], { DATA_DIR: dataDirectory, PORT: '0' });
      expect(refused.code).toBe(1);
      expectOneLineError(refused.stderr, new RegExp(`in use by Firebreak process ${process.pid}`));
    } finally {
      await release();
    }
  });
});

interface ServingChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout: () => string;
  /** Resolves once stdout matches, rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

function serveInChild(env: Record<string, string>): ServingChild {
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => output,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const match = output.match(pattern);
          if (match) {
            child.stdout.off('data', look);
            resolve(match);
          }
        };
        child.stdout.on('data', look);
        look();
        void exited.then((code) => reject(new Error(`serve ended (${code}) before ${pattern}: ${output}${errors}`)));
      }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('firebreak serve on the embedded database', () => {
  it('prints a banner with the URL, the admin token and the next step, which works beside the running server', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-serve-'));
    const server = serveInChild({ DATA_DIR: dataDirectory, PORT: '0', LOG_FORMAT: 'pretty' });
    try {
      const [, url = ''] = await server.waitFor(/Firebreak is running at (http:\/\/127\.0\.0\.1:\d+)\n/);
      await server.waitFor(/Next: [^\n]*\n[^\n]*npx firebreak user create/);
      const tokenFile = path.join(dataDirectory, 'initial-admin-token');
      expect(server.stdout()).toContain(`admin API token: ${tokenFile}`);
      expect(server.stdout()).toContain(`${url}/api/docs`);
      // Readable log lines, not JSON.
      expect(server.stdout()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: firebreak listening/m);
      expect(server.stdout()).not.toMatch(/^\{"level"/m);

      // The banner's next step, while the server holds the embedded database: through its API.
      const env = { DATA_DIR: dataDirectory, FIREBREAK_USER_PASSWORD: 'a long passphrase' };
      const user = await firebreakCli(['user', 'create', '--email', 'ana@example.com', '--name', 'Ana', '--role', 'admin'], env);
      expect(user.stderr).toBe('');
      expect(user.stdout).toMatch(/created admin user ana@example.com/);
      const created = await firebreakCli(['token', 'create', '--name', 'prom', '--role', 'ingest'], env);
      expect(created.code).toBe(0);
      const token = created.stdout.trim().split('\n').at(-1) ?? '';
      const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { role: string }).role).toBe('ingest');
      expect((await firebreakCli(['token', 'list'], env)).stdout).toMatch(/\tprom\tingest\t.*\tlive/);
      const refused = await firebreakCli(['token', 'list'], { ...env, FIREBREAK_TOKEN: 'fbk_not-a-token' });
      expect(refused.code).toBe(1);
      expectOneLineError(refused.stderr, /refused: .*FIREBREAK_TOKEN/);

      // Another server on the same port: one line, exit 1.
      const port = new URL(url).port;
      const second = await firebreakCli(['serve'], { DATA_DIR: await migratedDataDirectory('firebreak-port-'), PORT: port });
      expect(second.code).toBe(1);
      expectOneLineError(second.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await server.stop();
    }
  }, 240_000);
});
