import { sql } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { endAllSessions } from './sessions.ts';
import { revokeTokensOf } from './tokens.ts';

/**
 * Announced (Postgres NOTIFY, payload: the user id) when a person's access ends, so that every
 * replica closes that person's open live streams at once instead of at their next heartbeat.
 */
export const ACCESS_ENDED_CHANNEL = 'firebreak_access_ended';

/**
 * Ends a person's access at once, in the caller's transaction: every session ends, every token of
 * theirs is revoked (it does not come back if they are enabled again), and live streams are told.
 */
export async function endAccess(
  tx: Database,
  userId: string,
  now: Date = new Date(),
): Promise<{ endedSessions: number; revokedTokens: number }> {
  const endedSessions = await endAllSessions(tx, userId, now);
  const revokedTokens = await revokeTokensOf(tx, userId, now);
  // Delivered when the transaction commits, and not at all if it rolls back.
  await tx.execute(sql`select pg_notify(${ACCESS_ENDED_CHANNEL}, ${userId})`);
  return { endedSessions, revokedTokens };
}
