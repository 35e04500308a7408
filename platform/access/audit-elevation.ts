import type { AuditContext } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Elevation } from '../schema/elevations.ts';

/** Who acts when the scheduler ends an elevation or a request by itself. */
export const schedulerAuditContext = (config: Config): AuditContext => ({
  actor: SYSTEM_ACTOR,
  requestId: null,
  sourceAddress: null,
  config,
});

/** An audit entry for a step of an elevation: whose, which role, and what the step adds. */
export function auditElevation(
  tx: Database,
  ctx: AuditContext,
  action: string,
  elevation: Elevation,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(tx, ctx, {
    action,
    targetType: 'elevation',
    targetId: elevation.id,
    details: { user: elevation.userName, userId: elevation.userId, role: elevation.role, ...details },
  });
}
