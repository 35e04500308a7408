import { and, eq, isNotNull, notLike } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { users } from '../schema/users.ts';
import type { SecretBox } from './secret-box.ts';

/**
 * Seals the TOTP seeds still stored in plain text (enrolled before seeds were sealed), at startup.
 * Each is replaced only if unchanged meanwhile, so replicas starting together do no harm. Answers how many.
 */
export async function sealPlainTotpSeeds(db: Database, box: SecretBox): Promise<number> {
  const plain = await db
    .select({ id: users.id, seed: users.totpSecret })
    .from(users)
    .where(and(isNotNull(users.totpSecret), notLike(users.totpSecret, 'v1:%')));
  let sealed = 0;
  for (const { id, seed } of plain) {
    if (seed === null || box.isSealed(seed)) continue;
    const updated = await db
      .update(users)
      .set({ totpSecret: box.seal(seed, id) })
      .where(and(eq(users.id, id), eq(users.totpSecret, seed)))
      .returning({ id: users.id });
    sealed += updated.length;
  }
  return sealed;
}
