import type { WebClient } from '@slack/web-api';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv, Logger } from '../../platform/index.ts';
import {
  DomainError,
  InvalidInputError,
  isUnsafeText,
  replaceUnsafeText,
  replaceUnsafeTextDeep,
  UnauthorizedError,
  UnavailableError,
  unsafeText,
} from '../../platform/index.ts';
import { ReplayGuard } from '../replay-guard.ts';
import { recordPinnedMessage } from './record-pinned-message.ts';
import { runAction } from './run-action.ts';
import type { SlackReply } from './run-command.ts';
import { runCommand } from './run-command.ts';
import { slackContext } from './slack-actor.ts';
import type { SlackHandlers } from './slack-handlers.ts';
import { SIGNATURE_WINDOW_SECONDS, verifySlackSignature } from './verify-signature.ts';

/** Slack gives up after 3 s; past this much work the answer goes later through response_url. */
const ANSWER_BUDGET_MS = 2500;

const BlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  response_url: z.url().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const EventEnvelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({
    type: z.literal('event_callback'),
    event_id: z.string().optional(),
    event: z.object({ type: z.string() }).loose(),
  }),
]);

const ReactionAdded = z.object({
  type: z.literal('reaction_added'),
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});
const PinAdded = z.object({
  type: z.literal('pin_added'),
  user: z.string(),
  channel_id: z.string(),
  item: z.object({ type: z.string(), message: z.object({ ts: z.string(), text: z.string().optional() }).optional() }),
});

/** Reads the raw body and checks Slack's signature over it; refuses with 503 when no signing secret is set. */
async function verifiedBody(c: Context<AppEnv>, replays: ReplayGuard): Promise<string> {
  const secret = c.var.deps.config.SLACK_SIGNING_SECRET;
  if (!secret) throw new UnavailableError('Slack is not configured here: SLACK_SIGNING_SECRET is unset.');
  const raw = await c.req.text();
  const signature = c.req.header('x-slack-signature');
  verifySlackSignature(secret, { timestamp: c.req.header('x-slack-request-timestamp'), signature }, raw);
  // A valid signature is good for the whole window: the same one twice is a replay.
  if (signature && !replays.firstTime(signature)) throw new UnauthorizedError('This Slack request was already received (a replay?).');
  return raw;
}

/*
 * Slack cannot be told "400, field x": what people type there reaches us whatever it holds. So U+0000
 * and lone surrogates are replaced with U+FFFD (and counted) here, once, before anything else reads it.
 */
function slackForm(raw: string): URLSearchParams {
  const form = new URLSearchParams();
  let replaced = 0;
  for (const [name, value] of new URLSearchParams(raw)) {
    if (isUnsafeText(value) || isUnsafeText(name)) replaced++;
    form.append(replaceUnsafeText(name), replaceUnsafeText(value));
  }
  if (replaced) unsafeText.inc({ source: 'slack', action: 'replaced' }, replaced);
  return form;
}

function slackJson(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  const replaced = replaceUnsafeTextDeep(parsed);
  if (replaced) unsafeText.inc({ source: 'slack', action: 'replaced' }, replaced);
  return parsed;
}

/** A person-readable line for an error, for an ephemeral reply; unknown errors are logged and kept vague. */
function explain(error: unknown, logger: Logger): string {
  if (error instanceof DomainError) return `:no_entry: ${error.message}`;
  logger.error({ err: error }, 'Slack request failed');
  return ':boom: Firebreak could not do that just now; try again, or use the web page.';
}

/** Resolves to the work's result, or to `late` when it takes longer than the budget (the work goes on). */
function withinBudget<T>(work: Promise<T>, late: T): Promise<T> {
  return Promise.race([work, new Promise<T>((resolve) => setTimeout(() => resolve(late), ANSWER_BUDGET_MS).unref())]);
}

async function sendToResponseUrl(url: string | undefined, reply: SlackReply, logger: Logger): Promise<void> {
  if (!url) return;
  try {
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...reply, replace_original: false }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    logger.warn({ err: error }, 'could not answer through Slack response_url');
  }
}

/**
 * /slack: slash commands, buttons (interactivity) and the Events API, each authenticated by Slack's
 * signature and acting as the Firebreak user linked to the Slack user. `client` (the notifier's, null
 * without SLACK_BOT_TOKEN) reads a pinned message that the event does not carry.
 */
export function slackRoutes(handlers: SlackHandlers, client: WebClient | null) {
  // A timestamp is accepted from five minutes before to five after: a signature lives ten minutes.
  const replays = new ReplayGuard(2 * SIGNATURE_WINDOW_SECONDS * 1000);
  return new Hono<AppEnv>()
    .post('/commands', describeRoute({ summary: 'Slack slash command /incident (signed by Slack)', tags: ['slack'] }), async (c) => {
      const form = slackForm(await verifiedBody(c, replays));
      const { logger, deps } = c.var;
      const work = (async (): Promise<SlackReply> => {
        try {
          const ctx = await slackContext(deps.database.db, deps.config, form.get('user_id') ?? undefined, c.var.requestId);
          return await runCommand(ctx, handlers, {
            text: form.get('text') ?? '',
            channelId: form.get('channel_id') ?? undefined,
            publicUrl: deps.config.publicUrl,
          });
        } catch (error) {
          return { response_type: 'ephemeral', text: explain(error, logger) };
        }
      })();
      const late: SlackReply = { response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' };
      const reply = await withinBudget(work, late);
      if (reply === late) void work.then((result) => sendToResponseUrl(form.get('response_url') ?? undefined, result, logger));
      return c.json(reply);
    })
    .post(
      '/actions',
      describeRoute({ summary: 'Slack interactivity: the buttons of incident messages (signed by Slack)', tags: ['slack'] }),
      async (c) => {
        const form = slackForm(await verifiedBody(c, replays));
        const { logger, deps } = c.var;
        let payload: z.infer<typeof BlockActionsPayload>;
        try {
          const parsed = BlockActionsPayload.safeParse(slackJson(form.get('payload') ?? ''));
          if (!parsed.success) return c.body(null, 200);
          payload = parsed.data;
        } catch {
          throw new InvalidInputError('The payload field is not JSON.');
        }
        const work = (async () => {
          const replies: string[] = [];
          try {
            const ctx = await slackContext(deps.database.db, deps.config, payload.user.id, c.var.requestId);
            for (const action of payload.actions) {
              const line = await runAction(ctx, handlers, { actionId: action.action_id, value: action.value });
              if (line) replies.push(line);
            }
          } catch (error) {
            replies.push(explain(error, logger));
          }
          if (replies.length)
            await sendToResponseUrl(payload.response_url, { response_type: 'ephemeral', text: replies.join('\n') }, logger);
        })();
        await withinBudget(work, undefined);
        return c.body(null, 200);
      },
    )
    .post(
      '/events',
      describeRoute({ summary: 'Slack Events API: url_verification, pinned messages become notes (signed by Slack)', tags: ['slack'] }),
      async (c) => {
        const raw = await verifiedBody(c, replays);
        const { logger, deps } = c.var;
        let envelope: z.infer<typeof EventEnvelope>;
        try {
          const parsed = EventEnvelope.safeParse(slackJson(raw));
          if (!parsed.success) return c.body(null, 200);
          envelope = parsed.data;
        } catch {
          throw new InvalidInputError('The event body is not JSON.');
        }
        if (envelope.type === 'url_verification') return c.json({ challenge: envelope.challenge });
        const event = envelope.event;
        let pin: { user: string; channelId: string; messageTs: string; text?: string } | null = null;
        const reaction = ReactionAdded.safeParse(event);
        if (
          reaction.success &&
          reaction.data.reaction === 'pushpin' &&
          reaction.data.item.type === 'message' &&
          reaction.data.item.channel &&
          reaction.data.item.ts
        ) {
          pin = { user: reaction.data.user, channelId: reaction.data.item.channel, messageTs: reaction.data.item.ts };
        }
        const pinned = PinAdded.safeParse(event);
        if (pinned.success && pinned.data.item.type === 'message' && pinned.data.item.message) {
          pin = {
            user: pinned.data.user,
            channelId: pinned.data.channel_id,
            messageTs: pinned.data.item.message.ts,
            text: pinned.data.item.message.text,
          };
        }
        if (pin) {
          const found = pin;
          const work = (async () => {
            try {
              const ctx = await slackContext(deps.database.db, deps.config, found.user, c.var.requestId);
              await recordPinnedMessage(ctx, handlers, client, found);
            } catch (error) {
              if (error instanceof DomainError) logger.info({ slackUser: found.user, reason: error.message }, 'Slack pin not recorded');
              else logger.error({ err: error }, 'Slack pin could not be recorded');
            }
          })();
          await withinBudget(work, undefined);
        }
        return c.body(null, 200);
      },
    );
}
