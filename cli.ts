import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ActionContext, Config, DatabaseHandle } from './platform/index.ts';
import {
  ConfigError,
  createLogger,
  createToken,
  createUser,
  EmbeddedDatabaseBusyError,
  ensureInitialAdmin,
  invalidInputFromIssues,
  listTokens,
  loadConfig,
  lockEmbeddedDatabase,
  openDatabase,
  ROLES,
  revokeToken,
  runMigrations,
  systemContext,
  TokenInput,
  UserInput,
  verifyAuditChain,
} from './platform/index.ts';
import { runServer } from './server.ts';

const USAGE = `Usage: firebreak <command> [options]

Commands:
  serve                                   run the server (same as npm start)
  migrate                                 apply database migrations and exit
  token create --name N --role R          create an API token; prints it alone on the last line
              [--value-file F]            or take its value (32+ characters) from F, printing nothing
  token list                              list tokens (never their values)
  token revoke <id-or-name>               revoke a token
  user create --email E --name N --role R create a dashboard user; the password is read from
              [--password-file F] [--slack-user U]  F, or FIREBREAK_USER_PASSWORD
  audit verify                            check the audit trail's hash chain; exit 1 if broken

Roles: ${ROLES.join(', ')}
The database is DATABASE_URL, or the embedded one in DATA_DIR (only while no server holds it).`;

class UsageError extends Error {}

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

export async function runCli(argv: string[], config: Config = loadConfig()): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      'password-file': { type: 'string' },
      'slack-user': { type: 'string' },
      'value-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, subcommand, argument] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const key = [command, subcommand].filter(Boolean).join(' ');
  switch (command === 'serve' || command === 'migrate' ? command : key) {
    case 'serve':
      await runServer(config);
      return -1;
    case 'migrate':
      await withDatabase(config, async (handle) => {
        await ensureInitialAdmin(handle.db, config, createLogger(config.LOG_LEVEL));
      });
      console.log('migrations applied');
      return 0;
    case 'token create': {
      const input = parse(TokenInput, { name: values.name, role: values.role });
      const preset = values['value-file'] ? readFileSync(values['value-file'], 'utf8').trim() : undefined;
      if (preset !== undefined && preset.length < 32) throw new UsageError('The token in --value-file must be at least 32 characters.');
      const token = await withDatabase(config, async (handle) => (await createToken(cliContext(handle, config), input, preset)).token);
      if (preset !== undefined) {
        console.log(`created ${input.role} token "${input.name}" from ${values['value-file']}`);
        return 0;
      }
      console.log(`created ${input.role} token "${input.name}"; it is shown only now:`);
      console.log(token);
      return 0;
    }
    case 'token list':
      await withDatabase(config, async (handle) => {
        for (const token of await listTokens(cliContext(handle, config))) {
          const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'live';
          console.log([token.id, token.name, token.role, token.prefix, state].join('\t'));
        }
      });
      return 0;
    case 'token revoke': {
      if (!argument) throw new UsageError('token revoke needs the id or name of the token.');
      const revoked = await withDatabase(config, (handle) => revokeToken(cliContext(handle, config), argument));
      console.log(`revoked token "${revoked.name}" (${revoked.id})`);
      return 0;
    }
    case 'user create': {
      const password = values['password-file'] ? readFileSync(values['password-file'], 'utf8').trim() : process.env.FIREBREAK_USER_PASSWORD;
      if (!password) throw new UsageError('Give the password with --password-file F or FIREBREAK_USER_PASSWORD.');
      const input = parse(UserInput, {
        email: values.email,
        name: values.name,
        role: values.role,
        password,
        slackUserId: values['slack-user'],
      });
      const user = await withDatabase(config, (handle) => createUser(cliContext(handle, config), input));
      console.log(`created ${user.role} user ${user.email} (${user.id}); they enrol an authenticator at first login`);
      return 0;
    }
    case 'audit verify': {
      const result = await withDatabase(config, (handle) => verifyAuditChain(handle.db));
      for (const problem of result.problems) console.log(`${problem.kind}\tentry ${problem.position}\t${problem.message}`);
      console.log(
        result.ok
          ? `audit chain intact: ${result.entries} entries`
          : `audit chain BROKEN: ${result.problems.length} problem(s) in ${result.entries} entries`,
      );
      return result.ok ? 0 : 1;
    }
    default:
      throw new UsageError(`Unknown command "${key}".`);
  }
}

const isMain = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isMain || process.env.FIREBREAK_CLI === '1') {
  runCli(process.argv.slice(2))
    .then((code) => {
      if (code >= 0) process.exit(code);
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
      else if (error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError) console.error(error.message);
      else if (error instanceof Error && 'status' in error) console.error(error.message);
      else console.error(error);
      process.exit(error instanceof UsageError ? 2 : 1);
    });
}
