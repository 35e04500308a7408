import type { Database } from '../../platform/index.ts';
import { planGenerically } from '../../platform/index.ts';
import { activeSilences } from './active-silences.ts';
import { lockKeys, lockName } from './advisory-locks.ts';
import type { PendingEvent } from './alert-events.ts';
import { alertChangesByIncident, recordAlertEvents } from './alert-events.ts';
import type { AlertRowWrite } from './alert-statements.ts';
import { incidentCandidates, firstLook as readFirstLook, refreshAlertRows, selectAlerts, writeAlertRows } from './alert-statements.ts';
import type { Preloaded } from './correlation.ts';
import { correlate, needsCorrelation } from './correlation.ts';
import type { FlapState } from './flapping.ts';
import { countStateChange, NOT_FLAPPING } from './flapping.ts';
import type { Outcomes } from './ingest-outcomes.ts';
import { outcomeOf } from './ingest-outcomes.ts';
import type { Incoming, IngestContext, Plan } from './ingest-shapes.ts';
import { readInhibition } from './inhibition.ts';
import { mergeAlert } from './merge-alert.ts';
import { settleIncidents } from './settle-incidents.ts';

type FirstLook = Awaited<ReturnType<typeof readFirstLook>>;

/**
 * The lock-free first read is issued before the transaction begins, so that it travels beside BEGIN
 * (on another pooled connection; PGlite runs it first). It only guides: every stored alert that
 * changes state is read again under its lock, and heartbeats are merged against the locked row in
 * SQL. An alert it did not find is new, and its insert claims it: should another transaction have
 * stored it meanwhile, the unique index refuses the insert and the batch runs again (retry.ts).
 */
export async function ingestInTransaction(db: Database, incoming: Map<string, Incoming>, context: IngestContext): Promise<Outcomes> {
  const firstLook: Promise<FirstLook> = readFirstLook(
    db,
    [...incoming.keys()],
    new Set([...incoming.values()].map((item) => item.groupKey)),
  );
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
  const transitionFingerprints = new Set(transitions.map((plan) => plan.incoming.fingerprint));

  // 2. Fired, resolved and re-fired alerts: lock the stored ones and their groups, then decide again on
  // fresh rows. New alerts take no lock and are not read again: their insert claims them (see above),
  // which saved a sixth of the benchmark's CPU per request (the lock and the second read of 50 new
  // fingerprints a request).
  // A group is locked exclusively to open its incident or to resolve one of its alerts (the last one
  // resolves the incident), and shared to join an open incident, so that joins run side by side.
  const sharedGroups = new Set<string>();
  let preloaded: Preloaded = { silences: null, inhibition: null, candidates: [], queriedGroups: new Set() };
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
    const stored = [...transitionFingerprints].filter((fingerprint) => firstRead.has(fingerprint));
    const keys = stored.map((fingerprint) => lockName('alert', fingerprint));
    for (const group of [...exclusiveGroups, ...sharedGroups]) keys.push(lockName('group', group));
    // Everything read after the locks sees what the previous holders committed.
    const delivered = [...plans.values()].map((plan) => ({
      fingerprint: plan.incoming.fingerprint,
      labels: plan.incoming.labels,
      firing: plan.merge.next.status === 'firing',
    }));
    // The locks and the lookups by key keep their plans (planning them each time cost more than running
    // them); the incident candidates are planned each time (a plan kept from few incidents scanned
    // every open one). All go out together, in this order.
    const [[, fresh, silences, inhibition], candidates] = await Promise.all([
      planGenerically(tx, () =>
        Promise.all([
          lockKeys(tx, keys, new Set([...sharedGroups].map((group) => lockName('group', group)))),
          selectAlerts(tx, stored),
          correlating.length > 0 ? activeSilences(tx, now) : Promise.resolve(null),
          correlating.length > 0
            ? readInhibition(
                tx,
                now,
                delivered,
                // Whatever correlate() places below is one of these (read again under its lock, a
                // transition may need placing where the first read said it did not).
                () => transitions.map((plan) => plan.incoming.labels),
              )
            : Promise.resolve(null),
        ]),
      ),
      incidentCandidates(
        tx,
        new Set(correlating.map((plan) => plan.incoming.groupKey)),
        new Set(correlating.flatMap((plan) => plan.row?.incidentId ?? [])),
      ),
    ]);
    preloaded = { silences, inhibition, candidates, queriedGroups: new Set(correlating.map((plan) => plan.incoming.groupKey)) };
    const lateKeys: string[] = [];
    for (const plan of transitions) {
      if (!plan.row) continue;
      const row = fresh.get(plan.incoming.fingerprint);
      // Another request re-correlated this alert under a group not locked above (rare): lock it too.
      if (row && !exclusiveGroups.has(row.groupKey) && !sharedGroups.has(row.groupKey)) lateKeys.push(lockName('group', row.groupKey));
      plans.set(plan.incoming.fingerprint, { incoming: plan.incoming, row, merge: mergeAlert(row, plan.incoming.delivery, now) });
    }
    await lockKeys(tx, lateKeys);
  }

  const decided = [...plans.values()].filter((plan) => transitionFingerprints.has(plan.incoming.fingerprint));
  const refreshes = [...plans.values()].filter(
    (plan) => !transitionFingerprints.has(plan.incoming.fingerprint) && plan.merge.change === 'refresh',
  );
  for (const plan of plans.values()) {
    if (!transitionFingerprints.has(plan.incoming.fingerprint) && plan.merge.change === 'unchanged')
      outcomeOf(outcomes, plan.incoming.fingerprint).unchanged = true;
  }

  // 3. Correlate: each firing alert without an incident joins one (or is muted by a silence).
  const placement = await correlate(
    tx,
    decided.filter((plan) => needsCorrelation(plan.row, plan.merge)),
    sharedGroups,
    preloaded,
    context,
  );
  for (const [fingerprint, placed] of placement) {
    if (placed.incidentId) outcomeOf(outcomes, fingerprint)[placed.isNewIncident ? 'opened' : 'joined'] = placed.incidentId;
  }

  // 4. Write: the transitions in full, the heartbeats only where a value moved.
  const events: PendingEvent[] = [];
  const writes: AlertRowWrite[] = [];
  const touchedIncidents = new Set<string>();
  for (const plan of decided) {
    const { row, merge, incoming: item } = plan;
    const placed = placement.get(item.fingerprint);
    const incidentId = placed ? placed.incidentId : (row?.incidentId ?? null);
    const silenceId = placed ? placed.silenceId : merge.next.status === 'firing' ? (row?.silenceId ?? null) : null;
    const inhibitedBy = placed ? placed.inhibitedBy : merge.next.status === 'firing' ? (row?.inhibitedBy ?? null) : null;
    const groupKey = placed?.incidentId ? placed.groupKey : (row?.groupKey ?? item.groupKey);
    const unchangedPlacement =
      row !== undefined &&
      incidentId === row.incidentId &&
      silenceId === row.silenceId &&
      inhibitedBy === row.inhibitedBy &&
      groupKey === row.groupKey;
    const outcome = outcomeOf(outcomes, item.fingerprint);
    if (merge.change === 'unchanged' && unchangedPlacement) {
      outcome.unchanged = true;
      continue;
    }
    // A state change is counted on the row read under its lock (or a new one), in this same write: no extra statement.
    let flap: FlapState = row ?? NOT_FLAPPING;
    let flapping: 'held' | 'flapping' | null = null;
    if (merge.events.length > 0) {
      const counted = countStateChange(flap, now, context.settings.flap);
      flap = counted.next;
      flapping = counted.flap;
    }
    writes.push({
      stored: row !== undefined,
      flap: {
        flapCount: flap.flapCount,
        flapWindowStart: flap.flapWindowStart,
        lastChangeAt: flap.lastChangeAt,
        flappingSince: flap.flappingSince,
        flapNotifiedAt: flap.flapNotifiedAt,
      },
      fingerprint: item.fingerprint,
      labels: item.labels,
      source: item.source,
      state: merge.next,
      incidentId,
      silenceId,
      inhibitedBy,
      groupKey,
      resolvedAt: merge.next.status === 'resolved' ? (merge.next.endsAt ?? now) : null,
    });
    if (!row) outcome.created = true;
    else if (merge.change !== 'transition') outcome.updated = true;
    if (silenceId && !incidentId && merge.next.status === 'firing' && (!row || row.silenceId !== silenceId)) outcome.silenced = true;
    if (inhibitedBy && !incidentId && merge.next.status === 'firing' && (!row || row.inhibitedBy !== inhibitedBy)) outcome.inhibited = true;
    for (const event of merge.events) {
      if (event.type === 'resolved') outcome.resolved++;
      if (event.type === 'refired') outcome.refired++;
    }
    for (const event of merge.events) {
      const target = event.type === 'resolved' || event.type === 'expired' ? (row?.incidentId ?? null) : incidentId;
      if (!target) continue;
      touchedIncidents.add(target);
      events.push({
        incidentId: target,
        actor: item.actor,
        event,
        fingerprint: item.fingerprint,
        labels: item.labels,
        state: merge.next,
        joinedNew: placed?.isNewIncident ?? false,
        flap: flapping,
      });
    }
    // A muted alert whose silence ended joins now: its join is an event like a first firing.
    if (merge.events.length === 0 && placed?.incidentId && row && row.incidentId === null) {
      touchedIncidents.add(placed.incidentId);
      events.push({
        incidentId: placed.incidentId,
        actor: item.actor,
        event: { type: 'fired' },
        fingerprint: item.fingerprint,
        labels: item.labels,
        state: merge.next,
        joinedNew: placed.isNewIncident,
      });
    }
  }
  for (const plan of refreshes) outcomeOf(outcomes, plan.incoming.fingerprint).updated = true;
  // 5. The rows, the incidents' timeline entries, then what the incidents' state now owes.
  const heartbeats = refreshes.map((plan) => ({ fingerprint: plan.incoming.fingerprint, state: plan.merge.next }));
  // The upsert and the timeline entries insert what their parameter holds, and heartbeats seek their
  // rows by fingerprint: all keep their plans (planning the 50-row upsert anew cost 0.65 ms of Postgres
  // CPU, more than running it; the heartbeats' update 0.2 ms, two fifths of it).
  const changes = alertChangesByIncident(events);
  // Only an incident that lost an alert needs the rows written to be settled (has it any left?); the
  // others' messages are decided already and go out in the same round trip as the writes.
  const losing = new Set(
    events.filter((pending) => pending.event.type === 'resolved' || pending.event.type === 'expired').map((pending) => pending.incidentId),
  );
  const gaining = new Set([...touchedIncidents].filter((id) => !losing.has(id)));
  await Promise.all([
    planGenerically(tx, () =>
      Promise.all([refreshAlertRows(tx, heartbeats, now), writeAlertRows(tx, writes, now), recordAlertEvents(tx, events, changes)]),
    ),
    settleIncidents(tx, context, gaining, events, placement.incidents, changes),
  ]);
  await settleIncidents(tx, context, losing, events, placement.incidents, changes);
  return outcomes;
}
