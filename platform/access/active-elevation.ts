import type { Actor } from '../auth/actor.ts';
import type { Role } from '../auth/roles.ts';
import { permissionsOf } from '../auth/roles.ts';
import type { Database } from '../database/index.ts';
import { epochMs, preparedStatement } from '../database/index.ts';
import { roleRank } from './elevation-roles.ts';

// Every request of a person asks this: one prepared statement on the one-open-elevation index.
const selectActiveElevation = preparedStatement<[userId: string], { id: string; role: Role; ends_at: number; reason: string }>(`
  select id::text as id, role, ${epochMs('ends_at')} as ends_at, reason
  from elevations where user_id = $1::uuid and status = 'active' and ends_at > now() limit 1`);

/**
 * The actor as it acts now: a person with an elevation in force acts with the elevated role and
 * carries the elevation (audit entries name it). Past its end it no longer counts, even before the
 * scheduler has recorded the expiry.
 */
export async function applyActiveElevation(db: Database, actor: Actor): Promise<Actor> {
  if (!actor.userId) return actor;
  const [row] = await selectActiveElevation(db, actor.userId);
  if (!row || roleRank(row.role) <= roleRank(actor.role)) return actor;
  return {
    ...actor,
    role: row.role,
    permissions: permissionsOf(row.role),
    elevation: { id: row.id, fromRole: actor.role, endsAt: new Date(Number(row.ends_at)), reason: row.reason },
  };
}
