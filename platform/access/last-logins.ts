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
 * How a person logs in, for the access review: "sso:<provider>" once single sign-on has linked them
 * to an identity provider, else "password" (local password and TOTP).
 */
export function loginMethodOf(person: Pick<User, 'identityProviderId'>, providerNames: ReadonlyMap<string, string>): string {
  if (!person.identityProviderId) return 'password';
  return `sso:${providerNames.get(person.identityProviderId) ?? 'removed provider'}`;
}

/**
 * The person's second factor as the review reports it: Firebreak's TOTP, the identity provider's MFA
 * when their last SSO login asserted it (a method without "+totp"), or none.
 */
export function mfaOf(person: Pick<User, 'totpEnabled' | 'identityProviderId' | 'lastLoginMethod'>): 'totp' | 'identity provider' | 'none' {
  if (person.totpEnabled) return 'totp';
  const method = person.lastLoginMethod ?? '';
  if (person.identityProviderId && (method.startsWith('oidc') || method.startsWith('saml')) && !method.includes('totp'))
    return 'identity provider';
  return 'none';
}
