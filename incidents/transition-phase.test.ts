import { expect } from 'vitest';
import type { DatabaseHandle } from '../platform/index.ts';
import { ConflictError, ForbiddenError, InvalidInputError } from '../platform/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import {
  advanceTo,
  completePhaseChecklist,
  declareCommandedIncident,
  declareTestIncident,
  personContext,
  timelineTypes,
} from '../test/harness/incidents.ts';
import { getIncident } from './get-incident.ts';
import { getIncidentDetail } from './get-incident-detail.ts';
import { assignRole } from './roles/index.ts';
import { listTimeline } from './timeline/index.ts';
import { transitionPhase } from './transition-phase.ts';

describeOnBackends('transitionPhase', () => {
  const commander = (database: DatabaseHandle) => personContext(database.db, 'commander', 'Ana Commander');

  it('moves forward one phase once the exit checklist is done, recording identification as a milestone', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await completePhaseChecklist(ctx, incident.id, 'preparation');
    const moved = await transitionPhase(ctx, incident.id, { to: 'identification' });
    expect(moved.phase).toBe('identification');
    expect(moved.identifiedAt).toBeInstanceOf(Date);
    expect(moved.version).toBe(incident.version + 1);
    const events = (await listTimeline(database.db, incident.id, { limit: 100 })).events.filter((event) => event.type === 'phase.changed');
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ from: 'preparation', to: 'identification', direction: 'forward', override: false });
    expect(events[0]?.actorName).toBe('Ana Commander');
  });

  it('refuses to leave a phase with open checklist items, naming them, and changes nothing', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    const error = await transitionPhase(ctx, incident.id, { to: 'identification' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('checklist_incomplete');
    expect((error as ConflictError).message).toContain('Runbook found and linked');
    const after = await getIncident(database.db, incident.id);
    expect(after.phase).toBe('preparation');
    expect(after.version).toBe(incident.version);
    expect(await timelineTypes(database.db, incident.id)).not.toContain('phase.changed');
  });

  it('lets an override with a reason leave an unfinished phase, recording the skipped items', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    const moved = await transitionPhase(ctx, incident.id, {
      to: 'identification',
      override: true,
      reason: 'Customers are down; checklist after',
    });
    expect(moved.phase).toBe('identification');
    const [event] = (await listTimeline(database.db, incident.id, { limit: 100 })).events.filter((entry) => entry.type === 'phase.changed');
    expect(event?.data).toMatchObject({ override: true, reason: 'Customers are down; checklist after' });
    expect((event?.data.skippedItems as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses an override without a reason', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await expect(transitionPhase(ctx, incident.id, { to: 'identification', override: true })).rejects.toThrow(/reason/);
    expect((await getIncident(database.db, incident.id)).phase).toBe('preparation');
  });

  it('refuses to skip a phase going forward', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await completePhaseChecklist(ctx, incident.id, 'preparation');
    const error = await transitionPhase(ctx, incident.id, { to: 'containment', override: true, reason: 'hurry' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as ConflictError).code).toBe('invalid_transition');
    expect((error as Error).message).toContain('next phase is identification');
  });

  it('refuses to move to the phase it is in', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await expect(transitionPhase(ctx, incident.id, { to: 'preparation' })).rejects.toMatchObject({ code: 'already_in_phase' });
  });

  it('refuses to leave preparation without a commander, even with an override', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareTestIncident(ctx);
    await completePhaseChecklist(ctx, incident.id, 'preparation');
    await expect(transitionPhase(ctx, incident.id, { to: 'identification', override: true, reason: 'x' })).rejects.toMatchObject({
      code: 'commander_required',
    });
    expect((await getIncidentDetail(database.db, incident.id)).blockers).toEqual(['no commander assigned']);
  });

  it('moves back with a reason, clearing milestones that no longer hold and keeping the identification time', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    const inRecovery = await advanceTo(ctx, incident.id, 'recovery');
    expect(inRecovery.containedAt).toBeInstanceOf(Date);
    expect(inRecovery.eradicatedAt).toBeInstanceOf(Date);
    const back = await transitionPhase(ctx, incident.id, { to: 'containment', reason: 'The attacker is back on host db-2' });
    expect(back.phase).toBe('containment');
    expect(back.containedAt).toBeNull();
    expect(back.eradicatedAt).toBeNull();
    expect(back.identifiedAt?.getTime()).toBe(inRecovery.identifiedAt?.getTime());
    const last = (await listTimeline(database.db, incident.id, { limit: 100 })).events.at(-1);
    expect(last?.data).toMatchObject({
      from: 'recovery',
      to: 'containment',
      direction: 'backward',
      reason: 'The attacker is back on host db-2',
    });
    // Leaving containment again needs its checklist, which is still ticked from the first pass.
    const again = await transitionPhase(ctx, incident.id, { to: 'eradication' });
    expect(again.containedAt?.getTime()).toBeGreaterThan(inRecovery.containedAt?.getTime() ?? Infinity);
  });

  it('refuses a move back without a reason', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await advanceTo(ctx, incident.id, 'containment');
    const error = await transitionPhase(ctx, incident.id, { to: 'identification' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('reason_required');
    expect((await getIncident(database.db, incident.id)).phase).toBe('containment');
  });

  it('records recovery and resolution when recovery ends', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    const inRca = await advanceTo(ctx, incident.id, 'root_cause_analysis');
    expect(inRca.recoveredAt).toBeInstanceOf(Date);
    expect(inRca.resolvedAt?.getTime()).toBe(inRca.recoveredAt?.getTime());
    const detail = await getIncidentDetail(database.db, incident.id);
    expect(detail.figures.timeToRecoverSeconds).not.toBeNull();
    expect(detail.currentChecklist?.phase).toBe('root_cause_analysis');
  });

  it('answers a stale expected version with a conflict', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await completePhaseChecklist(ctx, incident.id, 'preparation');
    await expect(transitionPhase(ctx, incident.id, { to: 'identification', expectedVersion: incident.version - 1 })).rejects.toMatchObject({
      code: 'stale_version',
    });
    expect((await transitionPhase(ctx, incident.id, { to: 'identification', expectedVersion: incident.version })).phase).toBe(
      'identification',
    );
  });

  it('lets exactly one of two concurrent transitions from the same version win', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await completePhaseChecklist(ctx, incident.id, 'preparation');
    const current = await getIncident(database.db, incident.id);
    const results = await Promise.allSettled(
      ['Ana', 'Bo', 'Cy', 'Di', 'Ed'].map((name) =>
        transitionPhase(personContext(database.db, 'commander', name), incident.id, {
          to: 'identification',
          expectedVersion: current.version,
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConflictError);
    expect((await timelineTypes(database.db, incident.id)).filter((type) => type === 'phase.changed')).toHaveLength(1);
  });

  it('keeps exactly one commander when several people take the role at once', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareTestIncident(ctx);
    await Promise.all(
      ['Ana', 'Bo', 'Cy', 'Di', 'Ed'].map((name) =>
        assignRole(personContext(database.db, 'commander', name), incident.id, { role: 'commander', name }),
      ),
    );
    const detail = await getIncidentDetail(database.db, incident.id);
    expect(detail.roles.filter((holder) => holder.role === 'commander')).toHaveLength(1);
    const types = (await timelineTypes(database.db, incident.id)).filter((type) => type.startsWith('role.'));
    expect(types.sort()).toEqual(['role.assigned', 'role.handed_over', 'role.handed_over', 'role.handed_over', 'role.handed_over']);
    expect(detail.incident.version).toBe(incident.version + 5);
  });

  it('refuses a responder, who lacks incidents:transition', async ({ database }) => {
    const ctx = commander(database);
    const incident = await declareCommandedIncident(ctx);
    await expect(
      transitionPhase(personContext(database.db, 'responder', 'Rae'), incident.id, { to: 'identification', override: true, reason: 'x' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
