import { and, eq, isNull } from 'drizzle-orm';
import type { Config, Database, Timer, TimerHandler } from '../../../platform/index.ts';
import { SYSTEM_ACTOR } from '../../../platform/index.ts';
import { openIncident } from '../../open-incident.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { formatMatcher } from '../matchers.ts';
import { armHeartbeat, silentAfter } from './heartbeat-timer.ts';
import { heartbeats } from './schema/heartbeats.ts';

/** The title of the incident a missed heartbeat opens. */
export const silentPipelineTitle = (name: string) => `alerting pipeline silent: ${name}`;

/**
 * A heartbeat's timer fell due (claimed once across replicas): if it was heard since, arm the next
 * check; if not, open "alerting pipeline silent: <name>" (it pages like any incident of its severity).
 */
export function checkHeartbeat(config: Config): TimerHandler {
  return async (tx: Database, timer: Timer, now: Date) => {
    const heartbeatId = typeof timer.payload.heartbeatId === 'string' ? timer.payload.heartbeatId : null;
    if (!heartbeatId) return;
    const [heartbeat] = await tx.select().from(heartbeats).where(eq(heartbeats.id, heartbeatId)).for('update');
    // Removed, or already silent with its incident open (hearing it again resolves that and re-arms).
    if (!heartbeat || heartbeat.incidentId) return;
    const due = silentAfter(heartbeat);
    if (due.getTime() > now.getTime()) {
      await armHeartbeat(tx, heartbeat.id, due);
      return;
    }
    const matchers = heartbeat.matchers.map(formatMatcher).join(', ');
    const path = heartbeat.source === 'alertmanager' ? 'Alertmanager webhook' : heartbeat.source === 'prometheus' ? 'API v2' : 'any path';
    const incident = await openIncident(
      tx,
      { actor: SYSTEM_ACTOR, config },
      {
        title: silentPipelineTitle(heartbeat.name),
        summary:
          `No alert matching {${matchers}} arrived (${path}) for ${heartbeat.intervalSeconds + heartbeat.graceSeconds} s ` +
          `(interval ${heartbeat.intervalSeconds} s plus grace ${heartbeat.graceSeconds} s). Prometheus, Alertmanager, or the way ` +
          'between them and Firebreak may be down: alerts from that path are not reaching anyone.',
        severity: heartbeat.severity,
        source: 'alert',
        groupKey: `heartbeat:${heartbeat.id}`,
        labels: { heartbeat: heartbeat.name },
        startedAt: due,
      },
    );
    await tx
      .update(heartbeats)
      .set({ incidentId: incident.id, updatedAt: now })
      .where(and(eq(heartbeats.id, heartbeat.id), isNull(heartbeats.incidentId)));
    await appendTimelineEvent(tx, SYSTEM_ACTOR, {
      incidentId: incident.id,
      type: 'heartbeat.missed',
      occurredAt: due,
      data: {
        heartbeat: heartbeat.name,
        matchers,
        source: heartbeat.source,
        lastHeardAt: heartbeat.lastHeardAt?.toISOString() ?? null,
        intervalSeconds: heartbeat.intervalSeconds,
        graceSeconds: heartbeat.graceSeconds,
      },
    });
  };
}
