import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../auth/actor.ts';
import { can, SYSTEM_ACTOR } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Timer } from '../scheduler/index.ts';
import { cancelTimers } from '../scheduler/index.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { auditElevation, schedulerAuditContext } from './audit-elevation.ts';
import { ELEVATION_EXPIRY_TIMER, ELEVATION_REQUEST_EXPIRY_TIMER } from './elevation-roles.ts';

/**
 * Ends an elevation before its time: the person ends their own (or withdraws it while pending), an
 * admin ends anyone's. A pending one of someone else is refused, not ended.
 */
export async function endElevation(ctx: ActionContext, elevationId: string, announce: AccessAnnouncer): Promise<Elevation> {
  if (!z.uuid().safeParse(elevationId).success) throw new NotFoundError(`No elevation "${elevationId}".`);
  const [found] = await ctx.db.select().from(elevations).where(eq(elevations.id, elevationId));
  const own = Boolean(found && found.userId === ctx.actor.userId);
  if (!found || (!own && !can(ctx.actor, 'users:manage'))) throw new NotFoundError(`No elevation "${elevationId}".`);
  if (found.status === 'pending' && !own) throw new ForbiddenError('This elevation is pending: refuse it instead of ending it.');
  if (found.status !== 'pending' && found.status !== 'active') {
    throw new ConflictError(`This elevation is ${found.status} already.`, 'elevation_closed');
  }
  const now = new Date();
  const status = found.status === 'pending' ? ('withdrawn' as const) : ('ended' as const);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(elevations)
      .set({ status, endedAt: now, endedByName: ctx.actor.name })
      .where(and(eq(elevations.id, found.id), eq(elevations.status, found.status)))
      .returning();
    if (!row) throw new ConflictError('This elevation changed meanwhile (decided, ended or expired); look again.', 'elevation_closed');
    await cancelTimers(tx, status === 'withdrawn' ? ELEVATION_REQUEST_EXPIRY_TIMER : ELEVATION_EXPIRY_TIMER, row.id);
    await auditElevation(
      tx,
      ctx,
      status === 'withdrawn' ? 'auth.elevation.withdraw' : 'auth.elevation.end',
      row,
      row.endsAt ? { endsAt: row.endsAt.toISOString() } : {},
    );
    await announce(tx, ctx.config, { kind: status === 'withdrawn' ? 'elevation.withdrawn' : 'elevation.ended', elevation: row });
    return row;
  });
}

/** Records that an active elevation reached its end (in the caller's transaction); nothing if it is no longer active. */
export async function expireElevation(
  tx: Database,
  config: Config,
  elevationId: string,
  now: Date,
  announce: AccessAnnouncer,
): Promise<void> {
  const [row] = await tx
    .update(elevations)
    .set({ status: 'expired', endedAt: now, endedByName: SYSTEM_ACTOR.name })
    .where(and(eq(elevations.id, elevationId), eq(elevations.status, 'active')))
    .returning();
  if (!row) return;
  await cancelTimers(tx, ELEVATION_EXPIRY_TIMER, row.id);
  await auditElevation(tx, schedulerAuditContext(config), 'auth.elevation.expire', row, {
    endsAt: row.endsAt?.toISOString() ?? null,
  });
  await announce(tx, config, { kind: 'elevation.expired', elevation: row });
}

/** The scheduler's handler for ELEVATION_EXPIRY_TIMER. */
export function expireElevationOnTimer(config: Config, announce: AccessAnnouncer) {
  return async (tx: Database, timer: Timer, now: Date): Promise<void> => {
    const elevationId = typeof timer.payload.elevationId === 'string' ? timer.payload.elevationId : null;
    if (elevationId) await expireElevation(tx, config, elevationId, now, announce);
  };
}
