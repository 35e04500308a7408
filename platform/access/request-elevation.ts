import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { recordAudit } from '../audit/index.ts';
import type { ActionContext } from '../auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError } from '../errors.ts';
import { scheduleTimer } from '../scheduler/index.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import { users } from '../schema/users.ts';
import type { AccessAnnouncer } from './announcements.ts';
import type { ElevationRequestInput } from './elevation-input.ts';
import { ELEVATION_EXPIRY_TIMER, ELEVATION_REQUEST_EXPIRY_TIMER, requestExpiresAt, roleRank } from './elevation-roles.ts';
import { expireElevation } from './end-elevation.ts';
import { expireElevationRequest } from './expire-elevation-request.ts';

/**
 * A person asks for a higher role for a while, with a reason. Another admin decides; with
 * ELEVATION_SELF_APPROVE it is granted at once, and announced loudly, since nobody else looked.
 */
export async function requestElevation(ctx: ActionContext, input: ElevationRequestInput, announce: AccessAnnouncer): Promise<Elevation> {
  const userId = ctx.actor.userId;
  if (!userId) throw new ForbiddenError(`"${ctx.actor.name}" is not a person: only people are elevated, for a while, with a reason.`);
  if (ctx.actor.elevation)
    throw new ConflictError('You are elevated already: end that elevation before asking for another.', 'elevation_open');
  const selfApprove = ctx.config.ELEVATION_SELF_APPROVE;
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [person] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.disabledAt)));
    if (!person) throw new ForbiddenError('Your account is disabled.');
    if (roleRank(input.role) <= roleRank(person.role)) {
      const problem = `must be above your own role "${person.role}"`;
      throw new InvalidInputError(`Invalid request: role: ${problem}.`, { issues: [`role: ${problem}`], fields: { role: problem } });
    }
    // An elevation past its end, or a request past its time, that the scheduler has not recorded yet
    // would block the new one.
    const unansweredSince = new Date(now.getTime() - ctx.config.ELEVATION_REQUEST_TTL_MINUTES * 60_000);
    const [lapsed] = await tx
      .select({ id: elevations.id, status: elevations.status })
      .from(elevations)
      .where(
        and(
          eq(elevations.userId, userId),
          or(
            and(eq(elevations.status, 'active'), lte(elevations.endsAt, now)),
            and(eq(elevations.status, 'pending'), lte(elevations.requestedAt, unansweredSince)),
          ),
        ),
      );
    if (lapsed?.status === 'active') await expireElevation(tx, ctx.config, lapsed.id, now, announce);
    else if (lapsed) await expireElevationRequest(tx, ctx.config, lapsed.id, now, announce);
    const endsAt = new Date(now.getTime() + input.minutes * 60_000);
    const [row] = await tx
      .insert(elevations)
      .values({
        userId,
        userName: person.name,
        fromRole: person.role,
        role: input.role,
        reason: input.reason,
        minutes: input.minutes,
        requestedAt: now,
        ...(selfApprove
          ? {
              status: 'active' as const,
              selfApproved: true,
              decidedAt: now,
              decidedByName: ctx.actor.name,
              decidedByUserId: userId,
              startsAt: now,
              endsAt,
            }
          : { status: 'pending' as const }),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw new ConflictError('You have an elevation pending or in force already: withdraw or end it first.', 'elevation_open');
    }
    const details = { user: person.email, fromRole: row.fromRole, role: row.role, minutes: row.minutes, reason: row.reason };
    await recordAudit(tx, ctx, { action: 'auth.elevation.request', targetType: 'elevation', targetId: row.id, details });
    if (selfApprove) {
      await recordAudit(tx, ctx, {
        action: 'auth.elevation.self_approve',
        targetType: 'elevation',
        targetId: row.id,
        details: { ...details, endsAt: endsAt.toISOString(), warning: 'granted without a second person (ELEVATION_SELF_APPROVE)' },
      });
      await scheduleTimer(tx, { kind: ELEVATION_EXPIRY_TIMER, key: row.id, dueAt: endsAt, payload: { elevationId: row.id } });
      await announce(tx, ctx.config, { kind: 'elevation.granted', elevation: row });
    } else {
      await scheduleTimer(tx, {
        kind: ELEVATION_REQUEST_EXPIRY_TIMER,
        key: row.id,
        dueAt: requestExpiresAt(now, ctx.config.ELEVATION_REQUEST_TTL_MINUTES),
        payload: { elevationId: row.id },
      });
      await announce(tx, ctx.config, { kind: 'elevation.requested', elevation: row });
    }
    return row;
  });
}
