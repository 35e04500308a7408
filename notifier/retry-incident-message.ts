import { and, asc, eq, lte } from 'drizzle-orm';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, NotFoundError } from '../platform/index.ts';
import { pagerdutyOrderingKey } from './pagerduty/enqueue-page.ts';
import { retryMessage } from './retry-message.ts';
import type { OutboxMessage } from './schema/outbox-messages.ts';
import { outboxMessages } from './schema/outbox-messages.ts';
import { slackOrderingKey } from './slack/enqueue-slack.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Retries one of an incident's messages (from its page): a message of another incident is not found here. */
export async function retryIncidentMessage(
  ctx: ActionContext,
  incidentId: string,
  messageId: string,
): Promise<{ retried: OutboxMessage[] }> {
  assertPermission(ctx.actor, 'notifications:retry');
  const [message] = UUID.test(messageId) ? await ctx.db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId)) : [];
  const keys = [slackOrderingKey(incidentId), pagerdutyOrderingKey(incidentId)];
  if (!message?.orderingKey || !keys.includes(message.orderingKey)) throw new NotFoundError(`This incident has no message ${messageId}.`);
  // A message held back behind an earlier dead one goes out only after it: retry from the earliest,
  // which revives those behind it, in order.
  const [earliest] = await ctx.db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.orderingKey, message.orderingKey),
        lte(outboxMessages.sequence, message.sequence),
        eq(outboxMessages.status, 'dead'),
      ),
    )
    .orderBy(asc(outboxMessages.sequence))
    .limit(1);
  return retryMessage(ctx, earliest?.id ?? messageId);
}
