import { sql } from 'drizzle-orm';
import type { Config, Database } from '../../platform/index.ts';
import { queryRows, SYSTEM_ACTOR } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import type { PendingEvent } from './alert-events.ts';
import { recordAlertEvents } from './alert-events.ts';
import { alertSettingsFrom } from './alert-settings.ts';
import { selectAlerts } from './alert-statements.ts';
import { correlate } from './correlation.ts';
import { describeInhibitionRelease } from './describe-inhibition-release.ts';
import type { Plan } from './ingest-shapes.ts';
import type { Inhibition } from './inhibition.ts';
import { findInhibitor, inhibitsUnderRules } from './inhibition.ts';
import type { AlertSource, InhibitionRelease, InhibitionReleaseCause } from './schema/alerts.ts';
import { settleIncidents } from './settle-incidents.ts';

const BATCH = 500;

interface MarkedAlert {
  /** A bigserial: postgres.js reads it as text. */
  id: number | string;
  /** Released for sure (its source stopped firing, or no rule may cover the pair); else judged in JS. */
  sure: boolean;
  fingerprint: string;
  group_key: string;
  inhibited_by: string;
  labels: Record<string, string>;
  source: AlertSource;
  source_labels: Record<string, string> | null;
  /** How the source stopped firing; null while it fires. */
  source_ended: Exclude<InhibitionReleaseCause, 'rule removed'> | null;
}

// A matcher that containment (labels @> {name: value}) decides exactly: name="value", value not empty.
const plain = sql.raw(`(not (m ->> 'isRegex')::boolean and (m ->> 'isEqual')::boolean and m ->> 'value' <> '')`);
// The rule's `equal` labels have the same values on the target and its source (missing counts as '').
const equalHolds = sql.raw(`not exists (select 1 from jsonb_array_elements_text(r.equal) as e(name)
  where coalesce(t.labels ->> e.name, '') <> coalesce(t.source_labels ->> e.name, ''))`);

/**
 * Firing inhibited alerts whose mark may no longer hold: their source stopped firing (resolved,
 * expired, past its endsAt and not yet marked, or gone), or it fires but no rule may let it mute them
 * any more (a rule removed, or changed in INHIBIT_RULES_FILE). A rule made only of plain name="value"
 * matchers is judged here exactly, so the marks such rules keep are not read at all; a pair that only
 * a rule with regex or negative matchers may cover is read and judged in JS (RE2, as Alertmanager),
 * after the ones sure to be released, and only those after `after` (by id): a tick judges a page of
 * them and the next tick goes on from there, so that each is judged however many there are. Only
 * inhibited rows are read (alerts_inhibited_idx).
 */
const selectMarked = (now: Date, after: number) => sql`
  with rules as (
    select r.equal,
      (select coalesce(jsonb_object_agg(m ->> 'name', m ->> 'value'), '{}'::jsonb)
        from jsonb_array_elements(r.source_matchers) as m where ${plain}) as source_plain,
      (select coalesce(jsonb_object_agg(m ->> 'name', m ->> 'value'), '{}'::jsonb)
        from jsonb_array_elements(r.target_matchers) as m where ${plain}) as target_plain,
      not exists (select 1 from jsonb_array_elements(r.source_matchers || r.target_matchers) as m where not ${plain}) as exact
    from inhibit_rules r
  ),
  marked as (
    select t.id, t.fingerprint, t.group_key, t.inhibited_by, t.labels, t.source, s.labels as source_labels,
      case
        when s.id is null then 'gone'
        when s.status <> 'firing' then s.status
        when s.ends_at is not null and s.ends_at <= ${now.toISOString()}::timestamptz then 'expired'
      end as source_ended
    from alerts t left join alerts s on s.fingerprint = t.inhibited_by
    where t.inhibited_by is not null and t.status = 'firing'
      and (t.ends_at is null or t.ends_at > ${now.toISOString()}::timestamptz)
  ),
  judged as (
    select t.*,
      exists (select 1 from rules r
        where t.labels @> r.target_plain and t.source_labels @> r.source_plain and ${equalHolds}) as may_hold,
      exists (select 1 from rules r
        where r.exact and t.labels @> r.target_plain and t.source_labels @> r.source_plain and ${equalHolds}
          and not (t.labels @> r.source_plain and t.source_labels @> r.target_plain)) as holds
    from marked t
  )
  select id, sure, fingerprint, group_key, inhibited_by, labels, source, source_labels, source_ended
  from (select judged.*, source_ended is not null or not may_hold as sure from judged) as t
  where sure or (not holds and id > ${after})
  order by sure desc, id
  limit ${BATCH}`;

// Where the judging of marks that only a regex or negative rule may keep goes on at the next tick, per
// instance (its configuration); a hint only: after a restart it starts again from the first.
const judgedUpTo = new WeakMap<Config, number>();

/**
 * The marks this tick looks at: every one sure to be released, then a page of those to judge in JS,
 * from where the last tick's page ended; after the last page, the next tick starts from the first again.
 */
async function marksToJudge(tx: Database, now: Date, config: Config): Promise<MarkedAlert[]> {
  const marked = await queryRows<MarkedAlert>(tx, selectMarked(now, judgedUpTo.get(config) ?? 0));
  const lastJudged = marked.filter((row) => !row.sure).at(-1);
  judgedUpTo.set(config, marked.length < BATCH ? 0 : Number(lastJudged?.id ?? 0));
  return marked;
}

/** One statement for every alert this tick changes: its place, its mark, and its release. */
interface AlertUpdate {
  fingerprint: string;
  incident_id: string | null;
  silence_id: string | null;
  inhibited_by: string | null;
  group_key: string;
  release: InhibitionRelease | null;
}

const updateAlerts = (rows: AlertUpdate[], now: Date) => sql`
  update alerts a set incident_id = r.incident_id, silence_id = r.silence_id, inhibited_by = r.inhibited_by,
    group_key = r.group_key, inhibition_release = coalesce(r.release, a.inhibition_release), updated_at = ${now.toISOString()}::timestamptz
  from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
    as r(fingerprint text, incident_id uuid, silence_id uuid, inhibited_by text, group_key text, release jsonb)
  where a.fingerprint = r.fingerprint and a.status = 'firing'
  returning a.fingerprint`;

/**
 * Releases the inhibited alerts whose inhibition no longer holds (Alertmanager mutes a target only
 * while its source fires and a rule lets it): because their source stopped firing, or because the rule
 * went. An alert another firing source still inhibits is kept muted under that source; the others open
 * or join their incident, and notify and page, as if they had just arrived, saying why. Run on the
 * expiry job's tick, after expiry, so that a source that expires releases its targets in the same
 * transaction, and one resolved by a delivery, or a rule removed, within one tick (5 s). Alerts a
 * request is changing right now are left for the next tick. Returns how many were released.
 */
export async function releaseInhibitedAlerts(
  tx: Database,
  now: Date,
  config: Config,
  /** The rules and the firing sources, read after this tick's expiries (readInhibition). */
  inhibition: Inhibition | null,
): Promise<number> {
  const marked = await marksToJudge(tx, now, config);
  // What each mark becomes: kept (its source still inhibits it), another source, or released (null).
  const wanted = new Map<string, { row: MarkedAlert; inhibitedBy: string | null }>();
  const firingSources = new Map(inhibition?.sources.map((source) => [source.fingerprint, source]));
  for (const row of marked) {
    const source = row.source_ended ? undefined : firingSources.get(row.inhibited_by);
    if (inhibition && source && inhibitsUnderRules(inhibition.rules, source, row.fingerprint, row.labels)) continue;
    wanted.set(row.fingerprint, { row, inhibitedBy: findInhibitor(inhibition, row.fingerprint, row.labels) });
  }
  if (wanted.size === 0) return 0;
  const held = await tryLockKeys(
    tx,
    [...wanted.values()].flatMap(({ row }) => [lockName('alert', row.fingerprint), lockName('group', row.group_key)]),
  );
  const free = [...wanted.keys()].filter(
    (fingerprint) => held.has(lockName('alert', fingerprint)) && held.has(lockName('group', wanted.get(fingerprint)?.row.group_key ?? '')),
  );
  if (free.length === 0) return 0;
  // Read again under the locks: a request may have changed them since the first read.
  const stored = await selectAlerts(tx, free);
  const updates: AlertUpdate[] = [];
  const released: { row: MarkedAlert; release: Omit<InhibitionRelease, 'at'> }[] = [];
  const plans: Plan[] = [];
  for (const fingerprint of free) {
    const alert = stored.get(fingerprint);
    const change = wanted.get(fingerprint);
    if (!alert || !change || alert.status !== 'firing' || alert.inhibitedBy !== change.row.inhibited_by) continue;
    const { row, inhibitedBy } = change;
    if (inhibitedBy) {
      updates.push({
        fingerprint,
        incident_id: alert.incidentId,
        silence_id: alert.silenceId,
        inhibited_by: inhibitedBy,
        group_key: alert.groupKey,
        release: null,
      });
      continue;
    }
    released.push({ row, release: { source: row.inhibited_by, cause: row.source_ended ?? 'rule removed' } });
    // An alert that was in an incident when its source began firing keeps it: only the mark goes.
    if (alert.incidentId) continue;
    // The stored state is the delivery: the alert arrives again as it is, without a change of state.
    const incoming = {
      fingerprint,
      labels: row.labels,
      delivery: alert,
      groupKey: alert.groupKey,
      actor: SYSTEM_ACTOR,
      source: row.source,
    };
    plans.push({ incoming, row: alert, merge: { next: alert, change: 'unchanged', events: [] } });
  }

  // Every group of these alerts is locked exclusively above: correlation may open their incidents.
  // Inhibition was judged just now; silences are judged by correlation as for any arriving alert.
  const placement =
    plans.length > 0
      ? await correlate(
          tx,
          plans,
          new Set(),
          { silences: null, inhibition: null, candidates: [], queriedGroups: new Set() },
          { settings: alertSettingsFrom(config), config, now },
        )
      : null;
  // The release is told as happening now, after the opening of any incident it opened (stamped by the
  // wall clock), so that on the timeline the join follows "Incident opened".
  const releasedAt = new Date(Math.max(now.getTime(), Date.now()));
  const events: PendingEvent[] = [];
  const touched = new Set<string>();
  let count = 0;
  for (const { row, release } of released) {
    const alert = stored.get(row.fingerprint);
    if (!alert) continue;
    const placed = placement?.get(row.fingerprint);
    // Not placed (not expected): it stays marked, for the next tick, rather than be left in no incident.
    if (!alert.incidentId && !placed) continue;
    count++;
    updates.push({
      fingerprint: row.fingerprint,
      incident_id: placed ? placed.incidentId : alert.incidentId,
      silence_id: placed ? placed.silenceId : alert.silenceId,
      inhibited_by: null,
      group_key: placed?.incidentId ? placed.groupKey : alert.groupKey,
      release: { ...release, at: releasedAt.toISOString() },
    });
    if (!placed?.incidentId) continue;
    touched.add(placed.incidentId);
    events.push({
      incidentId: placed.incidentId,
      actor: SYSTEM_ACTOR,
      event: { type: 'fired' },
      fingerprint: row.fingerprint,
      labels: row.labels,
      state: alert,
      joinedNew: placed.isNewIncident,
      because: describeInhibitionRelease(release, row.source_labels),
      at: releasedAt,
    });
  }
  if (updates.length > 0) await queryRows(tx, updateAlerts(updates, now));
  await recordAlertEvents(tx, events);
  if (placement) await settleIncidents(tx, { now, config }, touched, events, placement.incidents);
  return count;
}
