import { sql } from 'drizzle-orm';
import type { ActionContext, Database } from '../../platform/index.ts';
import { assertPermission, recordAudit } from '../../platform/index.ts';
import { DEFAULT_SCOPE, serviceScope } from './playbook-checklists.ts';
import { PlaybookInput } from './playbook-input.ts';
import type { Playbook } from './schema/playbooks.ts';
import { playbooks } from './schema/playbooks.ts';

/** Stores a playbook in the caller's transaction; incidents opened from now on get its checklists. */
export async function storePlaybook(
  tx: Database,
  updatedByName: string,
  service: string | null,
  input: PlaybookInput,
  source: 'api' | 'file',
): Promise<Playbook> {
  const scope = service === null ? DEFAULT_SCOPE : serviceScope(service);
  const values = { checklists: input.checklists, runbookUrl: input.runbookUrl ?? null, source, updatedByName, updatedAt: new Date() };
  const [row] = await tx
    .insert(playbooks)
    .values({ scope, service, ...values })
    .onConflictDoUpdate({ target: playbooks.scope, set: { ...values, version: sql`${playbooks.version} + 1` } })
    .returning();
  if (!row) throw new Error('playbook upsert returned no row');
  return row;
}

/** Sets the default playbook (service null) or a service's playbook. */
export async function putPlaybook(ctx: ActionContext, service: string | null, rawInput: PlaybookInput): Promise<Playbook> {
  assertPermission(ctx.actor, 'playbooks:write');
  const input = PlaybookInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const playbook = await storePlaybook(tx, ctx.actor.name, service, input, 'api');
    await recordAudit(tx, ctx, {
      action: 'incidents.playbook.put',
      targetType: 'playbook',
      targetId: playbook.scope,
      details: {
        service,
        version: playbook.version,
        items: Object.values(input.checklists).reduce((sum, items) => sum + (items?.length ?? 0), 0),
      },
    });
    return playbook;
  });
}
