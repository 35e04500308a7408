import type { Config, Database } from '../platform/index.ts';
import type { EnqueuedMessage } from './enqueue-message.ts';
import { enqueueMessage, insertOutboxMessage } from './enqueue-message.ts';
import type { SlackMessagePayload } from './outbox-payloads.ts';
import { settingsFromConfig } from './settings.ts';

/**
 * Queues a Slack message to one conversation outside the incident's channel: a person (their user
 * id opens a direct message from the app) or a named channel. Without SLACK_BOT_TOKEN it is stored
 * dead with the reason, so that its status says why it was not sent.
 */
export async function enqueueSlackMessage(
  tx: Database,
  config: Config,
  payload: SlackMessagePayload,
  idempotencyKey: string,
): Promise<EnqueuedMessage> {
  const settings = settingsFromConfig(config);
  return insertOutboxMessage(tx, settings, {
    channel: 'slack',
    kind: 'slack.message',
    idempotencyKey,
    payload,
    undeliverable: settings.slack ? undefined : 'Slack is not configured: SLACK_BOT_TOKEN is not set',
  });
}

/** A person to reach directly. */
export interface Recipient {
  email: string;
  slackUserId: string | null;
}

/** One message for a person, worded for each way it may reach them. */
export interface PersonalMessage {
  /** Slack's text (mrkdwn), also its notification's preview. */
  slackText: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * Reaches a person directly, in the caller's transaction: a Slack direct message when they have a
 * Slack id and Slack is configured, otherwise an e-mail to their address. Answers which way it went.
 */
export async function messagePerson(
  tx: Database,
  config: Config,
  recipient: Recipient,
  message: PersonalMessage,
  idempotencyKey: string,
): Promise<{ via: 'slack' | 'email'; to: string; message: EnqueuedMessage }> {
  if (recipient.slackUserId && settingsFromConfig(config).slack) {
    const enqueued = await enqueueSlackMessage(
      tx,
      config,
      { channel: recipient.slackUserId, text: message.slackText },
      `${idempotencyKey}:slack`,
    );
    return { via: 'slack', to: recipient.slackUserId, message: enqueued };
  }
  const enqueued = await enqueueMessage(tx, config, {
    channel: 'email',
    idempotencyKey: `${idempotencyKey}:email`,
    payload: { to: recipient.email, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) },
  });
  return { via: 'email', to: recipient.email, message: enqueued };
}
