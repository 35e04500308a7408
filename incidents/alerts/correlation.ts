import type { Database, Severity } from '../../platform/index.ts';
import { severityRank } from '../../platform/index.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import type { OpenIncidentInput } from '../open-incident.ts';
import { openIncident } from '../open-incident.ts';
import type { ActiveSilence } from './active-silences.ts';
import { activeSilences, findSilence } from './active-silences.ts';
import { lockKeys, lockName } from './advisory-locks.ts';
import type { IncidentRef, StoredAlert } from './alert-statements.ts';
import { incidentCandidates } from './alert-statements.ts';
import type { IngestContext, Plan } from './ingest-shapes.ts';
import type { Inhibition } from './inhibition.ts';
import { findInhibitor } from './inhibition.ts';
import type { MergeResult } from './merge-alert.ts';

/*
 * Where an alert is joined to an incident. A firing alert that belongs to no incident yet goes, in this
 * order: nowhere if a silence or an inhibition rule mutes it; back to its own incident if it fires again within the re-fire
 * window (ALERT_REFIRE_WINDOW_SECONDS) and that incident is not closed; to the open incident of its
 * group (one not recovered nor closed); else to a new incident, opened once for all its group's alerts.
 */

/** A firing alert that belongs to no incident yet (new, re-fired, or muted until now) must be correlated. */
export function needsCorrelation(row: StoredAlert | undefined, merge: MergeResult): boolean {
  if (merge.next.status !== 'firing') return false;
  if (merge.events.some((event) => event.type === 'fired' || event.type === 'refired')) return true;
  return row !== undefined && row.incidentId === null;
}

/** Each correlated alert's place, and the incidents it was decided with (read under the group locks). */
export interface Placements extends Map<string, Placement> {
  incidents: Map<string, IncidentRef>;
}

export interface Placement {
  incidentId: string | null;
  silenceId: string | null;
  /** The alert that inhibits this one (an inhibition rule): it joins no incident. */
  inhibitedBy: string | null;
  groupKey: string;
  isNewIncident: boolean;
}

/** What the ingest transaction already read under its locks, so that correlation need not read it again. */
export interface Preloaded {
  silences: ActiveSilence[] | null;
  /** The inhibition rules and the firing alerts that may inhibit (null: no rules). */
  inhibition: Inhibition | null;
  candidates: IncidentRef[];
  /** The groups whose open incidents `candidates` holds (found or not). */
  queriedGroups: Set<string>;
}

/**
 * Where each alert goes: back to its incident (re-fire within the window), an open incident of its
 * group, a new one, or muted. The caller holds the alerts' locks and their groups' locks, shared for
 * `sharedGroups` (they had an open incident when locked) and exclusive for the others.
 */
export async function correlate(
  tx: Database,
  plans: Plan[],
  sharedGroups: ReadonlySet<string>,
  preloaded: Preloaded,
  context: IngestContext,
): Promise<Placements> {
  const placement: Placements = Object.assign(new Map<string, Placement>(), { incidents: new Map<string, IncidentRef>() });
  if (plans.length === 0) return placement;
  const { settings, now } = context;
  const silences = preloaded.silences ?? (await activeSilences(tx, now));
  const unmuted: Plan[] = [];
  for (const plan of plans) {
    const silence = findSilence(silences, plan.incoming.labels);
    const inhibitedBy = silence ? null : findInhibitor(preloaded.inhibition, plan.incoming.fingerprint, plan.incoming.labels);
    if (silence || inhibitedBy)
      placement.set(plan.incoming.fingerprint, {
        incidentId: null,
        silenceId: silence?.id ?? null,
        inhibitedBy,
        groupKey: plan.incoming.groupKey,
        isNewIncident: false,
      });
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
    missing.length > 0 || unreadGroups.length > 0
      ? [...preloaded.candidates, ...(await incidentCandidates(tx, new Set(unreadGroups), new Set(missing)))]
      : preloaded.candidates;
  const byId = new Map(candidates.map((incident) => [incident.id, incident]));
  for (const incident of candidates) placement.incidents.set(incident.id, incident);
  const openByGroup = new Map<string, IncidentRef>();
  for (const incident of candidates) {
    if (incident.groupKey && !incident.closed && !incident.recovered && !openByGroup.has(incident.groupKey))
      openByGroup.set(incident.groupKey, incident);
  }

  const needNew = new Map<string, Plan[]>();
  for (const plan of unmuted) {
    const returnTo = returning.get(plan.incoming.fingerprint);
    const previous = returnTo ? byId.get(returnTo) : undefined;
    if (previous && !previous.closed && previous.groupKey) {
      placement.set(plan.incoming.fingerprint, {
        incidentId: previous.id,
        silenceId: null,
        inhibitedBy: null,
        groupKey: previous.groupKey,
        isNewIncident: false,
      });
      continue;
    }
    const open = openByGroup.get(plan.incoming.groupKey);
    if (open) {
      placement.set(plan.incoming.fingerprint, {
        incidentId: open.id,
        silenceId: null,
        inhibitedBy: null,
        groupKey: plan.incoming.groupKey,
        isNewIncident: false,
      });
      continue;
    }
    needNew.set(plan.incoming.groupKey, [...(needNew.get(plan.incoming.groupKey) ?? []), plan]);
  }
  // A group locked shared (it had an open incident a moment ago) needs its exclusive lock to open one.
  const upgrade = [...needNew.keys()].filter((groupKey) => sharedGroups.has(groupKey));
  if (upgrade.length > 0) {
    await lockKeys(
      tx,
      upgrade.map((groupKey) => lockName('group', groupKey)),
    );
    // Another transaction may have opened one while this one waited for the exclusive lock.
    for (const incident of await incidentCandidates(tx, new Set(upgrade), new Set())) {
      const members = incident.groupKey ? needNew.get(incident.groupKey) : undefined;
      if (!members || !incident.groupKey) continue;
      placement.incidents.set(incident.id, incident);
      for (const plan of members)
        placement.set(plan.incoming.fingerprint, {
          incidentId: incident.id,
          silenceId: null,
          inhibitedBy: null,
          groupKey: incident.groupKey,
          isNewIncident: false,
        });
      needNew.delete(incident.groupKey);
    }
  }
  for (const [groupKey, members] of needNew) {
    const opener = members[0]?.incoming;
    if (!opener) continue;
    const incident = await openIncident(
      tx,
      { actor: opener.actor, config: context.config },
      incidentInputFor(groupKey, members, opener.source === 'slo', context),
    );
    placement.incidents.set(incident.id, {
      id: incident.id,
      groupKey,
      closed: false,
      recovered: false,
      resolved: false,
      alertname: incident.labels.alertname ?? null,
      snapshot: incidentSnapshot(incident),
    });
    for (const plan of members)
      placement.set(plan.incoming.fingerprint, {
        incidentId: incident.id,
        silenceId: null,
        inhibitedBy: null,
        groupKey,
        isNewIncident: true,
      });
  }
  return placement;
}

const MAX_INCIDENT_LABEL = 1024;

/** The incident a group's first alerts open: titled after the first, as severe as the worst, labelled with what all share. */
function incidentInputFor(groupKey: string, members: Plan[], fromSlo: boolean, context: IngestContext): OpenIncidentInput {
  const first = members[0]?.incoming;
  const labels = first?.labels ?? {};
  // The labels every alert of the group shares, as Alertmanager's commonLabels.
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value.length <= MAX_INCIDENT_LABEL && name.length <= 200 && members.every((plan) => plan.incoming.labels[name] === value))
      common[name] = value;
  }
  const severity = members
    .map((plan) => plan.merge.next.severity)
    .reduce<Severity>(
      (worst, current) => (severityRank(current) < severityRank(worst) ? current : worst),
      context.settings.defaultSeverity,
    );
  const alertname = labels.alertname ?? first?.fingerprint ?? 'Alert';
  const summaryText = first?.delivery.annotations.summary;
  const title = (summaryText ? `${alertname}: ${summaryText}` : alertname).replace(/\s+/g, ' ').trim().slice(0, 300) || 'Alert';
  const services = [
    ...new Set(
      members
        .map((plan) => plan.incoming.labels.service)
        .filter((service): service is string => Boolean(service && service.trim() !== '' && service.length <= 200)),
    ),
  ].slice(0, 50);
  const startedAt = new Date(Math.min(...members.map((plan) => plan.merge.next.startsAt.getTime())));
  const description = first?.delivery.annotations.description;
  return {
    title,
    summary: (description ?? '').slice(0, 20_000),
    severity: members.length > 0 ? severity : context.settings.defaultSeverity,
    source: fromSlo ? 'slo' : 'alert',
    groupKey,
    services,
    labels: common,
    startedAt,
  };
}
