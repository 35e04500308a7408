import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../auth/actor.ts';
import { assertPermission, assertPersonMayApprove } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { cancelTimers, scheduleTimer } from '../scheduler/index.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { auditElevation } from './audit-elevation.ts';
import { ElevationSelfApprovalError } from './elevation-errors.ts';
import type { ElevationDecisionInput } from './elevation-input.ts';
import { ELEVATION_EXPIRY_TIMER, ELEVATION_REQUEST_EXPIRY_TIMER } from './elevation-roles.ts';
import { expireElevationRequest, isUnansweredRequest, requestExpiredError } from './expire-elevation-request.ts';

/** The elevation, for a decision: it exists, and the decider is an admin in their own right and not the asker. */
async function decidable(ctx: ActionContext, elevationId: string): Promise<Elevation> {
  assertPermission(ctx.actor, 'users:manage');
  assertPersonMayApprove(ctx.actor);
  // Elevations do not grant each other: an admin for the hour cannot make another one.
  if (ctx.actor.elevation) throw new ForbiddenError('You are elevated yourself: an elevation is decided by an admin in their own right.');
  if (!z.uuid().safeParse(elevationId).success) throw new NotFoundError(`No elevation "${elevationId}".`);
  const [row] = await ctx.db.select().from(elevations).where(eq(elevations.id, elevationId));
  if (!row) throw new NotFoundError(`No elevation "${elevationId}".`);
  if (row.userId === ctx.actor.userId) throw new ElevationSelfApprovalError();
  return row;
}

// "decided" when another admin decided it between our read and our update (the WHERE clause saw it).
const notPending = (status: string) =>
  new ConflictError(`This elevation is ${status} already: only a pending one is approved or refused.`, 'elevation_closed');

export type ElevationDecision = 'approve' | 'refuse';

/**
 * Another admin decides a pending elevation: approved, it starts now and lasts the minutes asked for;
 * refused, it stays refused (with the note, if any).
 */
export async function decideElevation(
  ctx: ActionContext,
  elevationId: string,
  decision: ElevationDecision,
  input: ElevationDecisionInput,
  announce: AccessAnnouncer,
): Promise<Elevation> {
  const pending = await decidable(ctx, elevationId);
  const now = new Date();
  if (isUnansweredRequest(pending, ctx.config, now)) {
    // Past its time but not yet expired by the scheduler: expire it now, so that the page and the
    // audit trail say what the refusal says.
    if (pending.status === 'pending') await ctx.db.transaction((tx) => expireElevationRequest(tx, ctx.config, pending.id, now, announce));
    throw requestExpiredError(pending, ctx.config);
  }
  if (pending.status !== 'pending') throw notPending(pending.status);
  const endsAt = new Date(now.getTime() + pending.minutes * 60_000);
  const decided = {
    decidedAt: now,
    decidedByName: ctx.actor.name,
    decidedByUserId: ctx.actor.userId ?? null,
    decisionNote: input.note || null,
  };
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(elevations)
      .set(decision === 'approve' ? { ...decided, status: 'active', startsAt: now, endsAt } : { ...decided, status: 'refused' })
      .where(and(eq(elevations.id, pending.id), eq(elevations.status, 'pending')))
      .returning();
    if (!row) throw notPending('decided');
    await cancelTimers(tx, ELEVATION_REQUEST_EXPIRY_TIMER, row.id);
    if (decision === 'approve') {
      await scheduleTimer(tx, { kind: ELEVATION_EXPIRY_TIMER, key: row.id, dueAt: endsAt, payload: { elevationId: row.id } });
    }
    await auditElevation(tx, ctx, decision === 'approve' ? 'auth.elevation.approve' : 'auth.elevation.refuse', row, {
      note: row.decisionNote,
      ...(decision === 'approve' ? { endsAt: endsAt.toISOString() } : {}),
    });
    await announce(tx, ctx.config, { kind: decision === 'approve' ? 'elevation.granted' : 'elevation.refused', elevation: row });
    return row;
  });
}
