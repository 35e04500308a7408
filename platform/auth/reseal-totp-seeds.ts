import { and, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { users } from '../schema/users.ts';
import type { SecretBox } from './secret-box.ts';

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
