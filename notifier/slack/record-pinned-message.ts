import type { WebClient } from '@slack/web-api';
import { and, eq } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { slackPinnedMessages } from '../schema/slack-pinned-messages.ts';
import { incidentForChannel } from './incident-for-channel.ts';
import type { SlackHandlers } from './slack-handlers.ts';

/**
 * A message pinned (📌 reaction or Slack's pin) in an incident channel becomes a timeline note, once:
 * Slack retries events and a message can be pinned both ways.
 */
export async function recordPinnedMessage(
  ctx: ActionContext,
  handlers: SlackHandlers,
  client: WebClient | null,
  input: { channelId: string; messageTs: string; text?: string },
): Promise<'noted' | 'ignored'> {
  const incidentId = await incidentForChannel(ctx.db, input.channelId);
  if (!incidentId) return 'ignored';
  const [claimed] = await ctx.db
    .insert(slackPinnedMessages)
    .values({ channelId: input.channelId, messageTs: input.messageTs })
    .onConflictDoNothing()
    .returning();
  if (!claimed) return 'ignored';
  try {
    let text = input.text;
    if (text === undefined && client) {
      const history = await client.conversations.history({ channel: input.channelId, latest: input.messageTs, inclusive: true, limit: 1 });
      text = history.messages?.find((message) => message.ts === input.messageTs)?.text;
    }
    if (!text) throw new Error(`the pinned message ${input.messageTs} could not be read`);
    await handlers.addNote(ctx, incidentId, { text: `:pushpin: ${text}`, source: 'slack' });
    return 'noted';
  } catch (error) {
    // Let a later pin (or Slack's retry) try again.
    await ctx.db
      .delete(slackPinnedMessages)
      .where(and(eq(slackPinnedMessages.channelId, input.channelId), eq(slackPinnedMessages.messageTs, input.messageTs)));
    throw error;
  }
}
