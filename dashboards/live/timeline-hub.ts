import type { TimelineEvent } from '../../incidents/index.ts';
import { listTimeline, parseTimelineAnnouncement, TIMELINE_CHANNEL } from '../../incidents/index.ts';
import type { DatabaseHandle, Logger } from '../../platform/index.ts';
import { ACCESS_ENDED_CHANNEL } from '../../platform/index.ts';

/** What a viewer of one incident receives when events are appended to it. */
export interface IncidentUpdate {
  incidentId: string;
  events: TimelineEvent[];
}

type IncidentListener = (update: IncidentUpdate) => void;
type ListListener = () => void;

// Announcements arriving within this window are fetched together: one query per incident per batch.
const BATCH_MS = 20;
// The list page refetches its rows on a nudge; a burst of alerts becomes one nudge.
const LIST_DEBOUNCE_MS = 250;

/**
 * One LISTEN on the timeline channel per process, fanned out to every live viewer. When events are
 * announced for an incident someone watches, they are read once and handed to all its viewers;
 * list viewers get a debounced nudge.
 */
export class TimelineHub {
  private readonly incidentListeners = new Map<string, Set<IncidentListener>>();
  private readonly listListeners = new Set<ListListener>();
  private readonly pending = new Map<string, Set<number>>();
  private readonly stopHandlers = new Set<() => void>();
  private readonly accessEndedHandlers = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;
  private batchTimer: NodeJS.Timeout | null = null;
  private listTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (once); later calls wait for the same LISTEN. */
  ensureListening(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the live timeline is shutting down'));
    this.starting ??= Promise.all([
      this.database.listen(TIMELINE_CHANNEL, (payload) => this.onAnnouncement(payload)),
      // A person disabled or removed anywhere (any replica) loses their open streams at once.
      this.database.listen(ACCESS_ENDED_CHANNEL, (userId) => this.endAccessOf(userId)),
    ])
      .then((unlistens) => {
        this.unlisten = async () => {
          await Promise.all(unlistens.map((unlisten) => unlisten()));
        };
        this.logger.debug({ channel: TIMELINE_CHANNEL }, 'listening for timeline events');
      })
      .catch((error: unknown) => {
        this.starting = null;
        throw error;
      });
    return this.starting;
  }

  /** Calls `listener` with each batch of new events of the incident; returns the unsubscribe. */
  async watchIncident(incidentId: string, listener: IncidentListener): Promise<() => void> {
    await this.ensureListening();
    let listeners = this.incidentListeners.get(incidentId);
    if (!listeners) this.incidentListeners.set(incidentId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.incidentListeners.delete(incidentId);
    };
  }

  /** Calls `listener` (debounced) whenever any incident's timeline changes. */
  async watchList(listener: ListListener): Promise<() => void> {
    await this.ensureListening();
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  }

  /** Called when the process shuts down, so live connections end instead of holding the server open. */
  onStop(handler: () => void): () => void {
    this.stopHandlers.add(handler);
    return () => this.stopHandlers.delete(handler);
  }

  /** Calls `handler` when the person's access ends (disabled, removed); returns the unsubscribe. */
  onAccessEnded(userId: string, handler: () => void): () => void {
    let handlers = this.accessEndedHandlers.get(userId);
    if (!handlers) this.accessEndedHandlers.set(userId, (handlers = new Set()));
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) this.accessEndedHandlers.delete(userId);
    };
  }

  private endAccessOf(userId: string): void {
    for (const handler of this.accessEndedHandlers.get(userId) ?? []) handler();
  }

  viewerCount(): number {
    let count = this.listListeners.size;
    for (const listeners of this.incidentListeners.values()) count += listeners.size;
    return count;
  }

  private onAnnouncement(payload: string): void {
    const announcement = parseTimelineAnnouncement(payload);
    if (!announcement) return;
    if (this.listListeners.size > 0 && !this.listTimer) {
      this.listTimer = setTimeout(() => {
        this.listTimer = null;
        for (const listener of this.listListeners) listener();
      }, LIST_DEBOUNCE_MS);
    }
    if (!this.incidentListeners.has(announcement.incidentId)) return;
    let ids = this.pending.get(announcement.incidentId);
    if (!ids) this.pending.set(announcement.incidentId, (ids = new Set()));
    for (const id of announcement.eventIds) ids.add(id);
    this.batchTimer ??= setTimeout(() => void this.flush(), BATCH_MS);
  }

  private async flush(): Promise<void> {
    this.batchTimer = null;
    const batches = [...this.pending.entries()];
    this.pending.clear();
    await Promise.all(
      batches.map(async ([incidentId, ids]) => {
        const listeners = this.incidentListeners.get(incidentId);
        if (!listeners || listeners.size === 0) return;
        try {
          const wanted = [...ids].sort((a, b) => a - b);
          const first = wanted[0] ?? 0;
          // Ids are global, so the page after (first - 1) holds the announced events, and maybe others of this incident.
          const { events } = await listTimeline(this.database.db, incidentId, {
            after: first - 1,
            limit: Math.min(1000, Math.max(50, wanted.length * 4)),
          });
          const update: IncidentUpdate = { incidentId, events: events.filter((event) => ids.has(event.id)) };
          if (update.events.length === 0) return;
          for (const listener of listeners) listener(update);
        } catch (error) {
          this.logger.warn({ err: error, incidentId }, 'could not read announced timeline events');
        }
      }),
    );
  }

  /** Ends every open live stream (browsers reconnect by themselves), keeping the LISTEN. */
  endStreams(): void {
    for (const handler of this.stopHandlers) handler();
    this.stopHandlers.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endStreams();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.listTimer) clearTimeout(this.listTimer);
    this.incidentListeners.clear();
    this.listListeners.clear();
    await this.starting?.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
  }
}
