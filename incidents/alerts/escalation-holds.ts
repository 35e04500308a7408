import { sql } from 'drizzle-orm';
import type { EscalationHold } from '../../notifier/index.ts';
import { listHeldEscalations, setEscalationHold } from '../../notifier/index.ts';
import type { Config, Database } from '../../platform/index.ts';
import { queryRows, SYSTEM_ACTOR } from '../../platform/index.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { alertSettingsFrom } from './alert-settings.ts';
import { nameAlert } from './name-alert.ts';

/** Timeline entry types of an incident's escalation being held and resumed. */
export const ESCALATION_HELD = 'escalation.held';
export const ESCALATION_RESUMED = 'escalation.resumed';

interface IncidentAlertCounts {
  incident_id: string;
  firing: number;
  inhibited: number;
  flapping: number;
  steady_firing: number;
  /** One flapping alert, and one inhibiting source, to name in the sentence. */
  flapping_fingerprint: string | null;
  flapping_labels: Record<string, string> | null;
  source_fingerprint: string | null;
  source_labels: Record<string, string> | null;
}

/**
 * The incidents whose escalation may need holding or releasing: those held now, those with a
 * flapping alert (alerts_flapping_idx) and those with a firing inhibited alert (alerts_inhibited_idx).
 */
async function candidateIncidents(tx: Database): Promise<Map<string, 'flapping' | 'inhibited' | null>> {
  const [held, marked] = await Promise.all([
    listHeldEscalations(tx),
    queryRows<{ incident_id: string }>(
      tx,
      sql`select distinct incident_id::text as incident_id from alerts
        where incident_id is not null and (flapping_since is not null or (inhibited_by is not null and status = 'firing'))`,
    ),
  ]);
  const candidates = new Map<string, 'flapping' | 'inhibited' | null>();
  for (const row of marked) candidates.set(row.incident_id, null);
  for (const row of held) candidates.set(row.incidentId, row.reason);
  return candidates;
}

function countsOf(tx: Database, incidentIds: string[]): Promise<IncidentAlertCounts[]> {
  return queryRows<IncidentAlertCounts>(
    tx,
    sql`select a.incident_id::text as incident_id,
        count(*) filter (where a.status = 'firing')::int as firing,
        count(*) filter (where a.status = 'firing' and a.inhibited_by is not null)::int as inhibited,
        count(*) filter (where a.flapping_since is not null)::int as flapping,
        count(*) filter (where a.status = 'firing' and a.flapping_since is null)::int as steady_firing,
        min(a.fingerprint) filter (where a.flapping_since is not null) as flapping_fingerprint,
        (array_agg(a.labels order by a.fingerprint) filter (where a.flapping_since is not null))[1] as flapping_labels,
        min(a.inhibited_by) filter (where a.status = 'firing') as source_fingerprint,
        (select s.labels from alerts s where s.fingerprint = min(a.inhibited_by) filter (where a.status = 'firing')) as source_labels
      from alerts a
      where a.incident_id = any(${`{${incidentIds.join(',')}}`}::uuid[]) and (a.status = 'firing' or a.flapping_since is not null)
      group by a.incident_id`,
  );
}

/** What an incident's escalation should be, from its alerts. */
function holdFor(counts: IncidentAlertCounts | undefined, windowSeconds: number): EscalationHold | null {
  if (!counts) return null;
  if (counts.firing > 0 && counts.inhibited === counts.firing) return { reason: 'inhibited' };
  if (counts.flapping > 0 && counts.steady_firing === 0) return { reason: 'flapping', windowSeconds };
  return null;
}

function heldText(hold: EscalationHold, counts: IncidentAlertCounts, windowSeconds: number): string {
  if (hold.reason === 'inhibited') {
    const source =
      counts.source_fingerprint && counts.source_labels ? nameAlert(counts.source_fingerprint, counts.source_labels) : 'another alert';
    return `Escalation held: every firing alert is inhibited by ${source}, which pages on its own`;
  }
  const alert =
    counts.flapping_fingerprint && counts.flapping_labels ? nameAlert(counts.flapping_fingerprint, counts.flapping_labels) : 'its alert';
  const flapping = counts.flapping > 1 ? `${alert} and ${counts.flapping - 1} more are flapping` : `${alert} is flapping`;
  return `Escalation held: ${flapping}; at most one escalation every ${Math.round(windowSeconds / 60)} min until it settles`;
}

/**
 * Holds the escalation of incidents that should not climb the on-call ladder now, and resumes it when
 * that ends: an incident whose alerts all flap escalates at most once per flap window (a flip is no
 * news), and one whose every firing alert is inhibited escalates not at all (its source pages). Each
 * hold and resumption is a timeline entry. Run on the expiry job's tick, after expiry, settling and
 * the inhibition changes, in the same transaction. Returns how many incidents changed.
 */
export async function reconcileEscalationHolds(tx: Database, now: Date, config: Config): Promise<number> {
  const candidates = await candidateIncidents(tx);
  if (candidates.size === 0) return 0;
  const windowSeconds = Math.round(alertSettingsFrom(config).flap.windowMs / 1000);
  const counts = new Map((await countsOf(tx, [...candidates.keys()])).map((row) => [row.incident_id, row]));
  let changed = 0;
  for (const [incidentId, current] of candidates) {
    const mine = counts.get(incidentId);
    const wanted = holdFor(mine, windowSeconds);
    if ((wanted?.reason ?? null) === current) continue;
    if (!(await setEscalationHold(tx, incidentId, wanted, now))) continue;
    changed++;
    const text =
      wanted && mine
        ? heldText(wanted, mine, windowSeconds)
        : current === 'inhibited'
          ? 'Escalation resumes: its alerts are no longer inhibited'
          : 'Escalation resumes: its alerts stopped flapping';
    await appendTimelineEvent(tx, SYSTEM_ACTOR, {
      incidentId,
      type: wanted ? ESCALATION_HELD : ESCALATION_RESUMED,
      occurredAt: now,
      data: { text, reason: wanted?.reason ?? current },
    });
  }
  return changed;
}
