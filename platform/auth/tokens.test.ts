import { expect } from 'vitest';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { openTestDatabase } from '../../test/harness/database.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { watchStatements } from '../../test/harness/statements.ts';
import type { Database } from '../database/index.ts';
import { systemContext } from './actor.ts';
import { authenticateToken, createToken, revokeToken } from './tokens.ts';

/** Counts the statements sent on this handle whose text contains `fragment`. */
function countStatements(db: Database, fragment: string): () => number {
  let count = 0;
  watchStatements(db, (text) => {
    if (text.includes(fragment)) count++;
  });
  return () => count;
}

describeOnBackends('bearer tokens', (backend) => {
  it('requests that present a token while its lookup is under way share that lookup; nothing is kept after it', async () => {
    // The token lookups on the pool's own connections (a server pool has lookup connections beside it by default).
    const database = await openTestDatabase(backend, { lookupConnections: 0 });
    try {
      const ctx = systemContext(database.db, TEST_CONFIG);
      const { token } = await createToken(ctx, { name: 'burst-sender', role: 'ingest' });
      const lookups = countStatements(database.db, 'from api_tokens t left join users u');

      const burst = await Promise.all(Array.from({ length: 8 }, () => authenticateToken(database.db, token)));
      expect(burst.map((actor) => `${actor?.name} ${actor?.role}`)).toEqual(Array(8).fill('burst-sender ingest'));
      expect(lookups()).toBe(1);
      // Answered, nothing is kept: the next request looks again, and a revocation holds at once.
      expect((await authenticateToken(database.db, token))?.name).toBe('burst-sender');
      expect(lookups()).toBe(2);
      await revokeToken(ctx, 'burst-sender');
      const afterRevocation = await Promise.all([authenticateToken(database.db, token), authenticateToken(database.db, token)]);
      expect(afterRevocation).toEqual([null, null]);
      expect(lookups()).toBe(3);
    } finally {
      await database.close();
    }
  });
});
