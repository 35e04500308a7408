import type { ActionContext, Config, Database } from '../../platform/index.ts';
import { applyActiveElevation, ForbiddenError, findUserBySlackId, permissionsOf, systemContext } from '../../platform/index.ts';

/**
 * The Firebreak user behind a Slack user id, acting as they would from the API or the dashboard: with
 * their own role, or the elevated one while a break-glass elevation is in force (and then every audit
 * entry of what they do says so). Refused when no user is linked.
 */
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
  const actor = await applyActiveElevation(db, {
    kind: 'slack',
    id: user.id,
    userId: user.id,
    name: user.name,
    role: user.role,
    permissions: permissionsOf(user.role),
  });
  return { db, actor, requestId, sourceAddress: null, config };
}
