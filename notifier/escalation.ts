import { and, eq, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext, Database, Timer } from '../platform/index.ts';
import {
  assertPermission,
  ConflictError,
  cancelTimers,
  describeIssue,
  preparedStatement,
  recordAudit,
  scheduleTimer,
} from '../platform/index.ts';
import { enqueuePage } from './pagerduty/enqueue-page.ts';
import type { PageRoute } from './routing/resolve-routes.ts';
import { resolveRoutes } from './routing/resolve-routes.ts';
import type { IncidentEscalation } from './schema/incident-escalations.ts';
import { incidentEscalations } from './schema/incident-escalations.ts';
import type { NotifierSettings } from './settings.ts';
import { settingsFromConfig } from './settings.ts';
import { enqueueSlackPost } from './slack/enqueue-slack.ts';
import { StoredSnapshot } from './stored-snapshot.ts';

export const ESCALATION_TIMER = 'notifier.escalate';

/** The next escalation of a route is due: stale once the round or the escalation count moved on. */
const EscalationTimerPayload = z.object({
  incidentId: z.string(),
  routeKey: z.string(),
  round: z.number().int(),
  escalations: z.number().int(),
});
type EscalationTimerPayload = z.infer<typeof EscalationTimerPayload>;

/** A timer payload or stored snapshot checked against its schema; one that fails is an error that names what it was. */
function checked<Value>(schema: z.ZodType<Value>, value: unknown, what: string): Value {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`${what} is not readable: ${parsed.error.issues.slice(0, 5).map(describeIssue).join('; ')}`);
}

function timerKey(payload: EscalationTimerPayload): string {
  return `${payload.incidentId}:${payload.routeKey}:${payload.round}:${payload.escalations}`;
}

/**
 * Arms the next escalation of a route. A timer re-armed for the same round and count (a held
 * escalation deferred or resumed) gets its own key, since a fired timer's key cannot be armed again.
 */
async function scheduleNext(tx: Database, row: IncidentEscalation, now: Date, dueAt?: Date): Promise<void> {
  if (row.stopped || row.escalateAfterSeconds === null || row.escalations >= row.maxEscalations) return;
  const payload: EscalationTimerPayload = {
    incidentId: row.incidentId,
    routeKey: row.routeKey,
    round: row.round,
    escalations: row.escalations,
  };
  const due = dueAt ?? new Date(now.getTime() + row.escalateAfterSeconds * 1000);
  await scheduleTimer(tx, {
    kind: ESCALATION_TIMER,
    key: dueAt ? `${timerKey(payload)}:at:${due.getTime()}` : timerKey(payload),
    dueAt: due,
    payload,
  });
}

/** Pages level 0 of a route and starts its escalation clock (a new round when the incident re-fires). */
export async function startPaging(
  tx: Database,
  settings: NotifierSettings,
  incident: StoredSnapshot,
  route: PageRoute,
  now: Date,
  idempotencyPrefix: string,
): Promise<void> {
  const first = route.routingKeys[0];
  if (!first) return;
  const [row] = await tx
    .insert(incidentEscalations)
    .values({
      incidentId: incident.id,
      routeKey: route.routeKey,
      routingKeys: route.routingKeys,
      escalateAfterSeconds: route.escalateAfterSeconds,
      maxEscalations: route.maxEscalations,
      incident,
    })
    .onConflictDoUpdate({
      target: [incidentEscalations.incidentId, incidentEscalations.routeKey],
      set: {
        routingKeys: route.routingKeys,
        escalateAfterSeconds: route.escalateAfterSeconds,
        maxEscalations: route.maxEscalations,
        incident,
        level: 0,
        escalations: 0,
        stopped: false,
        round: sql`${incidentEscalations.round} + 1`,
        updatedAt: now,
      },
    })
    .returning();
  if (!row) throw new Error('escalation upsert returned no row');
  await enqueuePage(tx, settings, {
    incident,
    action: 'trigger',
    routingKey: first,
    idempotencyKey: `${idempotencyPrefix}:trigger:${route.routeKey}:${row.round}`,
  });
  await scheduleNext(tx, row, now);
}

/** Stops the escalation clocks of an incident (it was acknowledged, resolved or closed). */
export async function stopEscalations(tx: Database, incidentId: string): Promise<void> {
  await tx.update(incidentEscalations).set({ stopped: true, updatedAt: new Date() }).where(eq(incidentEscalations.incidentId, incidentId));
  await cancelTimers(tx, ESCALATION_TIMER, `${incidentId}:`);
}

/** Keeps the stored snapshot current, so escalation messages say what the incident looks like now. */
export async function refreshEscalationSnapshot(tx: Database, incident: StoredSnapshot): Promise<void> {
  await tx.update(incidentEscalations).set({ incident }).where(eq(incidentEscalations.incidentId, incident.id));
}

// A storm's delivery touches many incidents at once: their snapshots go in one statement.
const updateSnapshots = preparedStatement<[snapshots: string], never>(`
  update incident_escalations e set incident = v.incident
  from jsonb_to_recordset($1::text::jsonb) as v(id uuid, incident jsonb)
  where e.incident_id = v.id`);

/** refreshEscalationSnapshot for several incidents, in one statement. */
export async function refreshEscalationSnapshots(tx: Database, incidents: readonly StoredSnapshot[]): Promise<void> {
  if (incidents.length === 0) return;
  await updateSnapshots(tx, JSON.stringify(incidents.map((incident) => ({ id: incident.id, incident }))));
}

async function escalate(
  tx: Database,
  settings: NotifierSettings,
  row: IncidentEscalation,
  now: Date,
  reason: string,
): Promise<IncidentEscalation> {
  const incident = checked(
    StoredSnapshot,
    row.incident,
    `The incident snapshot kept for the escalation of ${row.incidentId} (route ${row.routeKey})`,
  );
  const level = Math.min(row.level + 1, row.routingKeys.length - 1);
  const routingKey = row.routingKeys[level];
  if (!routingKey) throw new Error(`escalation of ${incident.reference} has no routing keys`);
  const escalations = row.escalations + 1;
  const prefix = `escalation:${row.incidentId}:${row.routeKey}:${row.round}:${escalations}`;
  await enqueuePage(tx, settings, {
    incident,
    action: 'trigger',
    routingKey,
    idempotencyKey: `${prefix}:trigger`,
    details: { escalationLevel: level + 1, reason },
  });
  const routes = await resolveRoutes(tx, { ...incident, acknowledgedAt: null, recoveredAt: null, closedAt: null }, settings);
  if (routes.slack) {
    await enqueueSlackPost(
      tx,
      settings,
      {
        incident,
        text: `:rotating_light: ${reason}: paging escalation level ${level + 1} of ${row.routingKeys.length}.`,
        broadcast: false,
      },
      `${prefix}:slack`,
    );
  }
  const [updated] = await tx
    .update(incidentEscalations)
    .set({ level, escalations, lastEscalatedAt: now, updatedAt: now })
    .where(and(eq(incidentEscalations.incidentId, row.incidentId), eq(incidentEscalations.routeKey, row.routeKey)))
    .returning();
  if (!updated) throw new Error('escalation row vanished');
  return updated;
}

/** The scheduler's handler (createNotifier gives it the settings): nobody acknowledged in time, so the next level is paged. */
export async function handleEscalationTimer(tx: Database, timer: Timer, now: Date, settings: NotifierSettings): Promise<void> {
  const payload = checked(EscalationTimerPayload, timer.payload, `The payload of escalation timer ${timer.key}`);
  const [row] = await tx
    .select()
    .from(incidentEscalations)
    .where(and(eq(incidentEscalations.incidentId, payload.incidentId), eq(incidentEscalations.routeKey, payload.routeKey)))
    .for('update');
  // Acknowledged, or a later round (the incident re-fired) or escalation already replaced this timer.
  if (!row || row.stopped || row.round !== payload.round || row.escalations !== payload.escalations) return;
  // Held while every firing alert is inhibited: nothing now; releasing the hold re-arms the clock.
  if (row.holdReason !== null && row.holdWindowSeconds === null) return;
  const windowMs = row.holdReason !== null && row.holdWindowSeconds !== null ? row.holdWindowSeconds * 1000 : 0;
  // Held while its alerts flap: at most one escalation per window, counted from the last one.
  if (windowMs > 0 && row.lastEscalatedAt && now.getTime() - row.lastEscalatedAt.getTime() < windowMs) {
    await scheduleNext(tx, row, now, new Date(row.lastEscalatedAt.getTime() + windowMs));
    return;
  }
  const minutes = Math.round((row.escalateAfterSeconds ?? 0) / 60);
  const updated = await escalate(tx, settings, row, now, `Not acknowledged within ${minutes} min`);
  const after = (updated.escalateAfterSeconds ?? 0) * 1000;
  await scheduleNext(tx, updated, now, windowMs > after ? new Date(now.getTime() + windowMs) : undefined);
}

/** Why an incident's escalation is held: its alerts flap (one escalation per window), or all are inhibited (none). */
export type EscalationHold = { reason: 'flapping'; windowSeconds: number } | { reason: 'inhibited' };

/**
 * Holds or releases the escalation of an incident's running pages (those not stopped by an
 * acknowledgement or resolution); true when that changed anything. Releasing re-arms each route's
 * clock from `now`: the next level is paged if nobody acknowledges within its escalation delay.
 */
export async function setEscalationHold(tx: Database, incidentId: string, hold: EscalationHold | null, now: Date): Promise<boolean> {
  if (hold) {
    const windowSeconds = hold.reason === 'flapping' ? hold.windowSeconds : null;
    const held = await tx
      .update(incidentEscalations)
      .set({ holdReason: hold.reason, holdWindowSeconds: windowSeconds, updatedAt: now })
      .where(
        and(
          eq(incidentEscalations.incidentId, incidentId),
          eq(incidentEscalations.stopped, false),
          or(isNull(incidentEscalations.holdReason), ne(incidentEscalations.holdReason, hold.reason)),
        ),
      )
      .returning({ routeKey: incidentEscalations.routeKey });
    return held.length > 0;
  }
  const released = await tx
    .update(incidentEscalations)
    .set({ holdReason: null, holdWindowSeconds: null, updatedAt: now })
    .where(and(eq(incidentEscalations.incidentId, incidentId), isNotNull(incidentEscalations.holdReason)))
    .returning();
  const running = released.filter((row) => !row.stopped);
  for (const row of running) await scheduleNext(tx, row, now, new Date(now.getTime() + (row.escalateAfterSeconds ?? 0) * 1000));
  return running.length > 0;
}

/** The incidents whose running escalation is held, and why. */
export async function listHeldEscalations(tx: Database): Promise<{ incidentId: string; reason: 'flapping' | 'inhibited' }[]> {
  const rows = await tx
    .selectDistinct({ incidentId: incidentEscalations.incidentId, reason: incidentEscalations.holdReason })
    .from(incidentEscalations)
    .where(and(isNotNull(incidentEscalations.holdReason), eq(incidentEscalations.stopped, false)));
  return rows.flatMap((row) => (row.reason ? [{ incidentId: row.incidentId, reason: row.reason }] : []));
}

/** Someone asks for more help now (the Slack button, or the API): page the next level of every route. */
export async function escalateIncident(ctx: ActionContext, incidentId: string): Promise<{ escalated: number }> {
  assertPermission(ctx.actor, 'incidents:acknowledge');
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.select().from(incidentEscalations).where(eq(incidentEscalations.incidentId, incidentId)).for('update');
    if (rows.length === 0)
      throw new ConflictError('This incident has not paged anyone, so there is no escalation level to page next.', 'no_escalation');
    const now = new Date();
    for (const row of rows) {
      const updated = await escalate(tx, settingsFromConfig(ctx.config), row, now, `Escalated by ${ctx.actor.name}`);
      await cancelTimers(tx, ESCALATION_TIMER, `${row.incidentId}:${row.routeKey}:`);
      await scheduleNext(tx, updated, now);
    }
    await recordAudit(tx, ctx, {
      action: 'notifier.incident.escalate',
      targetType: 'incident',
      targetId: incidentId,
      details: { routes: rows.length },
    });
    return { escalated: rows.length };
  });
}
