import type { Database } from '../../platform/index.ts';
import { insertOutboxMessage } from '../enqueue-message.ts';
import type { SlackPostPayload, SlackRoute } from '../outbox-payloads.ts';
import type { NotifierSettings } from '../settings.ts';
import type { StoredSnapshot } from '../stored-snapshot.ts';

export function slackOrderingKey(incidentId: string): string {
  return `slack:${incidentId}`;
}

/** Opens what is missing of the incident's Slack presence (channel, invites, summary, announcements) and updates the rest. */
export async function enqueueSlackSync(
  tx: Database,
  settings: NotifierSettings,
  incident: StoredSnapshot,
  route: SlackRoute,
  idempotencyKey: string,
): Promise<void> {
  await insertOutboxMessage(tx, settings, {
    channel: 'slack',
    kind: 'slack.sync_incident',
    idempotencyKey,
    orderingKey: slackOrderingKey(incident.id),
    payload: { incident, route },
  });
}

/** Posts a line about the incident in its channel (and the broadcast channels when asked). */
export async function enqueueSlackPost(
  tx: Database,
  settings: NotifierSettings,
  payload: SlackPostPayload,
  idempotencyKey: string,
): Promise<void> {
  await insertOutboxMessage(tx, settings, {
    channel: 'slack',
    kind: 'slack.post',
    idempotencyKey,
    orderingKey: slackOrderingKey(payload.incident.id),
    payload,
  });
}
