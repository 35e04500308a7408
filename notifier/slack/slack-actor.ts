import type { ActionContext, Config, Database } from '../../platform/index.ts';
import { ForbiddenError, findUserBySlackId, permissionsOf, systemContext } from '../../platform/index.ts';

/** The Firebreak user behind a Slack user id, acting with their own role; refused when none is linked. */
export async function slackContext(
  db: Database,
  config: Config,
  slackUserId: string | undefined,
  requestId: string | null,
): Promise<ActionContext> {
  if (!slackUserId) throw new ForbiddenError('The Slack request names no user.');
  const user = await findUserBySlackId(systemContext(db, config), slackUserId);
  if (!user || user.disabledAt) {
    throw new ForbiddenError(
      `Your Slack account (${slackUserId}) is not linked to a Firebreak user; ask an admin to set your Slack user id.`,
    );
  }
  return {
    db,
    actor: { kind: 'slack', id: user.id, userId: user.id, name: user.name, role: user.role, permissions: permissionsOf(user.role) },
    requestId,
    sourceAddress: null,
    config,
  };
}
