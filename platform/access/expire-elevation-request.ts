import { and, eq } from 'drizzle-orm';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { ConflictError } from '../errors.ts';
import type { Timer } from '../scheduler/index.ts';
import { cancelTimers } from '../scheduler/index.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { auditElevation, schedulerAuditContext } from './audit-elevation.ts';
import { ELEVATION_REQUEST_EXPIRY_TIMER, requestExpiresAt } from './elevation-roles.ts';

/** True for a request that nobody decided in time: it expired, or is pending past ELEVATION_REQUEST_TTL_MINUTES. */
export function isUnansweredRequest(elevation: Elevation, config: Config, now: Date): boolean {
  if (elevation.status === 'expired') return elevation.decidedAt === null;
  return elevation.status === 'pending' && requestExpiresAt(elevation.requestedAt, config.ELEVATION_REQUEST_TTL_MINUTES) <= now;
}

/** The 409 for deciding a request that expired unanswered: it says when, and what to do instead. */
export function requestExpiredError(elevation: Elevation, config: Config): ConflictError {
  const at = (elevation.endedAt ?? requestExpiresAt(elevation.requestedAt, config.ELEVATION_REQUEST_TTL_MINUTES)).toISOString();
  return new ConflictError(
    `This request expired unanswered at ${at.slice(0, 10)} ${at.slice(11, 16)} UTC (nobody decided it within ELEVATION_REQUEST_TTL_MINUTES, ` +
      `${config.ELEVATION_REQUEST_TTL_MINUTES} minutes): it can no longer be approved; ${elevation.userName} asks again if it is still needed.`,
    'elevation_request_expired',
  );
}

/**
 * Records that a pending request went unanswered for ELEVATION_REQUEST_TTL_MINUTES (in the caller's
 * transaction): it is expired, audited and the asker told. Nothing if it was decided or withdrawn meanwhile.
 */
export async function expireElevationRequest(
  tx: Database,
  config: Config,
  elevationId: string,
  now: Date,
  announce: AccessAnnouncer,
): Promise<Elevation | null> {
  // Only a request still pending expires: a decision or withdrawal that committed first wins.
  const [row] = await tx
    .update(elevations)
    .set({ status: 'expired', endedAt: now, endedByName: SYSTEM_ACTOR.name })
    .where(and(eq(elevations.id, elevationId), eq(elevations.status, 'pending')))
    .returning();
  if (!row) return null;
  await cancelTimers(tx, ELEVATION_REQUEST_EXPIRY_TIMER, row.id);
  await auditElevation(tx, schedulerAuditContext(config), 'auth.elevation.request_expire', row, {
    requestedAt: row.requestedAt.toISOString(),
    ttlMinutes: config.ELEVATION_REQUEST_TTL_MINUTES,
  });
  await announce(tx, config, { kind: 'elevation.request_expired', elevation: row });
  return row;
}

/** The scheduler's handler for ELEVATION_REQUEST_EXPIRY_TIMER. */
export function expireElevationRequestOnTimer(config: Config, announce: AccessAnnouncer) {
  return async (tx: Database, timer: Timer, now: Date): Promise<void> => {
    const elevationId = typeof timer.payload.elevationId === 'string' ? timer.payload.elevationId : null;
    if (elevationId) await expireElevationRequest(tx, config, elevationId, now, announce);
  };
}
