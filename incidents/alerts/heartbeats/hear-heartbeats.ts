import { and, eq } from 'drizzle-orm';
import { notifyIncidentChange } from '../../../notifier/index.ts';
import type { ActionContext, Database } from '../../../platform/index.ts';
import { preparedStatement, SYSTEM_ACTOR } from '../../../platform/index.ts';
import { incidentSnapshot } from '../../incident-snapshot.ts';
import { setIncidentResolvedAt } from '../../incident-writes.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import type { Matcher } from '../matchers.ts';
import { matchesAll } from '../matchers.ts';
import type { AlertSource } from '../schema/alerts.ts';
import { armHeartbeat, silentAfter } from './heartbeat-timer.ts';
import { heartbeats } from './schema/heartbeats.ts';

interface KnownHeartbeat {
  id: string;
  matchers: Matcher[];
  source: AlertSource | null;
}

/**
 * The heartbeats each process knows, read again at most every few seconds: ingestion matches every
 * delivery against them, and a read per request would be a round trip per request. A change made in
 * this process is seen at once (forgetHeartbeats); one made in another replica within RELOAD_MS.
 */
const RELOAD_MS = 5000;
const known = new WeakMap<Database, { loadedAt: number; list: Promise<KnownHeartbeat[]> }>();

async function loadHeartbeats(db: Database): Promise<KnownHeartbeat[]> {
  return db.select({ id: heartbeats.id, matchers: heartbeats.matchers, source: heartbeats.source }).from(heartbeats);
}

/** After a heartbeat was added, changed or removed: the next delivery reads them again. */
export function forgetHeartbeats(db: Database): void {
  known.delete(db);
}

async function knownHeartbeats(db: Database): Promise<KnownHeartbeat[]> {
  const now = Date.now();
  const entry = known.get(db);
  if (!entry) {
    const list = loadHeartbeats(db);
    known.set(db, { loadedAt: now, list });
    list.catch(() => known.delete(db));
    return list;
  }
  if (now - entry.loadedAt > RELOAD_MS) {
    // Read again beside this request, which goes on with the list it has: no round trip added to it.
    entry.loadedAt = now;
    loadHeartbeats(db).then(
      (list) => known.set(db, { loadedAt: Date.now(), list: Promise.resolve(list) }),
      () => known.delete(db),
    );
  }
  return entry.list;
}

/**
 * Splits a delivery into the heartbeats it carries (the ids of those heard: a firing alert matching
 * one, from its path) and the alerts to ingest. A heartbeat's own alert is consumed, whichever path
 * brought it: it is always firing by design, and as an alert it would open an incident that never ends.
 */
export async function takeHeartbeats<Alert extends { labels: Record<string, string>; endsAt: Date | null }>(
  db: Database,
  alerts: readonly Alert[],
  source: AlertSource,
  now: Date,
): Promise<{ heard: string[]; alerts: readonly Alert[] }> {
  const list = await knownHeartbeats(db);
  if (list.length === 0) return { heard: [], alerts };
  const heard = new Set<string>();
  const rest: Alert[] = [];
  for (const alert of alerts) {
    const matched = list.filter((heartbeat) => matchesAll(heartbeat.matchers, alert.labels));
    if (matched.length === 0) {
      rest.push(alert);
      continue;
    }
    const firing = alert.endsAt === null || alert.endsAt.getTime() > now.getTime();
    for (const heartbeat of matched) if (firing && (heartbeat.source === null || heartbeat.source === source)) heard.add(heartbeat.id);
  }
  return { heard: [...heard], alerts: rest };
}

interface HeardRow {
  id: string;
  incident_id: string | null;
}

// One statement, beside the request's own ingest transaction (on another pooled connection): a
// delivery carrying a heartbeat costs no round trip more than one without.
const markHeard = preparedStatement<[ids: string, now: string], HeardRow>(`
  update heartbeats set last_heard_at = $2::text::timestamptz
  where id = any(string_to_array($1::text, ',')::uuid[]) and (last_heard_at is null or last_heard_at < $2::text::timestamptz)
  returning id::text as id, incident_id::text as incident_id`);

/**
 * Records that these heartbeats were heard at `now`. One that was missed (its incident open) is heard
 * again: its incident resolves (the timeline and Slack say so, its page is resolved) and it is armed again.
 */
export async function hearHeartbeats(ctx: ActionContext, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const rows = await markHeard(ctx.db, ids.join(','), now.toISOString());
  const recovered = rows.filter((row) => row.incident_id !== null);
  if (recovered.length === 0) return;
  await ctx.db.transaction(async (tx) => {
    for (const row of recovered) await recoverHeartbeat(tx, ctx, row.id, now);
  });
}

async function recoverHeartbeat(tx: Database, ctx: ActionContext, heartbeatId: string, now: Date): Promise<void> {
  const [heartbeat] = await tx.select().from(heartbeats).where(eq(heartbeats.id, heartbeatId)).for('update');
  const incidentId = heartbeat?.incidentId;
  // Another delivery recovered it meanwhile.
  if (!heartbeat || !incidentId) return;
  await tx
    .update(heartbeats)
    .set({ incidentId: null, updatedAt: now })
    .where(and(eq(heartbeats.id, heartbeat.id), eq(heartbeats.incidentId, incidentId)));
  await armHeartbeat(tx, heartbeat.id, silentAfter(heartbeat));
  await appendTimelineEvent(tx, SYSTEM_ACTOR, {
    incidentId,
    type: 'heartbeat.heard',
    occurredAt: now,
    data: { heartbeat: heartbeat.name, source: heartbeat.source, deliveredBy: ctx.actor.name },
  });
  const resolved = await setIncidentResolvedAt(tx, incidentId, now);
  if (resolved)
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'resolved',
      incident: incidentSnapshot(resolved),
      at: now,
      actorName: SYSTEM_ACTOR.name,
      via: 'heartbeat',
      heartbeat: heartbeat.name,
    });
}
