import type { IncidentSnapshot } from '../../notifier/index.ts';
import type { Database, Severity } from '../../platform/index.ts';
import { epochMs, fromEpochMs, preparedLookup, preparedStatement } from '../../platform/index.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import type { Phase } from '../phases.ts';
import type { FlapState } from './flapping.ts';
import type { AlertState } from './merge-alert.ts';
import type { AlertSource, AlertStatus } from './schema/alerts.ts';

/*
 * The statements of alert ingestion, each prepared once per connection (see preparedStatement): a
 * storm of alerts runs them hundreds of times a second. Lists travel as one JSON parameter.
 */

/** An alert as ingestion reads it back: its current state and where it belongs. */
export interface StoredAlert extends AlertState, FlapState {
  fingerprint: string;
  groupKey: string;
  incidentId: string | null;
  silenceId: string | null;
  /** The fingerprint of the alert that inhibits this one (an inhibition rule). */
  inhibitedBy: string | null;
}

/*
 * The rows come back as one JSON text, an array per alert read by position: V8 parses it in one pass,
 * where the driver would decode and convert each of the 17 columns of each row on its own (under the
 * alerts benchmark the driver's row handling was a tenth of the Node process's time, and Node, not
 * Postgres, is what limits ingestion on two cores). Times are epoch milliseconds.
 */
type StoredAlertTuple = [
  fingerprint: string,
  status: AlertStatus,
  startsAt: number,
  endsAt: number | null,
  endsAtIsTimeout: boolean,
  annotations: Record<string, string>,
  generatorUrl: string | null,
  severity: Severity,
  groupKey: string,
  incidentId: string | null,
  silenceId: string | null,
  inhibitedBy: string | null,
  flapCount: number,
  flapWindowStart: number | null,
  lastChangeAt: number | null,
  flappingSince: number | null,
  flapNotifiedAt: number | null,
];

const STORED_ALERT_TUPLES = `json_agg(json_build_array(fingerprint, status, ${epochMs('starts_at')}, ${epochMs('ends_at')}, ends_at_is_timeout,
    annotations, generator_url, severity, group_key, incident_id, silence_id, inhibited_by, flap_count, ${epochMs('flap_window_start')},
    ${epochMs('last_change_at')}, ${epochMs('flapping_since')}, ${epochMs('flap_notified_at')}))::text`;

const SELECT_BY_FINGERPRINT = `select ${STORED_ALERT_TUPLES} as rows from alerts where fingerprint = any(string_to_array($1::text, ','))`;
const selectByFingerprint = preparedStatement<[fingerprints: string], { rows: string | null }>(SELECT_BY_FINGERPRINT);

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The stored alerts with these fingerprints (hex digits: they travel as one comma-separated text). */
export async function selectAlerts(db: Database, fingerprints: readonly string[]): Promise<Map<string, StoredAlert>> {
  if (fingerprints.length === 0) return new Map();
  const [result] = await selectByFingerprint(db, fingerprints.join(','));
  return storedAlertsOf(result?.rows ?? null);
}

function storedAlertsOf(tuples: string | null): Map<string, StoredAlert> {
  const found = new Map<string, StoredAlert>();
  if (tuples === null) return found;
  for (const row of JSON.parse(tuples) as StoredAlertTuple[]) {
    const [
      fingerprint,
      status,
      startsAt,
      endsAt,
      endsAtIsTimeout,
      annotations,
      generatorUrl,
      severity,
      groupKey,
      incidentId,
      silenceId,
      inhibitedBy,
      flapCount,
      flapWindowStart,
      lastChangeAt,
      flappingSince,
      flapNotifiedAt,
    ] = row;
    found.set(fingerprint, {
      fingerprint,
      status,
      startsAt: new Date(startsAt),
      endsAt: dateOrNull(endsAt),
      endsAtIsTimeout,
      annotations,
      generatorUrl,
      severity,
      groupKey,
      incidentId,
      silenceId,
      inhibitedBy,
      flapCount,
      flapWindowStart: dateOrNull(flapWindowStart),
      lastChangeAt: dateOrNull(lastChangeAt),
      flappingSince: dateOrNull(flappingSince),
      flapNotifiedAt: dateOrNull(flapNotifiedAt),
    });
  }
  return found;
}

// The first read: the stored alerts on the lookup connections, whose plans are kept (a seek by
// fingerprint at any size, see preparedLookup); which groups have an open incident planned each time
// (with a plan kept from few incidents it scanned every open one).
const lookUpByFingerprint = preparedLookup<[fingerprints: string], { rows: string | null }>(SELECT_BY_FINGERPRINT);
const selectOpenGroups = preparedStatement<[groupKeys: string], { groups: string | null }>(`
  select json_agg(distinct group_key)::text as groups from incidents
  where group_key = any(array(select jsonb_array_elements_text($1::text::jsonb))) and closed_at is null and recovered_at is null`);

/**
 * An ingest batch's first read, without locks, in two statements issued together (on two
 * connections): the stored alerts with these fingerprints (as selectAlerts), and which of these
 * groups have an open incident (a hint for the lock mode).
 */
export async function firstLook(
  db: Database,
  fingerprints: readonly string[],
  groupKeys: ReadonlySet<string>,
): Promise<{ stored: Map<string, StoredAlert>; groupsWithIncident: Set<string> }> {
  const [[stored], [open]] = await Promise.all([
    lookUpByFingerprint(db, fingerprints.join(',')),
    selectOpenGroups(db, JSON.stringify([...groupKeys])),
  ]);
  return {
    stored: storedAlertsOf(stored?.rows ?? null),
    groupsWithIncident: new Set(open?.groups ? (JSON.parse(open.groups) as string[]) : []),
  };
}

/** A whole alert row, written by the transaction that holds the alert's lock. */
export interface AlertRowWrite {
  /** Whether the row was there when read under the lock: a row that was not is inserted, with no conflict to look for. */
  stored: boolean;
  fingerprint: string;
  labels: Record<string, string>;
  source: AlertSource;
  state: AlertState;
  groupKey: string;
  incidentId: string | null;
  silenceId: string | null;
  inhibitedBy: string | null;
  resolvedAt: Date | null;
  flap: FlapState;
}

// Rows travel as JSON arrays read by position: a jsonb array element is found by its index, where a
// record's field is looked up by name, and labels and annotations stay jsonb instead of being printed
// and parsed again (jsonb_to_recordset did both). Measured on 50 new alerts: 30% less Postgres CPU.
const INSERT_ALERT_ROWS = `
  insert into alerts (fingerprint, labels, annotations, severity, status, starts_at, ends_at, ends_at_is_timeout, generator_url, source, group_key, incident_id, silence_id, inhibited_by, resolved_at, flap_count, flap_window_start, last_change_at, flapping_since, flap_notified_at, created_at, updated_at)
  select r ->> 0, r -> 1, r -> 2, r ->> 3, r ->> 4, ${fromEpochMs('r ->> 5')}, ${fromEpochMs('r ->> 6')}, (r ->> 7)::boolean, r ->> 8, r ->> 9, r ->> 10,
    (r ->> 11)::uuid, (r ->> 12)::uuid, r ->> 13, ${fromEpochMs('r ->> 14')}, (r ->> 15)::integer, ${fromEpochMs('r ->> 16')}, ${fromEpochMs('r ->> 17')},
    ${fromEpochMs('r ->> 18')}, ${fromEpochMs('r ->> 19')}, $2::text::timestamptz, $2::text::timestamptz
  from jsonb_array_elements($1::text::jsonb) as r`;
// New alerts, not found by the first read: should another transaction have stored one since, the unique
// index refuses the insert and the batch runs again (retry.ts). Without ON CONFLICT an insert of 50
// alerts cost Postgres a quarter less (2.1 against 2.9 ms).
const insertAlerts = preparedStatement<[rows: string, now: string], never>(INSERT_ALERT_ROWS);
const upsertAlerts = preparedStatement<[rows: string, now: string], never>(`${INSERT_ALERT_ROWS}
  on conflict (fingerprint) do update set
    annotations = excluded.annotations, severity = excluded.severity, status = excluded.status, starts_at = excluded.starts_at,
    ends_at = excluded.ends_at, ends_at_is_timeout = excluded.ends_at_is_timeout, generator_url = excluded.generator_url,
    group_key = excluded.group_key, incident_id = excluded.incident_id, silence_id = excluded.silence_id,
    inhibited_by = excluded.inhibited_by, resolved_at = excluded.resolved_at, flap_count = excluded.flap_count,
    flap_window_start = excluded.flap_window_start, last_change_at = excluded.last_change_at, flapping_since = excluded.flapping_since,
    flap_notified_at = excluded.flap_notified_at, updated_at = excluded.updated_at,
    expired_at = case when excluded.status = 'expired' then alerts.expired_at end`);

// Times travel as epoch milliseconds (see fromEpochMs).
const msOrNull = (date: Date | null) => date?.getTime() ?? null;

/**
 * The rows this transaction holds the locks of, in fingerprint order: one multi-row insert of those
 * that were not stored, one upsert of the others. Their plans cannot depend on the rows (conflicts go
 * to the unique index): run it within planGenerically().
 */
export async function writeAlertRows(db: Database, writes: AlertRowWrite[], now: Date): Promise<void> {
  if (writes.length === 0) return;
  writes.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  const fresh = writes.filter((write) => !write.stored);
  const stored = writes.filter((write) => write.stored);
  await Promise.all([
    fresh.length > 0 ? insertAlerts(db, alertRowsJson(fresh), now.toISOString()) : null,
    stored.length > 0 ? upsertAlerts(db, alertRowsJson(stored), now.toISOString()) : null,
  ]);
}

/** The rows as one JSON text, each an array in the column order of INSERT_ALERT_ROWS. */
function alertRowsJson(writes: readonly AlertRowWrite[]): string {
  const rows = writes.map((write) => [
    write.fingerprint,
    write.labels,
    write.state.annotations,
    write.state.severity,
    write.state.status,
    write.state.startsAt.getTime(),
    msOrNull(write.state.endsAt),
    write.state.endsAtIsTimeout,
    write.state.generatorUrl,
    write.source,
    write.groupKey,
    write.incidentId,
    write.silenceId,
    write.inhibitedBy,
    msOrNull(write.resolvedAt),
    write.flap.flapCount,
    msOrNull(write.flap.flapWindowStart),
    msOrNull(write.flap.lastChangeAt),
    msOrNull(write.flap.flappingSince),
    msOrNull(write.flap.flapNotifiedAt),
  ]);
  return JSON.stringify(rows);
}

const refreshAlerts = preparedStatement<[rows: string, now: string], never>(`
  with v as (
    select r ->> 0 as fingerprint, r ->> 1 as status, ${fromEpochMs('r ->> 2')} as starts_at, ${fromEpochMs('r ->> 3')} as ends_at,
      (r ->> 4)::boolean as ends_at_is_timeout, r -> 5 as annotations, r ->> 6 as generator_url, r ->> 7 as severity
    from jsonb_array_elements($1::text::jsonb) as r
  ),
  merged as (
    select a.id,
      least(a.starts_at, v.starts_at) as starts_at,
      case
        when v.status = 'resolved' then greatest(a.ends_at, v.ends_at)
        when v.ends_at is not null and a.ends_at is not null and not a.ends_at_is_timeout and a.ends_at > v.ends_at then a.ends_at
        else v.ends_at
      end as ends_at,
      case
        when v.status = 'resolved' then false
        when v.ends_at is not null and a.ends_at is not null and not a.ends_at_is_timeout and a.ends_at > v.ends_at then false
        else v.ends_at_is_timeout
      end as ends_at_is_timeout,
      v.annotations, v.generator_url, v.severity
    from alerts a join v on a.fingerprint = v.fingerprint
    where a.status = v.status
    order by a.fingerprint
    for update of a
  )
  update alerts a set
    starts_at = m.starts_at, ends_at = m.ends_at, ends_at_is_timeout = m.ends_at_is_timeout,
    annotations = m.annotations, generator_url = m.generator_url, severity = m.severity,
    resolved_at = case when a.status = 'resolved' then m.ends_at else a.resolved_at end,
    updated_at = $2::text::timestamptz
  from merged m
  where a.id = m.id
    and (a.starts_at, a.ends_at, a.ends_at_is_timeout, a.annotations, a.generator_url, a.severity)
      is distinct from (m.starts_at, m.ends_at, m.ends_at_is_timeout, m.annotations, m.generator_url, m.severity)`);

/**
 * Heartbeats, without the per-alert locks: one UPDATE that moves only what changed, merged against
 * the row as it is when locked (a concurrent heartbeat may have moved endsAt further already), and
 * skips rows whose status changed meanwhile (the transition that changed it wins). Its plan cannot
 * depend on the rows (a seek by fingerprint per row, in a nested loop): run it within planGenerically().
 */
export async function refreshAlertRows(db: Database, refreshes: { fingerprint: string; state: AlertState }[], now: Date): Promise<void> {
  if (refreshes.length === 0) return;
  // In the column order of refreshAlerts' v.
  const rows = [...refreshes]
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1))
    .map(({ fingerprint, state }) => [
      fingerprint,
      state.status,
      state.startsAt.getTime(),
      msOrNull(state.endsAt),
      state.endsAtIsTimeout,
      state.annotations,
      state.generatorUrl,
      state.severity,
    ]);
  await refreshAlerts(db, JSON.stringify(rows), now.toISOString());
}

/** What correlating alerts and settling an incident need to know of it. */
export interface IncidentRef {
  id: string;
  groupKey: string | null;
  closed: boolean;
  recovered: boolean;
  resolved: boolean;
  /** The alertname its alerts share (from its labels), if any. */
  alertname: string | null;
  /** What messages about it say, as read with the group locks: settling needs no read of its own. */
  snapshot: IncidentSnapshot;
}

interface IncidentRefRow {
  id: string;
  group_key: string | null;
  closed: boolean;
  recovered: boolean;
  resolved: boolean;
  alertname: string | null;
  number: number;
  title: string;
  severity: Severity;
  phase: Phase;
  services: string[];
  acknowledged_at: number | null;
  recovered_at: number | null;
  closed_at: number | null;
}

const INCIDENT_REF_COLUMNS = `id::text as id, group_key, closed_at is not null as closed, recovered_at is not null as recovered,
  resolved_at is not null as resolved, labels ->> 'alertname' as alertname, number, title, severity, phase, to_jsonb(services) as services,
  ${epochMs('acknowledged_at')} as acknowledged_at, ${epochMs('recovered_at')} as recovered_at, ${epochMs('closed_at')} as closed_at`;

const selectCandidates = preparedStatement<[groupKeys: string, ids: string], IncidentRefRow>(`
  select ${INCIDENT_REF_COLUMNS}
  from incidents
  where id = any(string_to_array($2::text, ',')::uuid[])
    or (group_key = any(array(select jsonb_array_elements_text($1::text::jsonb))) and closed_at is null and recovered_at is null)
  order by created_at desc`);

const refOf = (row: IncidentRefRow): IncidentRef => ({
  id: row.id,
  groupKey: row.group_key,
  closed: row.closed,
  recovered: row.recovered,
  resolved: row.resolved,
  alertname: row.alertname,
  snapshot: incidentSnapshot({
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    phase: row.phase,
    services: row.services,
    acknowledgedAt: dateOrNull(row.acknowledged_at),
    recoveredAt: dateOrNull(row.recovered_at),
    closedAt: dateOrNull(row.closed_at),
  }),
});

/** The open incidents of these groups and the incidents with these ids, newest first. */
export async function incidentCandidates(db: Database, groupKeys: ReadonlySet<string>, ids: ReadonlySet<string>): Promise<IncidentRef[]> {
  if (groupKeys.size === 0 && ids.size === 0) return [];
  return (await selectCandidates(db, JSON.stringify([...groupKeys]), [...ids].join(','))).map(refOf);
}

/** The incidents with these ids. */
export async function incidentRefs(db: Database, ids: ReadonlySet<string>): Promise<IncidentRef[]> {
  return ids.size === 0 ? [] : incidentCandidates(db, new Set(), ids);
}
