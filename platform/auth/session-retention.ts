import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { queryRows } from '../database/index.ts';
import type { RetentionClass } from '../retention/retention-class.ts';
import { pruneSsoState } from './sso/index.ts';

/**
 * Dashboard sessions and failed-login records as a retention class (SESSION_RETENTION_DAYS): a session
 * is deleted that long after it ended (revoked, idle past SESSION_IDLE_MINUTES, or past its absolute
 * expiry), a failed login that long after it happened. Live sessions are never touched. Single sign-on
 * state (sign-in requests, remembered SAML assertion ids) goes once it expired: it guards replays only
 * while an assertion could still be accepted.
 */
export function sessionRetention(config: Pick<Config, 'SESSION_IDLE_MINUTES'>): RetentionClass {
  const ended = sql`least(expires_at, revoked_at, last_seen_at + make_interval(mins => ${config.SESSION_IDLE_MINUTES}))`;
  return {
    name: 'sessions',
    async oldestRowAt(db) {
      const [row] = await queryRows<{ oldest: Date | string | null }>(
        db,
        sql`select least((select min(${ended}) from sessions), (select min(at) from login_failures)) as oldest`,
      );
      return row?.oldest ? new Date(row.oldest) : null;
    },
    async deleteBatch(tx, cutoff, limit) {
      const before = cutoff.toISOString();
      const sessions = await queryRows<{ one: number }>(
        tx,
        sql`delete from sessions where id in (select id from sessions where ${ended} < ${before}::timestamptz limit ${limit}) returning 1 as one`,
      );
      const failures = await queryRows<{ one: number }>(
        tx,
        sql`delete from login_failures where id in (
              select id from login_failures where at < ${before}::timestamptz order by at limit ${limit})
            returning 1 as one`,
      );
      await pruneSsoState(tx, new Date());
      return sessions.length + failures.length;
    },
  };
}
