import { expect } from 'vitest';
import { listAuditEntries } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { completePhaseChecklist, declareTestIncident, personContext, timelineTypes } from '../../test/harness/incidents.ts';
import { acknowledgeIncident } from '../acknowledge-incident.ts';
import { createActionItem, updateActionItem } from '../action-items/index.ts';
import { changeSeverity } from '../change-severity.ts';
import { closeIncident } from '../close-incident.ts';
import { addNote, editNote } from '../notes/index.ts';
import { PHASES } from '../phases.ts';
import { addChecklistItem, completeChecklistItem, listChecklist } from '../playbooks/index.ts';
import { approveRca, writeRca } from '../rca/index.ts';
import { assignRole, releaseRole } from '../roles/index.ts';
import { transitionPhase } from '../transition-phase.ts';

describeOnBackends('timeline completeness', () => {
  it('records every change of a whole incident as exactly one event of the right type, and audits each', async ({ database }) => {
    const ana = personContext(database.db, 'commander', 'Ana');
    const bo = personContext(database.db, 'commander', 'Bo');
    const incident = await declareTestIncident(ana);
    const id = incident.id;
    expect(await timelineTypes(database.db, id)).toEqual(['incident.opened']);

    const steps: [string, () => Promise<unknown>][] = [
      ['incident.acknowledged', () => acknowledgeIncident(ana, id, { via: 'web' })],
      ['role.assigned', () => assignRole(ana, id, { role: 'commander', name: 'Ana', userId: ana.actor.userId })],
      ['role.handed_over', () => assignRole(ana, id, { role: 'commander', name: 'Bo', userId: bo.actor.userId })],
      ['role.assigned', () => assignRole(bo, id, { role: 'scribe', name: 'Cy' })],
      ['role.released', () => releaseRole(bo, id, { role: 'scribe' })],
      ['severity.changed', () => changeSeverity(bo, id, { severity: 'sev1', reason: 'All EU customers' })],
      ['note.added', () => addNote(ana, id, { text: 'Rolled back' })],
      ['checklist.item_added', () => addChecklistItem(bo, id, { phase: 'preparation', text: 'Status page updated' })],
    ];
    for (const [type, step] of steps) {
      const before = await timelineTypes(database.db, id);
      await step();
      expect(await timelineTypes(database.db, id), type).toEqual([...before, type]);
    }

    const note = (await addNote(ana, id, { text: 'typo' })).data.noteId;
    const edit = await timelineTypes(database.db, id);
    await editNote(ana, id, String(note), { text: 'fixed' });
    expect(await timelineTypes(database.db, id)).toEqual([...edit, 'note.edited']);

    // Each checklist tick is one event, and each phase change one more.
    for (const phase of PHASES.slice(0, -1)) {
      const open =
        (await listChecklist(database.db, id)).find((checklist) => checklist.phase === phase)?.items.filter((item) => !item.completedAt) ??
        [];
      const before = await timelineTypes(database.db, id);
      await completePhaseChecklist(bo, id, phase);
      const next = PHASES[PHASES.indexOf(phase) + 1];
      if (!next) break;
      await transitionPhase(bo, id, { to: next });
      expect(await timelineTypes(database.db, id)).toEqual([...before, ...open.map(() => 'checklist.item_completed'), 'phase.changed']);
    }
    const [first] = (await listChecklist(database.db, id)).find((checklist) => checklist.phase === 'root_cause_analysis')?.items ?? [];
    if (!first) throw new Error('no RCA checklist');
    const later: [string, () => Promise<unknown>][] = [
      ['checklist.item_completed', () => completeChecklistItem(bo, id, first.id, { done: true })],
      ['checklist.item_reopened', () => completeChecklistItem(bo, id, first.id, { done: false })],
      [
        'rca.started',
        () => writeRca(ana, id, { summary: 's', impact: 'i', rootCauses: ['r'], fiveWhys: [{ question: 'q', answer: 'a' }] }),
      ],
      ['rca.updated', () => writeRca(ana, id, { lessonsLearned: 'l' })],
      ['action_item.created', () => createActionItem(ana, id, { title: 'Canary', ownerName: 'Bo' })],
      ['rca.approved', () => approveRca(bo, id)],
      ['incident.closed', () => closeIncident(bo, id, { override: true, reason: 'tracked elsewhere' })],
    ];
    for (const [type, step] of later) {
      const before = await timelineTypes(database.db, id);
      await step();
      expect(await timelineTypes(database.db, id), type).toEqual([...before, type]);
    }
    const item = await createActionItem(ana, id, { title: 'Docs', ownerName: 'Cy' });
    const beforeUpdate = await timelineTypes(database.db, id);
    await updateActionItem(ana, id, item.id, { status: 'done' });
    expect(await timelineTypes(database.db, id)).toEqual([...beforeUpdate, 'action_item.updated']);

    // Doing what is already done adds nothing.
    const settled = await timelineTypes(database.db, id);
    await acknowledgeIncident(ana, id, { via: 'slack' });
    await expect(completeChecklistItem(bo, id, first.id, { done: true })).rejects.toMatchObject({ code: 'incident_closed' });
    await updateActionItem(ana, id, item.id, { status: 'done' });
    expect(await timelineTypes(database.db, id)).toEqual(settled);

    // Every change a person made is in the audit trail, with who did it.
    const audit = await listAuditEntries(database.db, { targetId: id, limit: 500 });
    const actions = audit.entries.map((entry) => entry.action);
    for (const action of [
      'incidents.incident.declare',
      'incidents.incident.acknowledge',
      'incidents.role.hand_over',
      'incidents.incident.transition',
      'incidents.rca.approve',
      'incidents.incident.close',
      'incidents.note.edit',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(audit.entries.find((entry) => entry.action === 'incidents.rca.approve')?.actorName).toBe('Bo');
  });
});
