import { and, eq, isNotNull } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Logger } from '../logger.ts';
import { users } from '../schema/users.ts';
import type { SecretBox } from './secret-box.ts';
import { SECRET_KEY_FILE, secretBoxFrom } from './secret-box.ts';

/** The service's secret box, made once at startup, with every stored TOTP seed sealed under its current key. */
export async function secretsAtStartup(db: Database, config: Config, logger: Logger): Promise<SecretBox> {
  if (config.DATABASE_URL && !config.FIREBREAK_SECRET_KEY) {
    logger.warn(
      { keyFile: `${config.dataDirectory}/${SECRET_KEY_FILE}` },
      'FIREBREAK_SECRET_KEY is unset: TOTP seeds are sealed with a key made in DATA_DIR; replicas sharing this database must share one key, so set FIREBREAK_SECRET_KEY',
    );
  }
  const secrets = secretBoxFrom(config);
  const resealed = await resealTotpSeeds(db, secrets);
  if (resealed > 0)
    logger.info(
      { users: resealed },
      'sealed TOTP seeds again under the current key (stored in plain text by an earlier version, or under a previous key)',
    );
  return secrets;
}

/**
 * At startup, seals again under the current key every TOTP seed that is not sealed under it: stored
 * in plain text by a version before seeds were sealed, or sealed under a key since rotated into
 * FIREBREAK_SECRET_KEY_PREVIOUS. Each is replaced only if unchanged meanwhile, so replicas starting
 * together do no harm. Answers how many it sealed.
 */
export async function resealTotpSeeds(db: Database, box: SecretBox): Promise<number> {
  const enrolled = await db.select({ id: users.id, seed: users.totpSecret }).from(users).where(isNotNull(users.totpSecret));
  let sealed = 0;
  for (const { id, seed } of enrolled) {
    if (seed === null || box.isCurrent(seed, id)) continue;
    const updated = await db
      .update(users)
      .set({ totpSecret: box.seal(box.open(seed, id), id) })
      .where(and(eq(users.id, id), eq(users.totpSecret, seed)))
      .returning({ id: users.id });
    sealed += updated.length;
  }
  return sealed;
}
