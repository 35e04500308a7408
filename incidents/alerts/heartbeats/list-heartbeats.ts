import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { NotFoundError } from '../../../platform/index.ts';
import { incidentReference } from '../../incident-reference.ts';
import { incidents } from '../../schema/incidents.ts';
import { formatMatcher } from '../matchers.ts';
import { silentAfter } from './heartbeat-timer.ts';
import type { Heartbeat } from './schema/heartbeats.ts';
import { heartbeats } from './schema/heartbeats.ts';

/** ok: heard within its interval; late: past its interval, within grace; waiting: never heard yet; silent: missed. */
export type HeartbeatState = 'ok' | 'late' | 'waiting' | 'silent';

/** A heartbeat as the API and the dashboard show it. */
export interface HeartbeatView {
  id: string;
  name: string;
  /** Alertmanager notation: `alertname="Watchdog"`. */
  matchers: string;
  source: Heartbeat['source'];
  intervalSeconds: number;
  graceSeconds: number;
  severity: Heartbeat['severity'];
  origin: Heartbeat['origin'];
  state: HeartbeatState;
  lastHeardAt: string | null;
  /** When the next delivery is expected. */
  nextDueAt: string;
  /** When, unheard, it counts as missed and opens its incident. */
  silentAfter: string;
  /** The open "alerting pipeline silent" incident, while it is missed. */
  incident: { id: string; reference: string } | null;
  createdAt: string;
}

export function heartbeatState(heartbeat: Heartbeat, now: Date): HeartbeatState {
  if (heartbeat.incidentId || silentAfter(heartbeat).getTime() <= now.getTime()) return 'silent';
  if (!heartbeat.lastHeardAt) return 'waiting';
  return heartbeat.lastHeardAt.getTime() + heartbeat.intervalSeconds * 1000 < now.getTime() ? 'late' : 'ok';
}

function present(heartbeat: Heartbeat, incidentNumber: number | null, now: Date): HeartbeatView {
  const from = heartbeat.lastHeardAt ?? heartbeat.createdAt;
  return {
    id: heartbeat.id,
    name: heartbeat.name,
    matchers: heartbeat.matchers.map(formatMatcher).join(', '),
    source: heartbeat.source,
    intervalSeconds: heartbeat.intervalSeconds,
    graceSeconds: heartbeat.graceSeconds,
    severity: heartbeat.severity,
    origin: heartbeat.origin,
    state: heartbeatState(heartbeat, now),
    lastHeardAt: heartbeat.lastHeardAt?.toISOString() ?? null,
    nextDueAt: new Date(from.getTime() + heartbeat.intervalSeconds * 1000).toISOString(),
    silentAfter: silentAfter(heartbeat).toISOString(),
    incident:
      heartbeat.incidentId && incidentNumber !== null
        ? { id: heartbeat.incidentId, reference: incidentReference({ number: incidentNumber }) }
        : null,
    createdAt: heartbeat.createdAt.toISOString(),
  };
}

function selectHeartbeats(db: Database) {
  return db
    .select({ heartbeat: heartbeats, incidentNumber: incidents.number })
    .from(heartbeats)
    .leftJoin(incidents, eq(incidents.id, heartbeats.incidentId));
}

/** Every heartbeat by name, with its state at `now`. */
export async function listHeartbeats(db: Database, now = new Date()): Promise<HeartbeatView[]> {
  const rows = await selectHeartbeats(db).orderBy(asc(heartbeats.name));
  return rows.map((row) => present(row.heartbeat, row.incidentNumber, now));
}

/** One heartbeat, by id or name. */
export async function getHeartbeat(db: Database, idOrName: string, now = new Date()): Promise<HeartbeatView> {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const [row] = await selectHeartbeats(db).where(isId ? eq(heartbeats.id, idOrName) : eq(heartbeats.name, idOrName));
  if (!row) throw new NotFoundError(`No heartbeat ${JSON.stringify(idOrName.slice(0, 100))}.`);
  return present(row.heartbeat, row.incidentNumber, now);
}
