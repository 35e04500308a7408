import { access } from 'node:fs/promises';
import path from 'node:path';
import { isNull } from 'drizzle-orm';
import { INITIAL_TOKEN_FILE } from './auth/index.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './database/index.ts';
import { users } from './schema/users.ts';

/** Where a running server that owns the embedded database says it listens, for `npx firebreak` beside it. */
export const SERVER_URL_FILE = 'server-url';

/** What a person starting Firebreak needs to know: where it is, where the admin token is, what to do next. */
export interface StartBanner {
  url: string;
  database: string;
  /** Where the first admin token is, or how to get one. */
  adminToken: string;
  /** The next step, a line each. */
  next: string[];
}

/** The address a process on this machine reaches the listener at (0.0.0.0 and :: are not addresses to connect to). */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export async function startBanner(config: Config, database: DatabaseHandle, port: number): Promise<StartBanner> {
  const url = localUrl(config.HOST, port);
  const tokenFile = path.join(config.dataDirectory, INITIAL_TOKEN_FILE);
  const adminToken = config.FIREBREAK_BOOTSTRAP_TOKEN
    ? 'the value of FIREBREAK_BOOTSTRAP_TOKEN'
    : (await exists(tokenFile))
      ? `${tokenFile} (read it with: cat ${tokenFile})`
      : `make one at ${url}/admin/tokens, or with: npx firebreak token create --name NAME --role admin`;
  const [someone] = await database.db.select({ id: users.id }).from(users).where(isNull(users.disabledAt)).limit(1);
  const next = someone
    ? [`open ${url}/ and sign in`]
    : [
        'create your dashboard user, in another terminal:',
        `FIREBREAK_USER_PASSWORD='a long passphrase' npx firebreak user create --email you@example.com --name "Your Name" --role admin`,
        `then open ${url}/ and sign in`,
      ];
  return {
    url,
    database: database.kind === 'pglite' ? `embedded (PGlite) in ${config.dataDirectory}` : 'Postgres at DATABASE_URL',
    adminToken,
    next,
  };
}

/** The banner as lines for a terminal. */
export function formatStartBanner(banner: StartBanner): string {
  return [
    '',
    `  Firebreak is running at ${banner.url}`,
    `  database:        ${banner.database}`,
    `  admin API token: ${banner.adminToken}`,
    `  API reference:   ${banner.url}/api/docs`,
    '',
    `  Next: ${banner.next.join('\n        ')}`,
    '',
    '',
  ].join('\n');
}
