import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config, Database } from '../../platform/index.ts';
import { queryRows, SYSTEM_ACTOR } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import type { PendingEvent } from './alert-events.ts';
import { recordAlertEvents } from './alert-events.ts';
import { alertSettingsFrom } from './alert-settings.ts';
import type { StoredAlert } from './alert-statements.ts';
import { correlate } from './correlation.ts';
import type { Plan } from './ingest-shapes.ts';
import { findInhibitor, readInhibition } from './inhibition.ts';
import { nameAlert } from './name-alert.ts';
import type { Alert, AlertStatus } from './schema/alerts.ts';
import { alerts } from './schema/alerts.ts';
import { settleIncidents } from './settle-incidents.ts';

const BATCH = 500;

interface EndedInhibition {
  fingerprint: string;
  group_key: string;
  inhibited_by: string;
  source_labels: Record<string, string> | null;
  source_status: AlertStatus | null;
}

/**
 * Alerts still firing whose inhibiting source no longer fires: resolved, expired, past its endsAt
 * and not yet marked, or gone. Only inhibited rows are read (alerts_inhibited_idx).
 */
const selectEnded = (now: Date) => sql`
  select t.fingerprint, t.group_key, t.inhibited_by, s.labels as source_labels,
    case when s.status = 'firing' then 'expired' else s.status end as source_status
  from alerts t left join alerts s on s.fingerprint = t.inhibited_by
  where t.inhibited_by is not null and t.status = 'firing'
    and (t.ends_at is null or t.ends_at > ${now.toISOString()}::timestamptz)
    and (s.id is null or s.status <> 'firing' or (s.ends_at is not null and s.ends_at <= ${now.toISOString()}::timestamptz))
  order by t.id
  limit ${BATCH}`;

/** Why an alert is no longer inhibited, in the words of its timeline entry. */
function releaseReason(row: EndedInhibition): string {
  if (!row.source_labels) return 'no longer inhibited: its source alert is gone';
  return `no longer inhibited: source ${nameAlert(row.inhibited_by, row.source_labels)} ${row.source_status ?? 'stopped firing'}`;
}

function storedAlertOf(row: Alert): StoredAlert {
  return {
    fingerprint: row.fingerprint,
    status: row.status,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    endsAtIsTimeout: row.endsAtIsTimeout,
    annotations: row.annotations,
    generatorUrl: row.generatorUrl,
    severity: row.severity,
    groupKey: row.groupKey,
    incidentId: row.incidentId,
    silenceId: row.silenceId,
    inhibitedBy: row.inhibitedBy,
    flapCount: row.flapCount,
    flapWindowStart: row.flapWindowStart,
    lastChangeAt: row.lastChangeAt,
    flappingSince: row.flappingSince,
    flapNotifiedAt: row.flapNotifiedAt,
  };
}

/**
 * Releases the alerts whose inhibiting source stopped firing (Alertmanager mutes a target only while
 * its source fires): an alert another firing source still inhibits is kept muted under that source;
 * the others open or join their incident, and notify and page, as if they had just arrived. Run on the
 * expiry job's tick, after expiry, so that a source that expires releases its targets in the same
 * transaction, and one resolved by a delivery within one tick (5 s). Alerts a request is changing
 * right now are left for the next tick. Returns how many were released.
 */
export async function releaseInhibitedAlerts(tx: Database, now: Date, config: Config): Promise<number> {
  const ended = await queryRows<EndedInhibition>(tx, selectEnded(now));
  if (ended.length === 0) return 0;
  const settings = alertSettingsFrom(config);
  const held = await tryLockKeys(
    tx,
    ended.flatMap((row) => [lockName('alert', row.fingerprint), lockName('group', row.group_key)]),
  );
  const endedBy = new Map(ended.map((row) => [row.fingerprint, row]));
  // Read again under the locks: a request may have changed them since the first read.
  const free = ended.filter((row) => held.has(lockName('alert', row.fingerprint)) && held.has(lockName('group', row.group_key)));
  if (free.length === 0) return 0;
  const locked = await tx
    .select()
    .from(alerts)
    .where(
      and(
        inArray(
          alerts.fingerprint,
          free.map((row) => row.fingerprint),
        ),
        eq(alerts.status, 'firing'),
      ),
    );
  const inhibition = await readInhibition(tx, now, []);
  const plans: Plan[] = [];
  const stillMuted: { fingerprint: string; inhibitedBy: string }[] = [];
  const unmutedInIncident: string[] = [];
  for (const row of locked) {
    const before = endedBy.get(row.fingerprint);
    if (!before || row.inhibitedBy !== before.inhibited_by) continue;
    const other = findInhibitor(inhibition, row.fingerprint, row.labels);
    if (other) stillMuted.push({ fingerprint: row.fingerprint, inhibitedBy: other });
    else if (row.incidentId) unmutedInIncident.push(row.fingerprint);
    else {
      const stored = storedAlertOf(row);
      // The stored state is the delivery: the alert arrives again as it is, without a change of state.
      const incoming = {
        fingerprint: row.fingerprint,
        labels: row.labels,
        delivery: stored,
        groupKey: row.groupKey,
        actor: SYSTEM_ACTOR,
        source: row.source,
      };
      plans.push({ incoming, row: stored, merge: { next: stored, change: 'unchanged', events: [] } });
    }
  }
  await Promise.all([
    ...stillMuted.map((muted) =>
      tx
        .update(alerts)
        .set({ inhibitedBy: muted.inhibitedBy, updatedAt: now })
        .where(and(eq(alerts.fingerprint, muted.fingerprint), eq(alerts.status, 'firing'))),
    ),
    // Alerts that were already in an incident when their source began firing: only the mark goes.
    unmutedInIncident.length > 0
      ? tx
          .update(alerts)
          .set({ inhibitedBy: null, updatedAt: now })
          .where(and(inArray(alerts.fingerprint, unmutedInIncident), eq(alerts.status, 'firing')))
      : Promise.resolve(),
  ]);
  if (plans.length === 0) return unmutedInIncident.length;

  // Every group of these alerts is locked exclusively above: correlation may open their incidents.
  // Inhibition was judged just now; silences are judged by correlation as for any arriving alert.
  const placement = await correlate(
    tx,
    plans,
    new Set(),
    { silences: null, inhibition: null, candidates: [], queriedGroups: new Set() },
    { settings, config, now },
  );
  const events: PendingEvent[] = [];
  const touched = new Set<string>();
  for (const plan of plans) {
    const placed = placement.get(plan.incoming.fingerprint);
    if (!placed) continue;
    await tx
      .update(alerts)
      .set({
        incidentId: placed.incidentId,
        silenceId: placed.silenceId,
        inhibitedBy: null,
        groupKey: placed.incidentId ? placed.groupKey : plan.incoming.groupKey,
        updatedAt: now,
      })
      .where(and(eq(alerts.fingerprint, plan.incoming.fingerprint), eq(alerts.status, 'firing')));
    if (!placed.incidentId) continue;
    touched.add(placed.incidentId);
    const before = endedBy.get(plan.incoming.fingerprint);
    events.push({
      incidentId: placed.incidentId,
      actor: SYSTEM_ACTOR,
      event: { type: 'fired' },
      fingerprint: plan.incoming.fingerprint,
      labels: plan.incoming.labels,
      state: plan.merge.next,
      joinedNew: placed.isNewIncident,
      because: before ? releaseReason(before) : undefined,
    });
  }
  await recordAlertEvents(tx, events);
  await settleIncidents(tx, { now, config }, touched, events, placement.incidents);
  return plans.length + unmutedInIncident.length;
}
