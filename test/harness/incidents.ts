import { randomUUID } from 'node:crypto';
import type { DeclareIncidentInput, Incident, Phase } from '../../incidents/index.ts';
import {
  assignRole,
  completeChecklistItem,
  declareIncident,
  getIncident,
  listChecklist,
  listTimeline,
  PHASES,
  phaseIndex,
  transitionPhase,
} from '../../incidents/index.ts';
import type { ActionContext, Database, Role } from '../../platform/index.ts';
import { permissionsOf } from '../../platform/index.ts';
import type { Firebreak } from '../../server.ts';
import { TEST_CONFIG } from './config.ts';

/**
 * A person acting with a role, as a session would give them (their own user id): on a bare database
 * with the test configuration, or on a running Firebreak with its own.
 */
export function personContext(
  target: Database | Pick<Firebreak, 'database' | 'config'>,
  role: Role,
  name: string,
  userId: string = randomUUID(),
): ActionContext {
  const { db, config } =
    'database' in target && 'config' in target
      ? { db: target.database.db, config: target.config }
      : { db: target as Database, config: TEST_CONFIG };
  return {
    db,
    actor: { kind: 'user', id: userId, userId, name, role, permissions: permissionsOf(role) },
    requestId: `test-${randomUUID()}`,
    sourceAddress: '127.0.0.1',
    config,
  };
}

/** A declared incident (sev2 by default). */
export async function declareTestIncident(ctx: ActionContext, input: Partial<DeclareIncidentInput> = {}): Promise<Incident> {
  return declareIncident(ctx, { title: 'Checkout errors', severity: 'sev2', services: ['checkout'], ...input });
}

/** A declared incident with a commander, ready to leave preparation once its checklist is done. */
export async function declareCommandedIncident(ctx: ActionContext, input: Partial<DeclareIncidentInput> = {}): Promise<Incident> {
  const incident = await declareTestIncident(ctx, input);
  return (await assignRole(ctx, incident.id, { role: 'commander', name: ctx.actor.name, userId: ctx.actor.userId })).incident;
}

/** Ticks every open item of the phase's exit checklist. */
export async function completePhaseChecklist(ctx: ActionContext, incidentId: string, phase: Phase): Promise<void> {
  const checklist = (await listChecklist(ctx.db, incidentId)).find((entry) => entry.phase === phase);
  for (const item of checklist?.items ?? []) {
    if (!item.completedAt) await completeChecklistItem(ctx, incidentId, item.id, { done: true });
  }
}

/** Walks an incident forward, checklist by checklist, until it is in `target`. */
export async function advanceTo(ctx: ActionContext, incidentId: string, target: Phase): Promise<Incident> {
  let incident = await getIncident(ctx.db, incidentId);
  while (phaseIndex(incident.phase) < phaseIndex(target)) {
    await completePhaseChecklist(ctx, incidentId, incident.phase);
    const next = PHASES[phaseIndex(incident.phase) + 1];
    if (!next) break;
    incident = await transitionPhase(ctx, incidentId, { to: next });
  }
  return incident;
}

/** The types of an incident's timeline events, in order. */
export async function timelineTypes(db: Database, incidentId: string): Promise<string[]> {
  return (await listTimeline(db, incidentId, { limit: 1000 })).events.map((event) => event.type);
}
