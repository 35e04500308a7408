import type { Database } from '../../platform/index.ts';
import { insertOutboxMessage } from '../enqueue-message.ts';
import type { SlackRoute } from '../routing/resolve-routes.ts';
import type { StoredSnapshot } from '../stored-snapshot.ts';
import type { Block } from './blocks.ts';

export function slackOrderingKey(incidentId: string): string {
  return `slack:${incidentId}`;
}

export interface SyncIncidentPayload {
  incident: StoredSnapshot;
  route: SlackRoute;
}

export interface PostPayload {
  incident: StoredSnapshot;
  text: string;
  blocks?: Block[];
  /** Also post in the broadcast channels (not only the incident channel). */
  broadcast: boolean;
}

/** Opens what is missing of the incident's Slack presence (channel, invites, summary, announcements) and updates the rest. */
export async function enqueueSlackSync(tx: Database, incident: StoredSnapshot, route: SlackRoute, idempotencyKey: string): Promise<void> {
  const payload: SyncIncidentPayload = { incident, route };
  await insertOutboxMessage(tx, { channel: 'slack', kind: 'slack.sync_incident', idempotencyKey, orderingKey: slackOrderingKey(incident.id), payload: { ...payload } });
}

/** Posts a line about the incident in its channel (and the broadcast channels when asked). */
export async function enqueueSlackPost(tx: Database, input: PostPayload, idempotencyKey: string): Promise<void> {
  await insertOutboxMessage(tx, { channel: 'slack', kind: 'slack.post', idempotencyKey, orderingKey: slackOrderingKey(input.incident.id), payload: { ...input } });
}
