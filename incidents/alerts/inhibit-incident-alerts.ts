import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Config, Database } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import type { Inhibition } from './inhibition.ts';
import { findInhibitor } from './inhibition.ts';
import { alerts } from './schema/alerts.ts';

const BATCH = 2000;

/*
 * A source that begins firing while its targets already fire in an incident. Alertmanager mutes the
 * targets' further notifications (the group's next notification leaves them out). Firebreak keeps
 * them in their incident (it was opened and paged on its own, and leaving it would resolve it
 * without a recovery) but marks them inhibited, so that the alert lists say by what, and an incident
 * whose every firing alert is inhibited holds its escalation (see escalation-holds.ts) until a source
 * stops firing.
 */

interface PagingAlert {
  /** A bigserial: postgres.js reads it as text. */
  id: number | string;
  fingerprint: string;
  labels: Record<string, string>;
}

/** Firing, not inhibited alerts of incidents still paging, by id, after `after`. */
const pagingAlerts = (after: number) =>
  sql`select a.id, a.fingerprint, a.labels from alerts a join incidents i on i.id = a.incident_id
    where a.status = 'firing' and a.inhibited_by is null and a.id > ${after}
      and i.acknowledged_at is null and i.resolved_at is null and i.recovered_at is null and i.closed_at is null
    order by a.id
    limit ${BATCH}`;

// Where the next tick's page begins, per instance (its configuration); a hint only.
const pageAfter = new WeakMap<Config, number>();

/**
 * A page of BATCH of them, from where the last tick's page ended; after the last page, the next tick
 * starts from the first again: with more of them than a page, each is looked at within a few ticks.
 */
async function nextPage(tx: Database, config: Config): Promise<PagingAlert[]> {
  const rows = await queryRows<PagingAlert>(tx, pagingAlerts(pageAfter.get(config) ?? 0));
  pageAfter.set(config, rows.length < BATCH ? 0 : Number(rows.at(-1)?.id ?? 0));
  return rows;
}

/**
 * Marks inhibited the firing alerts of incidents still paging (not acknowledged, resolved or closed)
 * that a firing source now inhibits. Run on the expiry job's tick; with no rule or no firing source it
 * reads nothing more. Alerts a request is changing right now are left for the next tick.
 */
export async function inhibitIncidentAlerts(tx: Database, now: Date, config: Config, inhibition: Inhibition | null): Promise<number> {
  if (!inhibition || inhibition.sources.length === 0) return 0;
  const rows = await nextPage(tx, config);
  const inhibited = new Map<string, string>();
  for (const row of rows) {
    const source = findInhibitor(inhibition, row.fingerprint, row.labels);
    if (source) inhibited.set(row.fingerprint, source);
  }
  if (inhibited.size === 0) return 0;
  const held = await tryLockKeys(
    tx,
    [...inhibited.keys()].map((fingerprint) => lockName('alert', fingerprint)),
  );
  const bySource = new Map<string, string[]>();
  for (const [fingerprint, source] of inhibited) {
    if (held.has(lockName('alert', fingerprint))) bySource.set(source, [...(bySource.get(source) ?? []), fingerprint]);
  }
  let marked = 0;
  for (const [source, fingerprints] of bySource) {
    const updated = await tx
      .update(alerts)
      .set({ inhibitedBy: source, updatedAt: now })
      .where(and(inArray(alerts.fingerprint, fingerprints), eq(alerts.status, 'firing'), isNull(alerts.inhibitedBy)))
      .returning({ id: alerts.id });
    marked += updated.length;
  }
  return marked;
}
