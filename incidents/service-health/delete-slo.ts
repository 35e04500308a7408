import { eq } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, NotFoundError, recordAudit } from '../../platform/index.ts';
import { slos } from './schema/slos.ts';

/** DELETE /api/slos/:id. A burning SLO's alerts are resolved by the next evaluation (it no longer exists). */
export async function deleteSlo(ctx: ActionContext, id: string): Promise<void> {
  assertPermission(ctx.actor, 'slos:write');
  await ctx.db.transaction(async (tx) => {
    const [slo] = await tx.select().from(slos).where(eq(slos.id, id)).for('update');
    if (!slo) throw new NotFoundError(`No SLO with id ${id}.`);
    if (slo.source === 'file') throw new ConflictError(`SLO "${slo.name}" comes from SLO_CONFIG_FILE; remove it there.`, 'slo_from_file');
    if (slo.pageBurningSince || slo.ticketBurningSince) {
      throw new ConflictError(`SLO "${slo.name}" is burning its error budget; delete it once the burn has stopped.`, 'slo_burning');
    }
    await tx.delete(slos).where(eq(slos.id, id));
    await recordAudit(tx, ctx, {
      action: 'services.slo.delete',
      targetType: 'slo',
      targetId: id,
      details: { service: slo.service, name: slo.name },
    });
  });
}
