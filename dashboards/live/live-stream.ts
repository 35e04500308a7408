import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import { streamSSE } from 'hono/streaming';
import { Gauge } from 'prom-client';
import type { Database, LoginPolicy } from '../../platform/index.ts';
import { defineMetric, metricsRegistry, resolveActiveSession } from '../../platform/index.ts';
import type { DashboardEnv } from '../http.tsx';
import type { TimelineHub } from './timeline-hub.ts';

const HEARTBEAT_MS = 25_000;

const liveViewers = defineMetric(
  'firebreak_dashboard_live_viewers',
  () =>
    new Gauge({
      name: 'firebreak_dashboard_live_viewers',
      help: 'Open live (server-sent events) connections of dashboard pages.',
      registers: [metricsRegistry],
    }),
);

/** What a live page listens to: stop() ends it; catchUp() sends what the browser missed, once it is told the stream is ready. */
export interface LiveSubscription {
  stop(): void;
  catchUp?(): Promise<void>;
}

/**
 * Answers with a live stream (server-sent events) of a dashboard page: `subscribe` starts what the
 * stream carries, and the stream stays open until the browser leaves, the process stops, or the
 * viewer's session ends.
 */
export function streamLive(
  c: Context<DashboardEnv>,
  hub: TimelineHub,
  policy: LoginPolicy,
  subscribe: (stream: SSEStreamingApi) => Promise<LiveSubscription>,
): Response {
  const sessionToken = c.var.sessionToken;
  const userId = c.var.ctx.actor.userId ?? null;
  const db = c.var.ctx.db;
  return streamSSE(c, async (stream) => {
    liveViewers.inc();
    const subscription = await subscribe(stream);
    await stream.writeSSE({ event: 'ready', data: 'ok', retry: 3000 });
    await subscription.catchUp?.();
    await holdOpen(stream, hub, db, sessionToken, policy, userId);
    subscription.stop();
    liveViewers.dec();
  });
}

/**
 * Keeps a live stream open until the browser leaves, the process stops, or the session ends (checked
 * at each heartbeat: a logged-out or expired session stops receiving), or at once when the person is
 * disabled or removed.
 */
async function holdOpen(
  stream: SSEStreamingApi,
  hub: TimelineHub,
  db: Database,
  sessionToken: string,
  policy: LoginPolicy,
  userId: string | null,
): Promise<void> {
  await new Promise<void>((resolve) => {
    const removeStop = hub.onStop(() => finish());
    const removeAccessEnded = userId
      ? hub.onAccessEnded(userId, () => {
          void stream
            .writeSSE({ event: 'ended', data: 'access ended' })
            .catch(() => undefined)
            .finally(() => {
              finish();
              void stream.close().catch(() => undefined);
            });
        })
      : () => undefined;
    const heartbeat = setInterval(() => {
      void (async () => {
        const actor = await resolveActiveSession(db, sessionToken, policy, new Date(), { touch: false }).catch(() => null);
        if (!actor) {
          await stream.writeSSE({ event: 'ended', data: 'session ended' }).catch(() => undefined);
          finish();
          return;
        }
        await stream.write(': heartbeat\n\n').catch(() => finish());
      })();
    }, HEARTBEAT_MS);
    function finish() {
      clearInterval(heartbeat);
      removeStop();
      removeAccessEnded();
      resolve();
    }
    stream.onAbort(finish);
    if (stream.aborted) finish();
  });
}
