import { eq } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, NotFoundError, recordAudit } from '../../platform/index.ts';
import { serviceScope } from './playbook-checklists.ts';
import { playbooks } from './schema/playbooks.ts';

/** Removes a service's playbook; running incidents keep the checklists they were given. */
export async function deletePlaybook(ctx: ActionContext, service: string): Promise<void> {
  assertPermission(ctx.actor, 'playbooks:write');
  await ctx.db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(playbooks)
      .where(eq(playbooks.scope, serviceScope(service)))
      .returning();
    if (!deleted) throw new NotFoundError(`No playbook for service "${service}".`);
    await recordAudit(tx, ctx, {
      action: 'incidents.playbook.delete',
      targetType: 'playbook',
      targetId: deleted.scope,
      details: { service },
    });
  });
}
