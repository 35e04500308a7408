import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Logger } from '../logger.ts';
import { users } from '../schema/users.ts';
import { systemContext } from './actor.ts';
import { createToken, hasLiveAdminToken } from './tokens.ts';

// Keeps two replicas starting together from both minting a first admin token.
const BOOTSTRAP_LOCK = 4_201_109;

export const INITIAL_TOKEN_FILE = 'initial-admin-token';

/**
 * With no admin yet (no live admin token, no admin user), makes the first admin token: the value of
 * FIREBREAK_BOOTSTRAP_TOKEN, or a new one written to DATA_DIR/initial-admin-token (mode 0600).
 */
export async function ensureInitialAdmin(db: Database, config: Config, logger: Logger): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [adminUser] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
      .limit(1);
    if (adminUser || (await hasLiveAdminToken(tx))) return;

    const ctx = systemContext(tx, config);
    if (config.FIREBREAK_BOOTSTRAP_TOKEN) {
      await createToken(ctx, { name: 'bootstrap', role: 'admin' }, config.FIREBREAK_BOOTSTRAP_TOKEN);
      logger.info('created the first admin token from FIREBREAK_BOOTSTRAP_TOKEN');
      return;
    }
    const { token } = await createToken(ctx, { name: 'initial-admin', role: 'admin' });
    const file = path.join(config.dataDirectory, INITIAL_TOKEN_FILE);
    await mkdir(config.dataDirectory, { recursive: true });
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    logger.info({ file }, `no admin existed: the first admin token is in ${file}`);
  });
}
