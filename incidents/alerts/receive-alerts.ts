import { Counter } from 'prom-client';
import { defineMetric, metricsRegistry, planGenerically, severityRank } from '../../platform/index.ts';
import type { Actor, Config, Database, Severity } from '../../platform/index.ts';
import { openIncident } from '../open-incident.ts';
import { lockKeys, lockName } from './advisory-locks.ts';
import { boundedGroupKey, configuredAlertSettings, groupKeyOf, severityOf } from './alert-settings.ts';
import type { AlertSettings } from './alert-settings.ts';
import { recordAlertEvents, settleIncidents } from './alert-events.ts';
import type { PendingEvent } from './alert-events.ts';
import { alertFingerprint } from './fingerprint.ts';
import { findSilence, activeSilences } from './active-silences.ts';
import type { ActiveSilence } from './active-silences.ts';
import { isFiring, mergeAlert } from './merge-alert.ts';
import type { Delivery, MergeResult } from './merge-alert.ts';
import type { AlertSource } from './schema/alerts.ts';
import { incidentCandidates, openIncidentGroups, refreshAlertRows, selectAlerts, writeAlertRows } from './alert-statements.ts';
import type { AlertRowWrite, IncidentRef, StoredAlert } from './alert-statements.ts';
import { withRetryOnConflict } from './retry.ts';

/** An alert as a sender describes it, already parsed from its wire format. */
export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** null: firing until a later delivery resolves it; a time in the past: resolved at that time. */
  endsAt: Date | null;
  generatorUrl?: string;
  /** Ignored beyond a consistency check: the fingerprint is always computed from the labels. */
  fingerprint?: string;
  /** endsAt was derived from the resolve timeout rather than given by the sender. */
  endsAtIsTimeout?: boolean;
}

export interface ReceiveOptions {
  /** The sender's group key (Alertmanager's groupKey); otherwise one is built from groupBy labels. */
  groupKey?: string;
  /** Labels to group by when there is no groupKey; default the configured ALERT_GROUP_BY. */
  groupBy?: string[];
  source?: AlertSource;
  settings?: AlertSettings;
  /** The time the delivery is judged at (tests); default now. */
  now?: Date;
  /** The configuration the incidents this delivery opens, resolves or reopens are notified under. */
  config: Config;
}

export interface ReceiveSummary {
  received: number;
  /** Alerts seen for the first time. */
  created: number;
  /** Known alerts whose stored values changed (heartbeats that moved endsAt, new annotations, ...). */
  updated: number;
  /** Known alerts delivered again with nothing new: no write at all. */
  unchanged: number;
  resolved: number;
  refired: number;
  /** Firing alerts muted by a silence: stored, but they joined and paged nothing. */
  silenced: number;
  incidentsOpened: string[];
  /** Existing incidents that gained or regained an alert. */
  incidentsJoined: string[];
}

const alertsReceived = defineMetric(
  'firebreak_alerts_received_total',
  () =>
    new Counter({
      name: 'firebreak_alerts_received_total',
      help: 'Alerts received, by source and what they changed (created, updated, unchanged, resolved, refired, silenced).',
      labelNames: ['source', 'outcome'] as const,
      registers: [metricsRegistry],
    }),
);

interface Incoming {
  fingerprint: string;
  labels: Record<string, string>;
  delivery: Delivery;
  groupKey: string;
  actor: Actor;
  source: AlertSource;
}

function toIncoming(alerts: readonly ReceivedAlert[], actor: Actor, options: ReceiveOptions, settings: AlertSettings): Map<string, Incoming> {
  const byFingerprint = new Map<string, Incoming>();
  const groupBy = options.groupBy ?? settings.groupBy;
  for (const alert of alerts) {
    const fingerprint = alertFingerprint(alert.labels);
    const delivery: Delivery = {
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      endsAtIsTimeout: alert.endsAtIsTimeout ?? false,
      annotations: alert.annotations,
      generatorUrl: alert.generatorUrl ?? null,
      severity: severityOf(alert.labels, settings),
    };
    const earlier = byFingerprint.get(fingerprint);
    // The same alert twice in one request (HA senders merged upstream): the earliest start stays.
    if (earlier && earlier.delivery.startsAt.getTime() < delivery.startsAt.getTime()) delivery.startsAt = earlier.delivery.startsAt;
    byFingerprint.set(fingerprint, {
      fingerprint,
      labels: alert.labels,
      delivery,
      groupKey: options.groupKey !== undefined ? boundedGroupKey(options.groupKey) : groupKeyOf(alert.labels, groupBy),
      actor,
      source: options.source ?? 'api',
    });
  }
  return byFingerprint;
}

/** A firing alert that belongs to no incident yet (new, re-fired, or muted until now) must be correlated. */
function needsCorrelation(row: StoredAlert | undefined, merge: MergeResult): boolean {
  if (merge.next.status !== 'firing') return false;
  if (merge.events.some((event) => event.type === 'fired' || event.type === 'refired')) return true;
  return row !== undefined && row.incidentId === null;
}

interface Plan {
  incoming: Incoming;
  row: StoredAlert | undefined;
  merge: MergeResult;
}

/**
 * Takes in a batch of alerts in one transaction: upserts them by fingerprint (Alertmanager's merge
 * rules), correlates firing ones into incidents by group key, records joins, resolutions and re-fires
 * on the incidents' timelines and tells the notifier. A repeated delivery writes nothing.
 */
export async function receiveAlerts(db: Database, actor: Actor, received: readonly ReceivedAlert[], options: ReceiveOptions): Promise<ReceiveSummary> {
  const settings = options.settings ?? configuredAlertSettings();
  const incoming = toIncoming(received, actor, options, settings);
  const summary = await queueOf(db).submit({ incoming, settings, config: options.config, now: options.now ?? null, received: received.length });
  const source = options.source ?? 'api';
  for (const outcome of ['created', 'updated', 'unchanged', 'resolved', 'refired', 'silenced'] as const) {
    if (summary[outcome] > 0) alertsReceived.inc({ source, outcome }, summary[outcome]);
  }
  return summary;
}

/** What happened to one alert in a transaction; a request's summary adds up those of its alerts. */
interface Outcome {
  created: boolean;
  updated: boolean;
  unchanged: boolean;
  resolved: number;
  refired: number;
  silenced: boolean;
  opened: string | null;
  joined: string | null;
}

type Outcomes = Map<string, Outcome>;

function outcomeOf(outcomes: Outcomes, fingerprint: string): Outcome {
  let outcome = outcomes.get(fingerprint);
  if (!outcome) {
    outcome = { created: false, updated: false, unchanged: false, resolved: 0, refired: 0, silenced: false, opened: null, joined: null };
    outcomes.set(fingerprint, outcome);
  }
  return outcome;
}

interface Submission {
  incoming: Map<string, Incoming>;
  settings: AlertSettings;
  config: Config;
  /** A fixed time to judge the delivery at (tests); null: now. */
  now: Date | null;
  received: number;
}

interface Waiting extends Submission {
  resolve(summary: ReceiveSummary): void;
  reject(error: unknown): void;
}

/** Transactions one process runs side by side; requests arriving meanwhile share the next one. */
const CONCURRENT_TRANSACTIONS = 2;
const MAX_ALERTS_PER_TRANSACTION = 2000;

/**
 * Group commit: while CONCURRENT_TRANSACTIONS ingest transactions are in flight, requests that arrive
 * wait and then go together in one transaction (each still answered only after that commit). Under a
 * storm this turns many small transactions, each paying its round trips and WAL flush, into few larger
 * ones; a lone request runs at once. Two deliveries of the same alert share a transaction only if
 * both are firing (heartbeats: merging them equals applying them in turn); otherwise the later one
 * waits for the next transaction, so order is kept.
 */
class IngestQueue {
  private readonly waiting: Waiting[] = [];
  private active = 0;

  constructor(private readonly db: Database) {}

  submit(submission: Submission): Promise<ReceiveSummary> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...submission, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < CONCURRENT_TRANSACTIONS && this.waiting.length > 0) {
      const batch = this.take();
      this.active++;
      void this.run(batch).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private take(): Waiting[] {
    const first = this.waiting.shift();
    if (!first) return [];
    const batch = [first];
    if (first.now !== null) return batch;
    const now = new Date();
    const firing = new Map<string, boolean>();
    let alerts = first.incoming.size;
    for (const item of first.incoming.values()) firing.set(item.fingerprint, isFiring(item.delivery.endsAt, now));
    for (;;) {
      const next = this.waiting[0];
      if (!next || next.now !== null || next.settings !== first.settings || next.config !== first.config || alerts + next.incoming.size > MAX_ALERTS_PER_TRANSACTION) break;
      const clash = [...next.incoming.values()].some((item) => {
        const earlier = firing.get(item.fingerprint);
        return earlier !== undefined && !(earlier && isFiring(item.delivery.endsAt, now));
      });
      if (clash) break;
      this.waiting.shift();
      batch.push(next);
      alerts += next.incoming.size;
      for (const item of next.incoming.values()) firing.set(item.fingerprint, isFiring(item.delivery.endsAt, now));
    }
    return batch;
  }

  private async run(batch: Waiting[]): Promise<void> {
    const settings = batch[0]?.settings ?? configuredAlertSettings();
    const now = batch[0]?.now ?? new Date();
    const config = batch[0]?.config;
    // take() hands over at least one submission.
    if (!config) return;
    try {
      const combined = combine(batch, now);
      const outcomes = await withRetryOnConflict(() => ingestInTransaction(this.db, combined, { settings, config, now }));
      for (const waiting of batch) waiting.resolve(summarize(waiting, outcomes));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One request's trouble must not fail the others: each goes again on its own.
      for (const waiting of batch) {
        try {
          const outcomes = await withRetryOnConflict(() => ingestInTransaction(this.db, waiting.incoming, { settings, config, now: new Date() }));
          waiting.resolve(summarize(waiting, outcomes));
        } catch (own) {
          waiting.reject(own);
        }
      }
    }
  }
}

const queues = new WeakMap<Database, IngestQueue>();

function queueOf(db: Database): IngestQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = new IngestQueue(db);
    queues.set(db, queue);
  }
  return queue;
}

/** The alerts of several requests as one batch; heartbeats of one alert merge (the earliest start, the latest end). */
function combine(batch: readonly Submission[], now: Date): Map<string, Incoming> {
  if (batch.length === 1 && batch[0]) return batch[0].incoming;
  const combined = new Map<string, Incoming>();
  for (const submission of batch) {
    for (const item of submission.incoming.values()) {
      const earlier = combined.get(item.fingerprint);
      if (!earlier) {
        combined.set(item.fingerprint, item);
        continue;
      }
      const merged = mergeAlert({ ...earlier.delivery, status: 'firing' }, item.delivery, now).next;
      combined.set(item.fingerprint, { ...item, groupKey: earlier.groupKey, delivery: { ...item.delivery, startsAt: merged.startsAt, endsAt: merged.endsAt, endsAtIsTimeout: merged.endsAtIsTimeout } });
    }
  }
  return combined;
}

function summarize(submission: Submission, outcomes: Outcomes): ReceiveSummary {
  const summary: ReceiveSummary = { received: submission.received, created: 0, updated: 0, unchanged: 0, resolved: 0, refired: 0, silenced: 0, incidentsOpened: [], incidentsJoined: [] };
  const opened = new Set<string>();
  const joined = new Set<string>();
  for (const fingerprint of submission.incoming.keys()) {
    const outcome = outcomes.get(fingerprint);
    if (!outcome) continue;
    if (outcome.created) summary.created++;
    if (outcome.updated) summary.updated++;
    if (outcome.unchanged) summary.unchanged++;
    if (outcome.silenced) summary.silenced++;
    summary.resolved += outcome.resolved;
    summary.refired += outcome.refired;
    if (outcome.opened) opened.add(outcome.opened);
    if (outcome.joined) joined.add(outcome.joined);
  }
  summary.incidentsOpened = [...opened];
  summary.incidentsJoined = [...joined];
  return summary;
}

interface IngestContext {
  settings: AlertSettings;
  config: Config;
  now: Date;
}

interface FirstLook {
  stored: Map<string, StoredAlert>;
  groupsWithIncident: Set<string>;
}

/**
 * The lock-free first read is issued before the transaction begins, so that it travels beside BEGIN
 * (on another pooled connection; PGlite runs it first). It only guides: every alert that changes
 * state is read again under its lock, and heartbeats are merged against the locked row in SQL.
 */
async function ingestInTransaction(db: Database, incoming: Map<string, Incoming>, context: IngestContext): Promise<Outcomes> {
  const firstLook: Promise<FirstLook> = Promise.all([
    selectAlerts(db, [...incoming.keys()]),
    openIncidentGroups(db, new Set([...incoming.values()].map((item) => item.groupKey))),
  ]).then(([stored, groupsWithIncident]) => ({ stored, groupsWithIncident }));
  // Should BEGIN fail first, the read's own failure is not the one to report.
  firstLook.catch(() => undefined);
  return db.transaction(async (tx) => ingest(tx, incoming, await firstLook, context));
}

async function ingest(tx: Database, incoming: Map<string, Incoming>, firstLook: FirstLook, context: IngestContext): Promise<Outcomes> {
  const { now } = context;
  const outcomes: Outcomes = new Map();
  const { stored: firstRead, groupsWithIncident } = firstLook;

  // Statements issued together are pipelined on the transaction's connection (postgres.js), and run
  // in order: one round trip per step instead of one per statement.
  // 1. Decide from the first read what each delivery changes; most heartbeats change nothing.
  const plans = new Map<string, Plan>();
  for (const item of incoming.values()) {
    const row = firstRead.get(item.fingerprint);
    plans.set(item.fingerprint, { incoming: item, row, merge: mergeAlert(row, item.delivery, now) });
  }
  const isTransition = (plan: Plan) => plan.merge.change === 'transition' || needsCorrelation(plan.row, plan.merge);
  const transitions = [...plans.values()].filter(isTransition);
  const lockedFingerprints = new Set(transitions.map((plan) => plan.incoming.fingerprint));

  // 2. Fired, resolved and re-fired alerts: lock them and their groups, then decide again on fresh rows.
  // A group is locked exclusively to open its incident or to resolve one of its alerts (the last one
  // resolves the incident), and shared to join an open incident, so that joins run side by side.
  const sharedGroups = new Set<string>();
  let preloaded: Preloaded = { silences: null, candidates: [], queriedGroups: new Set() };
  if (transitions.length > 0) {
    const exclusiveGroups = new Set<string>();
    const correlating = transitions.filter((plan) => needsCorrelation(plan.row, plan.merge));
    for (const plan of transitions) {
      if (plan.row?.incidentId && plan.merge.next.status === 'resolved') exclusiveGroups.add(plan.row.groupKey);
    }
    for (const plan of correlating) {
      if (groupsWithIncident.has(plan.incoming.groupKey)) sharedGroups.add(plan.incoming.groupKey);
      else exclusiveGroups.add(plan.incoming.groupKey);
      if (plan.row?.incidentId) sharedGroups.add(plan.row.groupKey);
    }
    for (const group of exclusiveGroups) sharedGroups.delete(group);
    const keys = [...lockedFingerprints].map((fingerprint) => lockName('alert', fingerprint));
    for (const group of [...exclusiveGroups, ...sharedGroups]) keys.push(lockName('group', group));
    // Everything read after the locks sees what the previous holders committed.
    const [, fresh, silences, candidates] = await Promise.all([
      lockKeys(tx, keys, new Set([...sharedGroups].map((group) => lockName('group', group)))),
      selectAlerts(tx, [...lockedFingerprints]),
      correlating.length > 0 ? activeSilences(tx, now) : Promise.resolve(null),
      incidentCandidates(
        tx,
        new Set(correlating.map((plan) => plan.incoming.groupKey)),
        new Set(correlating.flatMap((plan) => plan.row?.incidentId ?? [])),
      ),
    ]);
    preloaded = { silences, candidates, queriedGroups: new Set(correlating.map((plan) => plan.incoming.groupKey)) };
    const lateKeys: string[] = [];
    for (const plan of transitions) {
      const row = fresh.get(plan.incoming.fingerprint);
      // Another request re-correlated this alert under a group not locked above (rare): lock it too.
      if (row && !exclusiveGroups.has(row.groupKey) && !sharedGroups.has(row.groupKey)) lateKeys.push(lockName('group', row.groupKey));
      plans.set(plan.incoming.fingerprint, { incoming: plan.incoming, row, merge: mergeAlert(row, plan.incoming.delivery, now) });
    }
    await lockKeys(tx, lateKeys);
  }

  const locked = [...plans.values()].filter((plan) => lockedFingerprints.has(plan.incoming.fingerprint));
  const refreshes = [...plans.values()].filter((plan) => !lockedFingerprints.has(plan.incoming.fingerprint) && plan.merge.change === 'refresh');
  for (const plan of plans.values()) {
    if (!lockedFingerprints.has(plan.incoming.fingerprint) && plan.merge.change === 'unchanged') outcomeOf(outcomes, plan.incoming.fingerprint).unchanged = true;
  }

  // 3. Correlate: each firing alert without an incident joins one (or is muted by a silence).
  const placement = await correlate(tx, locked.filter((plan) => needsCorrelation(plan.row, plan.merge)), sharedGroups, preloaded, context, outcomes);

  // 4. Write: the locked rows in full, the heartbeats only where a value moved.
  const events: PendingEvent[] = [];
  const writes: AlertRowWrite[] = [];
  const touchedIncidents = new Set<string>();
  for (const plan of locked) {
    const { row, merge, incoming: item } = plan;
    const placed = placement.get(item.fingerprint);
    const incidentId = placed ? placed.incidentId : (row?.incidentId ?? null);
    const silenceId = placed ? placed.silenceId : merge.next.status === 'firing' ? (row?.silenceId ?? null) : null;
    const groupKey = placed?.incidentId ? placed.groupKey : (row?.groupKey ?? item.groupKey);
    const unchangedPlacement = row !== undefined && incidentId === row.incidentId && silenceId === row.silenceId && groupKey === row.groupKey;
    const outcome = outcomeOf(outcomes, item.fingerprint);
    if (merge.change === 'unchanged' && unchangedPlacement) {
      outcome.unchanged = true;
      continue;
    }
    writes.push({ fingerprint: item.fingerprint, labels: item.labels, source: item.source, state: merge.next, incidentId, silenceId, groupKey, resolvedAt: merge.next.status === 'resolved' ? (merge.next.endsAt ?? now) : null });
    if (!row) outcome.created = true;
    else if (merge.change !== 'transition') outcome.updated = true;
    if (silenceId && !incidentId && merge.next.status === 'firing' && (!row || row.silenceId !== silenceId)) outcome.silenced = true;
    for (const event of merge.events) {
      if (event.type === 'resolved') outcome.resolved++;
      if (event.type === 'refired') outcome.refired++;
    }
    for (const event of merge.events) {
      const target = event.type === 'resolved' ? (row?.incidentId ?? null) : incidentId;
      if (!target) continue;
      touchedIncidents.add(target);
      events.push({ incidentId: target, actor: item.actor, event, fingerprint: item.fingerprint, labels: item.labels, state: merge.next, joinedNew: placed?.isNewIncident ?? false });
    }
    // A muted alert whose silence ended joins now: its join is an event like a first firing.
    if (merge.events.length === 0 && placed?.incidentId && row && row.incidentId === null) {
      touchedIncidents.add(placed.incidentId);
      events.push({ incidentId: placed.incidentId, actor: item.actor, event: { type: 'fired' }, fingerprint: item.fingerprint, labels: item.labels, state: merge.next, joinedNew: placed.isNewIncident });
    }
  }
  for (const plan of refreshes) outcomeOf(outcomes, plan.incoming.fingerprint).updated = true;
  // 5. The rows, the incidents' timeline entries, then what the incidents' state now owes.
  const heartbeats = refreshes.map((plan) => ({ fingerprint: plan.incoming.fingerprint, state: plan.merge.next }));
  // The timeline entries are read from the rows written just before, by a join whose plan depends on
  // the table: unlike the upsert, they are planned with their parameters (a plan kept from when the
  // table was small would scan all of it).
  await Promise.all([refreshAlertRows(tx, heartbeats, now), planGenerically(tx, () => writeAlertRows(tx, writes, now)), recordAlertEvents(tx, events)]);
  await settleIncidents(tx, context.config, touchedIncidents, events, now, placement.incidents);
  return outcomes;
}

/** Each correlated alert's place, and the incidents it was decided with (read under the group locks). */
interface Placements extends Map<string, Placement> {
  incidents: Map<string, IncidentRef>;
}

interface Placement {
  incidentId: string | null;
  silenceId: string | null;
  groupKey: string;
  isNewIncident: boolean;
}

interface Preloaded {
  silences: ActiveSilence[] | null;
  candidates: IncidentRef[];
  /** The groups whose open incidents `candidates` holds (found or not). */
  queriedGroups: Set<string>;
}

/** Where each alert goes: back to its incident (re-fire within the window), an open incident of its group, a new one, or muted. */
async function correlate(
  tx: Database,
  plans: Plan[],
  sharedGroups: ReadonlySet<string>,
  preloaded: Preloaded,
  context: IngestContext,
  outcomes: Outcomes,
): Promise<Placements> {
  const placement: Placements = Object.assign(new Map<string, Placement>(), { incidents: new Map<string, IncidentRef>() });
  if (plans.length === 0) return placement;
  const { settings, now } = context;
  const silences = preloaded.silences ?? (await activeSilences(tx, now));
  const unmuted: Plan[] = [];
  for (const plan of plans) {
    const silence = findSilence(silences, plan.incoming.labels);
    if (silence) placement.set(plan.incoming.fingerprint, { incidentId: null, silenceId: silence.id, groupKey: plan.incoming.groupKey, isNewIncident: false });
    else unmuted.push(plan);
  }
  if (unmuted.length === 0) return placement;

  const returning = new Map<string, string>();
  for (const plan of unmuted) {
    const refire = plan.merge.events.find((event) => event.type === 'refired');
    if (refire && refire.type === 'refired' && plan.row?.incidentId) {
      const gap = plan.incoming.delivery.startsAt.getTime() - refire.previousEnd.getTime();
      if (gap <= settings.refireWindowMs) returning.set(plan.incoming.fingerprint, plan.row.incidentId);
    }
  }
  // The candidates were read with the locks; a fresh row may name an incident not read then (rare).
  const known = new Set(preloaded.candidates.map((incident) => incident.id));
  const missing = [...new Set(returning.values())].filter((id) => !known.has(id));
  const unreadGroups = unmuted.map((plan) => plan.incoming.groupKey).filter((groupKey) => !preloaded.queriedGroups.has(groupKey));
  const candidates =
    missing.length > 0 || unreadGroups.length > 0 ? [...preloaded.candidates, ...(await incidentCandidates(tx, new Set(unreadGroups), new Set(missing)))] : preloaded.candidates;
  const byId = new Map(candidates.map((incident) => [incident.id, incident]));
  for (const incident of candidates) placement.incidents.set(incident.id, incident);
  const openByGroup = new Map<string, IncidentRef>();
  for (const incident of candidates) {
    if (incident.groupKey && !incident.closed && !incident.recovered && !openByGroup.has(incident.groupKey)) openByGroup.set(incident.groupKey, incident);
  }

  const needNew = new Map<string, Plan[]>();
  for (const plan of unmuted) {
    const returnTo = returning.get(plan.incoming.fingerprint);
    const previous = returnTo ? byId.get(returnTo) : undefined;
    if (previous && !previous.closed && previous.groupKey) {
      placement.set(plan.incoming.fingerprint, { incidentId: previous.id, silenceId: null, groupKey: previous.groupKey, isNewIncident: false });
      continue;
    }
    const open = openByGroup.get(plan.incoming.groupKey);
    if (open) {
      placement.set(plan.incoming.fingerprint, { incidentId: open.id, silenceId: null, groupKey: plan.incoming.groupKey, isNewIncident: false });
      continue;
    }
    needNew.set(plan.incoming.groupKey, [...(needNew.get(plan.incoming.groupKey) ?? []), plan]);
  }
  // A group locked shared (it had an open incident a moment ago) needs its exclusive lock to open one.
  const upgrade = [...needNew.keys()].filter((groupKey) => sharedGroups.has(groupKey));
  if (upgrade.length > 0) {
    await lockKeys(tx, upgrade.map((groupKey) => lockName('group', groupKey)));
    // Another transaction may have opened one while this one waited for the exclusive lock.
    for (const incident of await incidentCandidates(tx, new Set(upgrade), new Set())) {
      const members = incident.groupKey ? needNew.get(incident.groupKey) : undefined;
      if (!members || !incident.groupKey) continue;
      placement.incidents.set(incident.id, incident);
      for (const plan of members) placement.set(plan.incoming.fingerprint, { incidentId: incident.id, silenceId: null, groupKey: incident.groupKey, isNewIncident: false });
      needNew.delete(incident.groupKey);
    }
  }
  for (const [groupKey, members] of needNew) {
    const opener = members[0]?.incoming;
    if (!opener) continue;
    const incident = await openIncident(tx, { actor: opener.actor, config: context.config }, incidentInputFor(groupKey, members, opener.source === 'slo', context));
    placement.incidents.set(incident.id, { id: incident.id, groupKey, closed: false, recovered: false, resolved: false, alertname: incident.labels.alertname ?? null });
    for (const plan of members) {
      placement.set(plan.incoming.fingerprint, { incidentId: incident.id, silenceId: null, groupKey, isNewIncident: true });
      outcomeOf(outcomes, plan.incoming.fingerprint).opened = incident.id;
    }
  }
  for (const [fingerprint, placed] of placement) {
    if (placed.incidentId && !placed.isNewIncident) outcomeOf(outcomes, fingerprint).joined = placed.incidentId;
  }
  return placement;
}

const MAX_INCIDENT_LABEL = 1024;

function incidentInputFor(groupKey: string, members: Plan[], fromSlo: boolean, context: IngestContext) {
  const first = members[0]?.incoming;
  const labels = first?.labels ?? {};
  // The labels every alert of the group shares, as Alertmanager's commonLabels.
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value.length <= MAX_INCIDENT_LABEL && name.length <= 200 && members.every((plan) => plan.incoming.labels[name] === value)) common[name] = value;
  }
  const severity = members
    .map((plan) => plan.merge.next.severity)
    .reduce<Severity>((worst, current) => (severityRank(current) < severityRank(worst) ? current : worst), context.settings.defaultSeverity);
  const alertname = labels.alertname ?? first?.fingerprint ?? 'Alert';
  const summaryText = first?.delivery.annotations.summary;
  const title = (summaryText ? `${alertname}: ${summaryText}` : alertname).replace(/\s+/g, ' ').trim().slice(0, 300) || 'Alert';
  const services = [...new Set(members.map((plan) => plan.incoming.labels.service).filter((service): service is string => Boolean(service && service.trim() !== '' && service.length <= 200)))].slice(0, 50);
  const startedAt = new Date(Math.min(...members.map((plan) => plan.merge.next.startsAt.getTime())));
  const description = first?.delivery.annotations.description;
  return {
    title,
    summary: (description ?? '').slice(0, 20_000),
    severity: members.length > 0 ? severity : context.settings.defaultSeverity,
    source: fromSlo ? ('slo' as const) : ('alert' as const),
    groupKey,
    services,
    labels: common,
    startedAt,
  };
}
