import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { slackIncidentChannels } from '../schema/slack-incident-channels.ts';

/** The incident whose Slack channel this is, if any. */
export async function incidentForChannel(db: Database, channelId: string | undefined): Promise<string | null> {
  if (!channelId) return null;
  const [row] = await db
    .select({ incidentId: slackIncidentChannels.incidentId })
    .from(slackIncidentChannels)
    .where(eq(slackIncidentChannels.channelId, channelId));
  return row?.incidentId ?? null;
}
