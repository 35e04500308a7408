import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { ActionContext } from '../auth/actor.ts';
import { assertPermission, assertPersonMayApprove } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { scheduleTimer } from '../scheduler/index.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { ElevationSelfApprovalError } from './elevation-errors.ts';
import type { ElevationDecisionInput } from './elevation-input.ts';
import { ELEVATION_EXPIRY_TIMER } from './elevation-roles.ts';

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
  if (pending.status !== 'pending') throw notPending(pending.status);
  const now = new Date();
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
    if (decision === 'approve') {
      await scheduleTimer(tx, { kind: ELEVATION_EXPIRY_TIMER, key: row.id, dueAt: endsAt, payload: { elevationId: row.id } });
    }
    await recordAudit(tx, ctx, {
      action: decision === 'approve' ? 'auth.elevation.approve' : 'auth.elevation.refuse',
      targetType: 'elevation',
      targetId: row.id,
      details: {
        user: row.userName,
        userId: row.userId,
        role: row.role,
        note: row.decisionNote,
        ...(decision === 'approve' ? { endsAt: endsAt.toISOString() } : {}),
      },
    });
    await announce(tx, ctx.config, { kind: decision === 'approve' ? 'elevation.granted' : 'elevation.refused', elevation: row });
    return row;
  });
}
