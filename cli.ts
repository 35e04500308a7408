import { createWriteStream, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import type { ActionContext, AuditCheckpoint, AuditVerification, Config, DatabaseHandle, RestoreResult } from './platform/index.ts';
import {
  AuditCheckpointError,
  BackupFileError,
  createAuditCheckpoint,
  createLogger,
  createToken,
  createUser,
  describeFatalError,
  EmbeddedDatabaseBusyError,
  ensureInitialAdmin,
  FIREBREAK_VERSION,
  INITIAL_TOKEN_FILE,
  invalidInputFromIssues,
  listTokens,
  listUsers,
  loadConfig,
  lockEmbeddedDatabase,
  manifestTotals,
  moveToPostgres,
  OperatorError,
  openDatabase,
  parseAuditCheckpoint,
  RestoreRefusedError,
  ROLES,
  restoreBackup,
  revokeToken,
  runMigrations,
  runtimeRoleGrants,
  SECRET_KEY_FILE,
  SERVER_URL_FILE,
  scanBackup,
  systemContext,
  TokenInput,
  UserInput,
  UserUpdateInput,
  updateUser,
  verifyAuditChain,
  writeBackup,
} from './platform/index.ts';

type ParseArgsOptionsConfig = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Command {
  /** The arguments after `firebreak <name>`. */
  synopsis: string;
  summary: string;
  /** Lines of help below the synopsis; a function when they need code the command loads lazily. */
  details?: string | (() => Promise<string>);
  options: ParseArgsOptionsConfig;
  positionals?: number;
  /** Answers the exit code; -1 leaves the process running (serve). */
  run(config: Config, values: Values, positionals: string[]): Promise<number>;
}

const DATABASE_NOTE = `The database is DATABASE_URL, or the embedded one in DATA_DIR. While a server runs on the embedded
database, token, user and audit commands go through that server's HTTP API, as the admin whose token
is in FIREBREAK_TOKEN or DATA_DIR/${INITIAL_TOKEN_FILE}.`;

/** Opens the configured database for a one-off command, holding the embedded lock if it is PGlite. */
async function withDatabase<T>(config: Config, run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const release = config.DATABASE_URL ? null : await lockEmbeddedDatabase(config.dataDirectory);
  try {
    const handle = await openDatabase({ url: config.DATABASE_URL, dataDirectory: config.dataDirectory, poolSize: 2 });
    try {
      await runMigrations(handle);
      return await run(handle);
    } finally {
      await handle.close();
    }
  } finally {
    await release?.();
  }
}

/**
 * The incidents part, loaded only by the commands that use it: importing it costs every process a second or
 * more, and most commands (help, tokens, people, audit) never touch it.
 */
const loadIncidents = () => import('./incidents/index.ts');

type ServerRequest = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', route: string, body?: unknown) => Promise<T>;

async function readTrimmed(file: string): Promise<string | null> {
  return readFile(file, 'utf8').then(
    (text) => text.trim() || null,
    () => null,
  );
}

/** The address of the server that holds the embedded database, and an admin token for it. */
async function runningServerAddress(config: Config, busy: EmbeddedDatabaseBusyError): Promise<{ url: string; token: string }> {
  const url = await readTrimmed(path.join(config.dataDirectory, SERVER_URL_FILE));
  if (!url) throw busy;
  const token = process.env.FIREBREAK_TOKEN || (await readTrimmed(path.join(config.dataDirectory, INITIAL_TOKEN_FILE)));
  if (!token) {
    throw new OperatorError(
      `The server at ${url} holds the embedded database. Give an admin API token in FIREBREAK_TOKEN ` +
        `(make one at ${url}/admin/tokens).`,
    );
  }
  return { url, token };
}

/** The HTTP API of the server that holds the embedded database, called as an admin. */
async function runningServer(config: Config, busy: EmbeddedDatabaseBusyError): Promise<ServerRequest> {
  const { url, token } = await runningServerAddress(config, busy);
  return async <T>(method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: Error) => {
      throw new OperatorError(`Could not reach the Firebreak server at ${url} (${error.message}).`);
    });
    const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!response.ok) {
      const reason = answer?.error?.message ?? `HTTP ${response.status}`;
      const hint = response.status === 401 ? ' Give an admin API token in FIREBREAK_TOKEN.' : '';
      throw new OperatorError(`The Firebreak server at ${url} refused: ${reason}${hint}`);
    }
    return answer as T;
  };
}

/** Runs on the database when this process can open it, otherwise through the server that holds it. */
async function onDatabaseOrServer<T>(
  config: Config,
  local: (ctx: ActionContext, handle: DatabaseHandle) => Promise<T>,
  remote: (request: ServerRequest) => Promise<T>,
): Promise<T> {
  try {
    return await withDatabase(config, (handle) => local(cliContext(handle, config), handle));
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusyError)) throw error;
    return remote(await runningServer(config, error));
  }
}

function cliContext(handle: DatabaseHandle, config: Config): ActionContext {
  const ctx = systemContext(handle.db, config);
  return { ...ctx, actor: { ...ctx.actor, id: 'cli', name: `cli:${process.env.USER ?? 'operator'}` } };
}

function parse<T>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } };
  },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInputFromIssues('arguments', result.error.issues);
  return result.data;
}

const text = (values: Values, name: string) => (typeof values[name] === 'string' ? values[name] : undefined);

interface TokenLine {
  id: string;
  name: string;
  role: string;
  prefix: string;
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
  lastUsedAt: Date | string | null;
  ownerEmail: string | null;
  service: string | null;
}

const isoOr = (value: Date | string | null, none: string) => (value ? new Date(value).toISOString() : none);

function tokenState(token: TokenLine, now = Date.now()): string {
  if (token.revokedAt) return `revoked ${isoOr(token.revokedAt, '')}`;
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return `expired ${isoOr(token.expiresAt, '')}`;
  return 'live';
}

interface UserLine {
  id: string;
  email: string;
  name: string;
  role: string;
  slackUserId: string | null;
  disabledAt: Date | string | null;
}

/** Changes the person with this e-mail (the API names people by id; the CLI by e-mail). */
async function changeUser(config: Config, email: string, input: UserUpdateInput): Promise<UserLine> {
  const wanted = email.trim().toLowerCase();
  const missing = () => new OperatorError(`No user with e-mail ${email} (npx firebreak user list).`, 1);
  return onDatabaseOrServer<UserLine>(
    config,
    async (ctx) => {
      const user = (await listUsers(ctx)).find((candidate) => candidate.email === wanted);
      if (!user) throw missing();
      return updateUser(ctx, user.id, input);
    },
    async (request) => {
      const { users } = await request<{ users: UserLine[] }>('GET', '/api/users');
      const user = users.find((candidate) => candidate.email === wanted);
      if (!user) throw missing();
      return request<UserLine>('PATCH', `/api/users/${user.id}`, input);
    },
  );
}

function describeUser(user: UserLine): string {
  const state = user.disabledAt ? 'disabled' : 'enabled';
  return `${user.email} (${user.id}): ${user.name}, ${user.role}, ${state}${user.slackUserId ? `, Slack ${user.slackUserId}` : ''}`;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    synopsis: '',
    summary: 'run the server (same as npm start)',
    details: 'Settings are environment variables (PORT, HOST, DATA_DIR, DATABASE_URL, LOG_FORMAT, …; see the README).',
    options: {},
    async run(config) {
      // Loaded only here: the other commands start without the whole service's code.
      const { runServer } = await import('./server.ts');
      await runServer(config);
      return -1;
    },
  },
  migrate: {
    synopsis: '',
    summary: 'apply database migrations and exit',
    options: {},
    async run(config) {
      await withDatabase(config, async (handle) => {
        await ensureInitialAdmin(handle.db, config, createLogger(config.LOG_LEVEL, config.LOG_FORMAT));
      });
      console.log('migrations applied');
      return 0;
    },
  },
  'token create': {
    synopsis: '--name N --role R [--owner EMAIL | --service NAME] [--expires-days N] [--value-file F]',
    summary: 'create an API token; prints it alone on the last line',
    details: `Roles: ${ROLES.join(', ')}. The token is shown only now; Firebreak keeps only its hash.
--owner EMAIL     the person it acts for: with at most their role at each use, dying with their
                  account; it expires (90 days unless --expires-days; at most TOKEN_MAX_DAYS)
--service NAME    the service it belongs to (ingest, a scraper, automation, SCIM: role scim); it
                  belongs to no person, never approves, and expires only with --expires-days
                  Without either, the token is a service token named after --name.
--value-file F takes the token's value (32+ characters) from F instead and prints nothing of it, so
that a deployment can hand the same file to Alertmanager or Prometheus.`,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      owner: { type: 'string' },
      service: { type: 'string' },
      'expires-days': { type: 'string' },
      'value-file': { type: 'string' },
    },
    async run(config, values) {
      const days = text(values, 'expires-days');
      if (days !== undefined && !/^\d+$/.test(days)) throw new OperatorError('--expires-days must be a whole number of days.', 2);
      const input = parse(TokenInput, {
        name: text(values, 'name'),
        role: text(values, 'role'),
        owner: text(values, 'owner'),
        service: text(values, 'service'),
        expiresInDays: days === undefined ? undefined : Number(days),
      });
      const valueFile = text(values, 'value-file');
      const preset = valueFile ? readFileSync(valueFile, 'utf8').trim() : undefined;
      if (preset !== undefined && preset.length < 32)
        throw new OperatorError('The token in --value-file must be at least 32 characters.', 2);
      const token = await onDatabaseOrServer(
        config,
        async (ctx) => (await createToken(ctx, input, preset)).token,
        async (request) => {
          if (preset !== undefined)
            throw new OperatorError('--value-file needs the database itself: stop the server holding DATA_DIR first.', 2);
          return (await request<{ token: string }>('POST', '/api/tokens', input)).token;
        },
      );
      if (preset !== undefined) {
        console.log(`created ${input.role} token "${input.name}" from ${valueFile}`);
        return 0;
      }
      console.log(`created ${input.role} token "${input.name}"; it is shown only now:`);
      console.log(token);
      return 0;
    },
  },
  'token list': {
    synopsis: '',
    summary: 'list tokens (never their values)',
    details:
      'One line a token, tab-separated: id, name, role, prefix, owner (e-mail) or service:NAME, expiry (or never),\n' +
      'last use (or never), and live, expired or revoked.',
    options: {},
    async run(config) {
      const tokens = await onDatabaseOrServer<TokenLine[]>(
        config,
        (ctx) => listTokens(ctx),
        async (request) => (await request<{ tokens: TokenLine[] }>('GET', '/api/tokens')).tokens,
      );
      for (const token of tokens) {
        const belongsTo = token.ownerEmail ?? `service:${token.service ?? token.name}`;
        const columns = [token.id, token.name, token.role, token.prefix, belongsTo];
        columns.push(isoOr(token.expiresAt, 'never'), isoOr(token.lastUsedAt, 'never'), tokenState(token));
        console.log(columns.join('\t'));
      }
      return 0;
    },
  },
  'token revoke': {
    synopsis: '<id-or-name>',
    summary: 'revoke a token',
    options: {},
    positionals: 1,
    async run(config, _values, [idOrName]) {
      if (!idOrName) throw new OperatorError('token revoke needs the id or name of the token (npx firebreak token revoke --help).', 2);
      const revoked = await onDatabaseOrServer<{ id: string; name: string }>(
        config,
        (ctx) => revokeToken(ctx, idOrName),
        (request) => request('DELETE', `/api/tokens/${encodeURIComponent(idOrName)}`),
      );
      console.log(`revoked token "${revoked.name}" (${revoked.id})`);
      return 0;
    },
  },
  'user create': {
    synopsis: '--email E --name N --role R [--password-file F] [--slack-user U]',
    summary: 'create a dashboard user',
    details:
      'The password is read from the file F, or from FIREBREAK_USER_PASSWORD (12 characters or more).\n' +
      'The user enrols an authenticator app (TOTP) at first login.',
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-file': { type: 'string' },
      'slack-user': { type: 'string' },
    },
    async run(config, values) {
      const passwordFile = text(values, 'password-file');
      const password = passwordFile ? readFileSync(passwordFile, 'utf8').trim() : process.env.FIREBREAK_USER_PASSWORD;
      if (!password) throw new OperatorError('Give the password with --password-file F or FIREBREAK_USER_PASSWORD.', 2);
      const input = parse(UserInput, {
        email: text(values, 'email'),
        name: text(values, 'name'),
        role: text(values, 'role'),
        password,
        slackUserId: text(values, 'slack-user'),
      });
      const user = await onDatabaseOrServer<{ id: string; email: string; role: string }>(
        config,
        (ctx) => createUser(ctx, input),
        (request) => request('POST', '/api/users', input),
      );
      console.log(`created ${user.role} user ${user.email} (${user.id}); they enrol an authenticator at first login`);
      return 0;
    },
  },
  'user list': {
    synopsis: '',
    summary: 'list people',
    details: 'One line a person, tab-separated: id, e-mail, name, role, Slack id (or -), enabled or disabled.',
    options: {},
    async run(config) {
      const users = await onDatabaseOrServer<UserLine[]>(
        config,
        (ctx) => listUsers(ctx),
        async (request) => (await request<{ users: UserLine[] }>('GET', '/api/users')).users,
      );
      for (const user of users)
        console.log(
          [user.id, user.email, user.name, user.role, user.slackUserId ?? '-', user.disabledAt ? 'disabled' : 'enabled'].join('\t'),
        );
      return 0;
    },
  },
  'user update': {
    synopsis: '<email> [--role R] [--name N] [--email E] [--slack-id U]',
    summary: "change a person's role, name, e-mail or Slack id",
    details: '--slack-id none forgets the Slack id. Every change is audited with what it was before.',
    options: { role: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, 'slack-id': { type: 'string' } },
    positionals: 1,
    async run(config, values, [email]) {
      if (!email) throw new OperatorError('user update needs the e-mail of the person (npx firebreak user update --help).', 2);
      const slack = text(values, 'slack-id');
      const input = parse(UserUpdateInput, {
        role: text(values, 'role'),
        name: text(values, 'name'),
        email: text(values, 'email'),
        slackUserId: slack === 'none' ? null : slack,
      });
      if (Object.values(input).every((value) => value === undefined))
        throw new OperatorError('Nothing to change: give --role, --name, --email or --slack-id.', 2);
      console.log(`updated ${describeUser(await changeUser(config, email, input))}`);
      return 0;
    },
  },
  'user disable': {
    synopsis: '<email>',
    summary: 'disable a person: their sessions and tokens end at once',
    options: {},
    positionals: 1,
    async run(config, _values, [email]) {
      if (!email) throw new OperatorError('user disable needs the e-mail of the person.', 2);
      console.log(`disabled ${describeUser(await changeUser(config, email, { disabled: true }))}; their sessions and tokens ended`);
      return 0;
    },
  },
  'user enable': {
    synopsis: '<email>',
    summary: 'enable a disabled person again (their old tokens stay revoked)',
    options: {},
    positionals: 1,
    async run(config, _values, [email]) {
      if (!email) throw new OperatorError('user enable needs the e-mail of the person.', 2);
      console.log(`enabled ${describeUser(await changeUser(config, email, { disabled: false }))}`);
      return 0;
    },
  },
  'db grants': {
    synopsis: '[--role NAME]',
    summary: 'print the SQL for a runtime database role that cannot alter the audit trail',
    details: `--role NAME  the role to create and grant (default firebreak_app)
Run the SQL with psql as the role that owns the tables (the one that runs \`firebreak migrate\`), in
Firebreak's database, and again after each upgrade. The role can use every table but owns none (so it
cannot disable the append-only triggers), and has no UPDATE, DELETE or TRUNCATE on audit_entries.
Touches no database.`,
    options: { role: { type: 'string' } },
    async run(_config, values) {
      try {
        process.stdout.write(runtimeRoleGrants(text(values, 'role') ?? 'firebreak_app'));
      } catch (error) {
        throw new OperatorError(`${(error as Error).message}.`, 2);
      }
      return 0;
    },
  },
  backup: {
    synopsis: '[--out FILE]',
    summary: 'write a consistent backup of the whole database (while the server runs)',
    details: `--out FILE  where to write it (default ./firebreak-backup-<time>.gz, mode 0600)
One gzip'd file, the same for the embedded database and Postgres (either restores into either); it is
read back and its checksums verified before this command succeeds. While a server holds the embedded
database the server makes it (into BACKUP_DIR too) and this command downloads it. See docs/operations.md.`,
    options: { out: { type: 'string' } },
    async run(config, values) {
      const out = path.resolve(text(values, 'out') ?? `firebreak-backup-${new Date().toISOString().replaceAll(':', '-')}.gz`);
      try {
        await withDatabase(config, (handle) => writeBackup(handle, out));
      } catch (error) {
        if (!(error instanceof EmbeddedDatabaseBusyError)) throw error;
        await downloadBackup(await runningServerAddress(config, error), out);
      }
      const manifest = await scanBackup(out).catch((error: unknown) => {
        throw new OperatorError(`The backup in ${out} does not verify: ${(error as Error).message}.`);
      });
      const totals = manifestTotals(manifest);
      console.log(
        `backup written to ${out} and verified: ${totals.rows} rows in ${totals.tables} tables, migration level ${manifest.migrations.level}`,
      );
      if (manifest.auditKeyIds.length)
        console.log(
          `its audit trail is signed with audit key ${manifest.auditKeyIds.join(', ')}: keep the secret key (FIREBREAK_SECRET_KEY or DATA_DIR/secret.key) too, apart from the backup`,
        );
      return 0;
    },
  },
  restore: {
    synopsis: 'FILE [--force]',
    summary: 'restore a backup into an empty data directory (DATA_DIR) or database (DATABASE_URL)',
    details: `The whole file is verified first (nothing is written from a damaged one); migrations up to the
backup's level are applied, every table is loaded in one transaction, the remaining migrations follow,
and the audit chain is verified. The audit key must be at hand: FIREBREAK_SECRET_KEY, or the source's
secret.key copied into DATA_DIR. Stop the server first.
--force  restore into a target that holds data: its tables (schemas public and drizzle) are dropped first`,
    options: { force: { type: 'boolean' } },
    positionals: 1,
    async run(config, values, [file]) {
      if (!file) throw new OperatorError('restore needs the backup file (npx firebreak restore --help).', 2);
      const release = config.DATABASE_URL ? null : await lockEmbeddedDatabase(config.dataDirectory).catch(refuseWhileServing);
      try {
        const handle = await openDatabase({ url: config.DATABASE_URL, dataDirectory: config.dataDirectory, poolSize: 2 });
        try {
          const result = await restoreBackup(handle, path.resolve(file), config, {
            force: values.force === true,
            log: (line) => console.log(line),
          }).catch(refuseBackup(file));
          return reportRestore(result, config.DATABASE_URL ? 'the database at DATABASE_URL' : config.dataDirectory);
        } finally {
          await handle.close();
        }
      } finally {
        await release?.();
      }
    },
  },
  'move-to-postgres': {
    synopsis: '--to URL',
    summary: 'copy the embedded database into an empty Postgres database, with the server stopped',
    details: `--to URL  postgres://user:password@host:5432/database, empty (no Firebreak tables with rows)
Makes a backup of DATA_DIR's database into BACKUP_DIR, restores it into URL, counts every table on both
sides and verifies the audit chain there, then prints what to set next. DATA_DIR is left as it was.`,
    options: { to: { type: 'string' } },
    async run(config, values) {
      const url = text(values, 'to');
      if (!url || !/^postgres(ql)?:\/\//.test(url))
        throw new OperatorError('move-to-postgres needs --to postgres://… (npx firebreak move-to-postgres --help).', 2);
      if (config.DATABASE_URL)
        throw new OperatorError('DATABASE_URL is set: this install is on Postgres already; use backup and restore to copy it.', 2);
      const release = await lockEmbeddedDatabase(config.dataDirectory).catch(refuseWhileServing);
      try {
        const moved = await withOpenEmbedded(config, (source) =>
          moveToPostgres(source, url, config, (line) => console.log(line)).catch(refuseBackup('the move')),
        );
        const code = reportRestore(moved.restore, redactPassword(url));
        for (const mismatch of moved.mismatches)
          console.log(`MISMATCH\t${mismatch.name}\tembedded ${mismatch.embedded}\tpostgres ${mismatch.postgres}`);
        if (code !== 0 || moved.mismatches.length) return 1;
        console.log('every table holds as many rows in Postgres as in the embedded database');
        console.log('');
        console.log('Next: stop using DATA_DIR for the database and start Firebreak with');
        console.log(`  DATABASE_URL=${redactPassword(url)}`);
        console.log(
          config.FIREBREAK_SECRET_KEY
            ? '  FIREBREAK_SECRET_KEY as it is now (every replica the same)'
            : `  FIREBREAK_SECRET_KEY="$(cat ${path.join(config.dataDirectory, SECRET_KEY_FILE)})"   (every replica the same: it signs the audit trail and seals secrets)`,
        );
        console.log(`The embedded database in ${config.dataDirectory} and the backup ${moved.file} are left as they were.`);
        return 0;
      } finally {
        await release();
      }
    },
  },
  'audit verify': {
    synopsis: '[--checkpoint FILE]',
    summary: "check the audit trail's hash chain; exit 1 if broken",
    details: `--checkpoint FILE  also check against a head written by \`audit checkpoint\`: every entry up to it must
                   still be there, unchanged (the chain alone cannot tell that its last entries were dropped).`,
    options: { checkpoint: { type: 'string' } },
    async run(config, values) {
      const file = text(values, 'checkpoint');
      const checkpointText = file
        ? await readFile(file, 'utf8').catch(() => {
            throw new OperatorError(`Cannot read the checkpoint file ${file}.`);
          })
        : undefined;
      const result = await onDatabaseOrServer(
        config,
        (_ctx, handle) => verifyWithCheckpoint(handle, config, checkpointText),
        (request) =>
          checkpointText === undefined
            ? request<AuditVerification>('GET', '/api/audit/verify')
            : request<AuditVerification>('POST', '/api/audit/verify', { checkpoint: parseJson(checkpointText) }),
      );
      const [only] = result.problems;
      if (only && result.problems.length === 1) {
        console.log(`audit chain BROKEN: ${only.message}`);
        return 1;
      }
      for (const problem of result.problems) console.log(`${problem.kind}\tentry ${problem.position}\t${problem.message}`);
      const matches = checkpointText === undefined ? '' : `, checkpoint of ${result.checkpointAt ?? '?'} matches`;
      const pruned = result.prunedThrough ? ` from entry ${result.prunedThrough + 1} (1..${result.prunedThrough} pruned by retention)` : '';
      console.log(
        result.ok
          ? `audit chain intact: ${result.entries} entries${pruned}${matches}`
          : `audit chain BROKEN: ${result.problems.length} problem(s) in ${result.entries} entries`,
      );
      return result.ok ? 0 : 1;
    },
  },
  export: {
    synopsis: '--out DIR [--kinds a,b]',
    summary: 'export the data in open formats (NDJSON, CSV, Markdown) with a manifest',
    details: async () => `--out DIR    the export's directory (created if missing)
--kinds a,b  only these kinds (default all): ${(await loadIncidents()).EXPORT_KIND_NAMES.join(', ')}
Writes DIR/<kind>/*.ndjson (one JSON object a line), *.csv where the rows are flat, reports/<INC-n>.md,
and DIR/manifest.json with row counts and SHA-256 per file. Run it again with the same --out after an
interruption: kinds whose files still match the manifest are kept, the others are written.
While a server holds the embedded database, each kind is downloaded from its GET /api/export/{kind}
(as the admin whose token is in FIREBREAK_TOKEN or DATA_DIR/initial-admin-token) into the same files.`,
    options: { out: { type: 'string' }, kinds: { type: 'string' } },
    async run(config, values) {
      const out = text(values, 'out');
      if (!out) throw new OperatorError('export needs --out DIR (npx firebreak export --help).', 2);
      const { EXPORT_KIND_NAMES, exportFromServer, parseKindList, ServerExportError, writeExport } = await loadIncidents();
      const { kinds, unknown } = parseKindList(text(values, 'kinds'));
      if (unknown.length) throw new OperatorError(`Unknown kind ${unknown.join(', ')}; the kinds are ${EXPORT_KIND_NAMES.join(', ')}.`, 2);
      const options = {
        kinds,
        onKind: ({ kind, outcome, files }: { kind: string; outcome: string; files: readonly { path: string; rows: number }[] }) => {
          const rows = files.reduce((sum, file) => sum + (file.path.endsWith('.csv') ? 0 : file.rows), 0);
          console.log(`${kind}\t${outcome === 'kept' ? 'kept (already complete)' : 'written'}\t${rows} records in ${files.length} files`);
        },
      };
      const result = await withDatabase(config, (handle) => writeExport(handle.db, path.resolve(out), options)).catch(
        async (error: unknown) => {
          if (!(error instanceof EmbeddedDatabaseBusyError)) throw error;
          return exportFromServer(await runningServerAddress(config, error), path.resolve(out), options).catch((failure: unknown) => {
            throw failure instanceof ServerExportError ? new OperatorError(failure.message) : failure;
          });
        },
      );
      console.log(
        `export complete in ${result.directory} (manifest.json: ${result.written.length} kinds written, ${result.kept.length} kept)`,
      );
      return 0;
    },
  },
  purge: {
    synopsis: '--confirm ORGANISATION --export-dir DIR [--statement FILE]',
    summary: 'delete every row and every backup after a final export; write a signed statement',
    details: `--confirm ORGANISATION  BREACH_ORGANIZATION_NAME, exactly: typing it is the confirmation
--export-dir DIR        the final export (\`firebreak export --out DIR\`): it must verify against its manifest,
                        hold every kind, and have begun after the last write (stop the server, every
                        replica and whatever sends alerts first; then export; then purge)
--statement FILE        where the statement goes (default DIR/purge-statement.json); FILE.sig holds its
                        Ed25519 signature and the .pub.pem beside it the public key
Empties every table in one transaction (the migration history stays, so the database is a fresh
install) and deletes every file under BACKUP_DIR. Check a statement with \`firebreak purge verify FILE\`.`,
    options: { confirm: { type: 'string' }, 'export-dir': { type: 'string' }, statement: { type: 'string' } },
    async run(config, values) {
      const confirm = text(values, 'confirm');
      const exportDirectory = text(values, 'export-dir');
      if (!confirm || !exportDirectory)
        throw new OperatorError('purge needs --confirm ORGANISATION and --export-dir DIR (npx firebreak purge --help).', 2);
      const { purgeInstall } = await loadIncidents();
      const { statement, file } = await withDatabase(config, (handle) =>
        purgeInstall(handle, config, {
          confirm,
          exportDirectory,
          statementFile: text(values, 'statement'),
          purgedBy: `cli:${process.env.USER ?? 'operator'}@${hostname()}`,
        }),
      );
      console.log(
        `purged ${statement.database.rowsDeleted} rows in ${statement.database.tables.length} tables and ${statement.backups.files.length} backup files`,
      );
      console.log(`signed statement: ${file} (key ${statement.publicKeyFingerprint.slice(0, 16)})`);
      return 0;
    },
  },
  'purge verify': {
    synopsis: '<statement.json> [--public-key PEM]',
    summary: "check a purge statement's signature",
    details: `Checks FILE against FILE.sig with the public key in PEM (one kept from before), or without
--public-key with this install's own statement key (derived from FIREBREAK_SECRET_KEY). Exit 1 if it fails.
Without Firebreak: openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin -in FILE -sigfile FILE.sig`,
    options: { 'public-key': { type: 'string' } },
    positionals: 1,
    async run(config, values, [file]) {
      if (!file) throw new OperatorError('purge verify needs the statement file (npx firebreak purge verify --help).', 2);
      const { checkPurgeStatement } = await loadIncidents();
      const check = await checkPurgeStatement(file, config, text(values, 'public-key')).catch((error: Error) => {
        throw new OperatorError(`Cannot check ${file}: ${error.message}`);
      });
      console.log(check.message);
      return check.ok ? 0 : 1;
    },
  },
  'audit checkpoint': {
    synopsis: '[--out FILE]',
    summary: "write the audit trail's signed head, to keep outside the database",
    details: `The head is the last entry's position and hash, the number of entries and the time, signed with
the audit key (derived from FIREBREAK_SECRET_KEY). Keep it where the database's users cannot write;
\`audit verify --checkpoint FILE\` then fails if any entry up to it was deleted or changed.
--out FILE  write it there (mode 0600) instead of standard output`,
    options: { out: { type: 'string' } },
    async run(config, values) {
      const checkpoint = await onDatabaseOrServer(
        config,
        (_ctx, handle) => createAuditCheckpoint(handle.db, config),
        (request) => request<AuditCheckpoint>('POST', '/api/audit/checkpoints'),
      );
      const out = text(values, 'out');
      if (!out) {
        console.log(JSON.stringify(checkpoint, null, 2));
        return 0;
      }
      await writeFile(out, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o600 });
      console.log(`audit checkpoint: entry ${checkpoint.position} of ${checkpoint.entries}, written to ${out}`);
      return 0;
    },
  },
};

/** Opens the embedded database in DATA_DIR (its lock already held) and migrates it. */
async function withOpenEmbedded<T>(config: Config, run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ dataDirectory: config.dataDirectory, poolSize: 2 });
  try {
    await runMigrations(handle);
    return await run(handle);
  } finally {
    await handle.close();
  }
}

function refuseWhileServing(error: unknown): never {
  if (error instanceof EmbeddedDatabaseBusyError)
    throw new OperatorError(`${error.message.split('. ')[0]}. Stop that server first: this command needs the database to itself.`);
  throw error;
}

function refuseBackup(what: string) {
  return (error: unknown): never => {
    if (error instanceof BackupFileError) throw new OperatorError(`The backup ${what} is refused: ${error.message}.`);
    if (error instanceof RestoreRefusedError) throw new OperatorError(error.message);
    throw error;
  };
}

function redactPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Prints what a restore did; 1 when a count differs or the audit chain does not verify. */
function reportRestore(result: RestoreResult, target: string): number {
  const rows = result.counts.reduce((sum, count) => sum + count.found, 0);
  if (result.replacedRows) console.log(`replaced ${result.replacedRows} rows that ${target} held (--force)`);
  console.log(`restored ${rows} rows in ${result.counts.length} tables into ${target}, from the backup of ${result.manifest.createdAt}`);
  const wrong = result.counts.filter((count) => count.found !== count.expected);
  for (const count of wrong) console.log(`MISMATCH\t${count.name}\texpected ${count.expected}\tfound ${count.found}`);
  for (const problem of result.audit.problems) console.log(`${problem.kind}\tentry ${problem.position}\t${problem.message}`);
  console.log(
    result.audit.ok
      ? `audit chain intact: ${result.audit.entries} entries`
      : `audit chain BROKEN: ${result.audit.problems.length} problem(s)`,
  );
  return wrong.length || !result.audit.ok ? 1 : 0;
}

/** Asks the running server for a backup (POST /api/backups) and streams it into `out`. */
async function downloadBackup(server: { url: string; token: string }, out: string): Promise<void> {
  const response = await fetch(`${server.url}/api/backups`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } }).catch(
    (error: Error) => {
      throw new OperatorError(`Could not reach the Firebreak server at ${server.url} (${error.message}).`);
    },
  );
  if (!response.ok || !response.body) {
    const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    const hint = response.status === 401 ? ' Give an admin API token in FIREBREAK_TOKEN.' : '';
    throw new OperatorError(`The Firebreak server at ${server.url} refused: ${answer?.error?.message ?? `HTTP ${response.status}`}${hint}`);
  }
  const partial = `${out}.partial`;
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(partial, { mode: 0o600 }));
  await rename(partial, out);
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function verifyWithCheckpoint(
  handle: DatabaseHandle,
  config: Config,
  checkpointText: string | undefined,
): Promise<AuditVerification> {
  try {
    const checkpoint = checkpointText === undefined ? undefined : parseAuditCheckpoint(checkpointText, config);
    return await verifyAuditChain(handle.db, config, { checkpoint });
  } catch (error) {
    if (error instanceof AuditCheckpointError) throw new OperatorError(`The checkpoint is refused: ${error.message}.`);
    throw error;
  }
}

const COMMON_OPTIONS: ParseArgsOptionsConfig = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

function usage(): string {
  const width = 32;
  const lines = Object.entries(COMMANDS).map(([name, command]) => {
    const call = `${name} ${command.synopsis}`.trimEnd();
    return call.length > width ? `  ${call}\n  ${' '.repeat(width)}  ${command.summary}` : `  ${call.padEnd(width)}  ${command.summary}`;
  });
  return [
    'Usage: firebreak <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --help (-h) and --version (-v).',
    '',
    DATABASE_NOTE,
  ].join('\n');
}

async function commandHelp(name: string, command: Command): Promise<string> {
  const details = typeof command.details === 'function' ? await command.details() : command.details;
  return [`Usage: firebreak ${name} ${command.synopsis}`.trimEnd(), '', `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`]
    .concat(details ? ['', details] : [])
    .concat(name === 'serve' || name === 'migrate' ? [] : ['', DATABASE_NOTE])
    .join('\n');
}

/** The command named by the leading words of argv (`token create`), and the arguments after it. */
function findCommand(argv: string[]): { name: string; command: Command | undefined; rest: string[] } {
  const words = argv.slice(0, 2).filter((word, index) => !word.startsWith('-') && (index === 0 || !argv[0]?.startsWith('-')));
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    if (words.length >= length && COMMANDS[name]) return { name, command: COMMANDS[name], rest: argv.slice(length) };
  }
  return { name: words.join(' '), command: undefined, rest: argv.slice(words.length) };
}

function parseOrRefuse(name: string, command: Command | undefined, rest: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: rest, allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...command?.options } });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]?.replace(/\.?\s*To specify a positional.*$/, '') : String(error);
    const help = command ? `npx firebreak ${name} --help` : 'npx firebreak --help';
    throw new OperatorError(`${reason} (see ${help})`, 2);
  }
}

export async function runCli(argv: string[], config?: Config): Promise<number> {
  const { name, command, rest } = findCommand(argv);
  const { values, positionals } = parseOrRefuse(name, command, rest);
  if (values.version) {
    console.log(`firebreak ${FIREBREAK_VERSION}`);
    return 0;
  }
  if (!command) {
    const group = Object.keys(COMMANDS).filter((known) => known.startsWith(`${name} `));
    if (name && group.length)
      throw new OperatorError(`"${name}" needs one of: ${group.map((known) => known.slice(name.length + 1)).join(', ')}.`, 2);
    if (name) throw new OperatorError(`Unknown command "${name}" (see npx firebreak --help).`, 2);
    console.log(usage());
    return values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(await commandHelp(name, command));
    return 0;
  }
  if (positionals.length > (command.positionals ?? 0)) {
    throw new OperatorError(`Unexpected argument "${positionals.at(-1)}" for "${name}" (see npx firebreak ${name} --help).`, 2);
  }
  return command.run(config ?? loadConfig(), values, positionals);
}

/**
 * What the firebreak process does with its arguments: runs the command, prints a fatal error as the
 * operator should read it, and answers the exit code (null while the command keeps running: serve).
 */
export async function runCliProcess(argv: string[], config?: Config): Promise<number | null> {
  try {
    const code = await runCli(argv, config);
    return code >= 0 ? code : null;
  } catch (error) {
    const fatal = describeFatalError(error);
    console.error(fatal.text);
    return fatal.exitCode;
  }
}

const isMain = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isMain || process.env.FIREBREAK_CLI === '1') {
  void runCliProcess(process.argv.slice(2)).then((code) => {
    if (code !== null) process.exit(code);
  });
}
