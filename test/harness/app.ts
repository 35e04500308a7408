import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '../../platform/index.ts';
import { createLogger, createToken, loadConfig, systemContext } from '../../platform/index.ts';
import { users } from '../../platform/schema/users.ts';
import type { Firebreak } from '../../server.ts';
import { createFirebreak } from '../../server.ts';
import type { Backend } from './database.ts';
import { openTestDatabase } from './database.ts';

export const TEST_ADMIN_TOKEN = `fbk_test_admin_${'x'.repeat(40)}`;

export interface TestFirebreak extends Firebreak {
  adminToken: string;
  /**
   * A new token with the role, made directly in the database. Each belongs to a person of its own (a
   * user row made for it, who cannot log in), so that two tokens are two people for four eyes; pass
   * `service: true` for a service token, which belongs to nobody.
   */
  tokenFor(role: Role, name?: string, options?: { service?: boolean }): Promise<string>;
  /** app.request() with a bearer token and, for objects, a JSON body. */
  request(
    method: string,
    path: string,
    options?: { token?: string | null; json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** The whole service on a fresh test database, with an admin token; call close() after. */
export async function createTestFirebreak(backend: Backend, env: Record<string, string> = {}): Promise<TestFirebreak> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-test-'));
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDirectory,
    FIREBREAK_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
    SCHEDULER_ENABLED: 'false',
    PUBLIC_URL: 'http://firebreak.test',
    ...env,
  });
  const database = await openTestDatabase(backend);
  const firebreak = await createFirebreak(config, { database, logger: createLogger(config.LOG_LEVEL) });
  let tokens = 0;
  return {
    ...firebreak,
    adminToken: TEST_ADMIN_TOKEN,
    async tokenFor(role, name, options = {}) {
      const tokenName = name ?? `${role}-${++tokens}`;
      let owner: string | null = null;
      // Ingest and SCIM tokens belong to a service by nature.
      if (!options.service && role !== 'ingest' && role !== 'scim') {
        const [person] = await firebreak.database.db
          .insert(users)
          .values({
            email: `token-owner-${randomUUID()}@example.com`,
            name: tokenName,
            role,
            passwordHash: 'none: this person logs in with a token only',
          })
          .returning({ id: users.id });
        owner = person?.id ?? null;
      }
      const { token } = await createToken(
        systemContext(firebreak.database.db, firebreak.config),
        owner ? { name: tokenName, role, owner } : { name: tokenName, role, service: tokenName },
      );
      return token;
    },
    request(method, requestPath, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? TEST_ADMIN_TOKEN : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body = options.body;
      if (options.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(options.json);
      }
      return Promise.resolve(firebreak.app.request(requestPath, { method, headers, body }));
    },
  };
}
