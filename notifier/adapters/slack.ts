import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { DeliveryError } from '../delivery-error.ts';
import type { SlackPostPayload, SlackSyncPayload } from '../outbox-payloads.ts';
import { readMessage, SlackMessage } from '../outbox-payloads.ts';
import type { ChannelAdapter } from '../outbox-worker.ts';
import type { OutboxMessage } from '../schema/outbox-messages.ts';
import { outboxMessages } from '../schema/outbox-messages.ts';
import type { SlackIncidentChannel } from '../schema/slack-incident-channels.ts';
import { slackIncidentChannels } from '../schema/slack-incident-channels.ts';
import type { IncidentFacts } from '../slack/blocks.ts';
import { incidentChannelName, renderAnnouncement, renderSummary } from '../slack/blocks.ts';
import { timelineUrl } from '../stored-snapshot.ts';

export interface SlackAdapterOptions {
  client: WebClient;
  publicUrl: string;
  /** Current alerts and deadlines for the summary (the incidents part provides them). */
  describeIncident: (db: Database, incidentId: string) => Promise<IncidentFacts | null>;
}

// Platform errors that say "try again later"; every other one will not get better by retrying.
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** The Web API client as the outbox wants it: no retries of its own, a 429 handed back with its Retry-After. */
export function createSlackClient(token: string, slackApiUrl: string, timeoutMs: number): WebClient {
  return new WebClient(token, { slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: timeoutMs });
}

function classify(error: unknown, method: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof WebAPIRateLimitedError) return new DeliveryError(`Slack ${method}: rate limited`, true, error.retryAfter * 1000);
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return new DeliveryError(`Slack ${method}: ${code}`, RETRYABLE_PLATFORM_ERRORS.has(code));
  }
  if (error instanceof WebAPIHTTPError)
    return new DeliveryError(`Slack ${method}: HTTP ${error.statusCode}`, error.statusCode >= 500 || error.statusCode === 408);
  if (error instanceof WebAPIRequestError) return new DeliveryError(`Slack ${method}: ${error.original.message}`, true);
  return new DeliveryError(`Slack ${method}: ${error instanceof Error ? error.message : String(error)}`, true);
}

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classify(error, method);
  }
}

function platformCode(error: unknown): string | null {
  return error instanceof WebAPIPlatformError ? error.data.error : null;
}

async function loadState(db: Database, incidentId: string): Promise<SlackIncidentChannel> {
  await db.insert(slackIncidentChannels).values({ incidentId }).onConflictDoNothing();
  const [state] = await db.select().from(slackIncidentChannels).where(eq(slackIncidentChannels.incidentId, incidentId));
  if (!state) throw new Error(`Slack state of incident ${incidentId} vanished`);
  return state;
}

// Each step is saved as soon as Slack confirms it, so a retry after a failure repeats none of them.
async function saveState(db: Database, incidentId: string, changes: Partial<SlackIncidentChannel>): Promise<void> {
  await db
    .update(slackIncidentChannels)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(slackIncidentChannels.incidentId, incidentId));
}

/** Slack through @slack/web-api: the incident channel, invites, the summary with buttons, posts, broadcasts. */
export function createSlackAdapter(options: SlackAdapterOptions): ChannelAdapter {
  const { client } = options;

  /** The channel of that name the bot is a member of: ours, made by an attempt whose answer was lost. */
  async function findOwnChannel(name: string): Promise<string | null> {
    let cursor: string | undefined;
    do {
      const page = await call('conversations.list', () =>
        client.conversations.list({ types: 'public_channel', exclude_archived: true, limit: 1000, cursor }),
      );
      const found = page.channels?.find((channel) => channel.name === name);
      if (found) return found.is_member && found.id ? found.id : null;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  }

  async function createChannel(db: Database, payload: SlackSyncPayload): Promise<{ id: string; name: string }> {
    const base = incidentChannelName(payload.incident);
    for (const name of [base, `${base.slice(0, 74)}-${payload.incident.id.slice(0, 5)}`]) {
      let id: string | null;
      try {
        const created = await client.conversations.create({ name });
        id = created.channel?.id ?? null;
        if (!id) throw new DeliveryError('Slack conversations.create: no channel id in the answer', true);
      } catch (error) {
        if (platformCode(error) !== 'name_taken') throw classify(error, 'conversations.create');
        id = await findOwnChannel(name);
      }
      if (id) {
        await saveState(db, payload.incident.id, { channelId: id, channelName: name });
        return { id, name };
      }
    }
    throw new DeliveryError(`Slack conversations.create: the channel names ${base} and its variant are taken`, false);
  }

  async function sync(db: Database, payload: SlackSyncPayload): Promise<Record<string, unknown>> {
    const { incident, route } = payload;
    const link = timelineUrl(options.publicUrl, incident);
    let state = await loadState(db, incident.id);
    const done: string[] = [];
    let channelId = state.channelId;
    if (route.incidentChannel && !channelId) {
      channelId = (await createChannel(db, payload)).id;
      done.push('channel');
    }
    if (channelId) {
      const toInvite = route.invitees.filter((user) => !state.invited.includes(user));
      if (toInvite.length > 0) {
        try {
          await client.conversations.invite({ channel: channelId, users: toInvite.join(',') });
        } catch (error) {
          if (platformCode(error) !== 'already_in_channel') throw classify(error, 'conversations.invite');
        }
        await saveState(db, incident.id, { invited: [...state.invited, ...toInvite] });
        done.push('invite');
      }
      const facts = await options.describeIncident(db, incident.id).catch(() => null);
      const summary = renderSummary(incident, link, facts);
      if (state.summaryTs) {
        await call('chat.update', () =>
          client.chat.update({ channel: channelId ?? '', ts: state.summaryTs ?? '', text: summary.text, blocks: summary.blocks as never }),
        );
        done.push('summary updated');
      } else {
        const posted = await call('chat.postMessage', () =>
          client.chat.postMessage({ channel: channelId ?? '', text: summary.text, blocks: summary.blocks as never }),
        );
        if (!posted.ts) throw new DeliveryError('Slack chat.postMessage: no ts in the answer', true);
        await saveState(db, incident.id, { summaryTs: posted.ts });
        done.push('summary posted');
      }
    }
    state = await loadState(db, incident.id);
    const broadcasts = { ...state.broadcasts };
    for (const target of route.broadcastChannels) {
      const announcement = renderAnnouncement(incident, link, channelId);
      const existing = broadcasts[target];
      if (existing) {
        await call('chat.update', () =>
          client.chat.update({ channel: existing.channel, ts: existing.ts, text: announcement.text, blocks: announcement.blocks as never }),
        );
      } else {
        const posted = await call('chat.postMessage', () =>
          client.chat.postMessage({ channel: target, text: announcement.text, blocks: announcement.blocks as never }),
        );
        if (!posted.ts || !posted.channel) throw new DeliveryError('Slack chat.postMessage: no ts in the answer', true);
        broadcasts[target] = { channel: posted.channel, ts: posted.ts };
        await saveState(db, incident.id, { broadcasts });
      }
      done.push(`broadcast ${target}`);
    }
    return { channelId, done };
  }

  async function post(db: Database, message: OutboxMessage, payload: SlackPostPayload): Promise<Record<string, unknown>> {
    const [state] = await db.select().from(slackIncidentChannels).where(eq(slackIncidentChannels.incidentId, payload.incident.id));
    const targets = new Set<string>();
    if (state?.channelId) targets.add(state.channelId);
    if (state && (payload.broadcast || !state.channelId))
      for (const broadcast of Object.values(state.broadcasts)) targets.add(broadcast.channel);
    if (targets.size === 0) return { skipped: 'the incident has no Slack channel or announcement' };
    // Channels already posted to by an earlier, partly failed attempt are not posted to again.
    const posted = { ...((message.result ?? {}) as Record<string, string>) };
    for (const channel of targets) {
      if (posted[channel]) continue;
      const answer = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel, text: payload.text, ...(payload.blocks ? { blocks: payload.blocks as never } : {}) }),
      );
      posted[channel] = answer.ts ?? 'posted';
      await db.update(outboxMessages).set({ result: posted }).where(eq(outboxMessages.id, message.id));
    }
    return posted;
  }

  return {
    channel: 'slack',
    async deliver(message, db) {
      const stored = readMessage(SlackMessage, message);
      switch (stored.kind) {
        case 'slack.sync_incident':
          return sync(db, stored.payload);
        case 'slack.post':
          return post(db, message, stored.payload);
        case 'slack.message': {
          const { channel, text, blocks } = stored.payload;
          const answer = await call('chat.postMessage', () =>
            client.chat.postMessage({ channel, text, ...(blocks ? { blocks: blocks as never } : {}) }),
          );
          return { channel: answer.channel ?? channel, ts: answer.ts ?? null };
        }
      }
    },
  };
}
