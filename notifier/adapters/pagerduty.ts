import type { Agent } from 'node:https';
import { event } from '@pagerduty/pdjs';
import { DeliveryError, parseRetryAfter } from '../delivery-error.ts';
import { PagerDutyMessage, readMessage } from '../outbox-payloads.ts';
import type { ChannelAdapter } from '../outbox-worker.ts';

export interface PagerDutyAdapterOptions {
  /** Host (and port) of the Events API, PAGERDUTY_SERVER. */
  server: string;
  timeoutMs: number;
  /** An HTTPS agent that trusts extra certificate authorities (PAGERDUTY_CA_FILE; tests' own CA). */
  agent?: Agent;
  /**
   * pdjs itself retries a 429 three times, this many ms apart, before handing it back; kept short so
   * that the outbox (which honours Retry-After) decides the real wait.
   */
  rateLimitRetryMs?: number;
}

/** PagerDuty Events API v2 through @pagerduty/pdjs: trigger, acknowledge and resolve by dedup key. */
export function createPagerDutyAdapter(options: PagerDutyAdapterOptions): ChannelAdapter {
  const rateLimitRetryMs = options.rateLimitRetryMs ?? 250;
  return {
    channel: 'pagerduty',
    async deliver(message) {
      const page = readMessage(PagerDutyMessage, message).payload;
      let response: Awaited<ReturnType<typeof event>>;
      try {
        response = await event({
          server: options.server,
          data: {
            routing_key: page.routingKey,
            event_action: page.action,
            dedup_key: page.dedupKey,
            payload: {
              summary: page.summary,
              source: 'firebreak',
              severity: page.severity,
              ...(page.component ? { component: page.component } : {}),
              group: 'firebreak',
              class: 'incident',
              custom_details: page.customDetails,
            },
            links: [{ href: page.link, text: 'Incident timeline in Firebreak' }],
          },
          retryTimeout: rateLimitRetryMs,
          signal: AbortSignal.timeout(options.timeoutMs + 3 * rateLimitRetryMs),
          // node-fetch (under pdjs) takes the agent from the request options.
          ...(options.agent ? ({ agent: options.agent } as Record<string, unknown>) : {}),
        });
      } catch (error) {
        throw new DeliveryError(`PagerDuty: ${error instanceof Error ? error.message : String(error)}`, true);
      }
      const status = response.status;
      const body = response.data as { status?: string; message?: string; dedup_key?: string; errors?: string[] } | undefined;
      if (status === 202 || status === 200) return { status, dedupKey: body?.dedup_key ?? page.dedupKey, message: body?.message ?? null };
      const detail = [body?.message, ...(body?.errors ?? [])].filter(Boolean).join('; ');
      if (status === 429) {
        throw new DeliveryError(`PagerDuty: rate limited (429)`, true, parseRetryAfter(response.headers.get('retry-after')) ?? 30_000);
      }
      throw new DeliveryError(`PagerDuty: HTTP ${status}${detail ? `: ${detail}` : ''}`, status >= 500 || status === 408);
    },
  };
}
