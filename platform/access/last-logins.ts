import { sql } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { queryRows } from '../database/index.ts';
import type { User } from '../schema/users.ts';

export interface LastLogin {
  at: Date;
  /** How they logged in, as the login's audit entry says (e.g. "password+totp"). */
  method: string | null;
}

/**
 * When each person last logged in to the dashboard, by user id. Read from the audit trail's login
 * entries, which are kept for good (sessions are pruned a day after they end).
 */
export async function lastLogins(db: Database): Promise<Map<string, LastLogin>> {
  const rows = await queryRows<{ user_id: string; at: string | Date; method: string | null }>(
    db,
    sql`select distinct on (actor_id) actor_id as user_id, at, details->>'method' as method
        from audit_entries where action = 'auth.session.login' and actor_type = 'user'
        order by actor_id, at desc`,
  );
  return new Map(rows.map((row) => [row.user_id, { at: new Date(row.at), method: row.method }]));
}

/**
 * How a person logs in, for the access review: "password" (local password and TOTP) until single
 * sign-on gives people an identity provider, whose name this answers then.
 */
export function loginMethodOf(_person: Pick<User, 'id'>): string {
  return 'password';
}
