import { expect } from 'vitest';
import { authenticateToken, createToken, systemContext } from '../../platform/index.ts';
import { users } from '../../platform/schema/users.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { advanceTo, completePhaseChecklist, declareCommandedIncident, personContext, timelineTypes } from '../../test/harness/incidents.ts';
import { closeIncident } from '../close-incident.ts';
import { getIncident } from '../get-incident.ts';
import { addNote } from '../notes/index.ts';
import { transitionPhase } from '../transition-phase.ts';
import { approveRca, SelfApprovalError } from './approve-rca.ts';
import { getRca } from './get-rca.ts';
import { writeRca } from './write-rca.ts';

const completeAnalysis = {
  summary: 'A config push removed the payments allow-list.',
  impact: '23 minutes of failed card payments for all EU customers.',
  rootCauses: ['The config pipeline accepted an empty allow-list'],
  contributingFactors: ['No canary for config pushes'],
  fiveWhys: [
    { question: 'Why did payments fail?', answer: 'The gateway rejected every merchant.' },
    { question: 'Why did it reject them?', answer: 'The allow-list was empty.' },
  ],
  lessonsLearned: 'Validate config like code.',
};

describeOnBackends('root-cause analysis', () => {
  it('counts a token as the person it belongs to, and refuses service tokens', async ({ database }) => {
    const admin = personContext(database.db, 'admin', 'Ada');
    const [person] = await database.db
      .insert(users)
      .values({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: 'none' })
      .returning({ id: users.id });
    const ownerId = person?.id ?? '';
    const ada = { ...admin, actor: { ...admin.actor, id: ownerId, userId: ownerId } };
    // Ada mints a token, and with that token a second one: both are Ada.
    const first = await createToken(ada, { name: 'ada-1', role: 'admin' });
    const firstActor = await authenticateToken(database.db, first.token);
    if (!firstActor) throw new Error('token not accepted');
    const second = await createToken({ ...ada, actor: firstActor }, { name: 'ada-2', role: 'admin' });
    const secondActor = await authenticateToken(database.db, second.token);
    expect(secondActor).toMatchObject({ kind: 'token', userId: ownerId });

    const author = { ...ada, actor: firstActor };
    const incident = await declareCommandedIncident(author);
    await advanceTo(author, incident.id, 'root_cause_analysis');
    await writeRca(author, incident.id, completeAnalysis);
    if (!secondActor) throw new Error('token not accepted');
    await expect(approveRca({ ...ada, actor: secondActor }, incident.id)).rejects.toBeInstanceOf(SelfApprovalError);
    await expect(approveRca(ada, incident.id)).rejects.toBeInstanceOf(SelfApprovalError);

    const service = await createToken(systemContext(database.db, ada.config), { name: 'bot', role: 'admin' });
    expect(service.summary.kind).toBe('service');
    const serviceActor = await authenticateToken(database.db, service.token);
    if (!serviceActor) throw new Error('token not accepted');
    await expect(approveRca({ ...ada, actor: serviceActor }, incident.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/service token/),
    });
    const reviewer = personContext(database.db, 'commander', 'Bo');
    expect((await approveRca(reviewer, incident.id)).status).toBe('approved');
  });

  it('is approved by a second person only, and then the incident closes', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const reviewer = personContext(database.db, 'commander', 'Bo');
    const incident = await declareCommandedIncident(author);
    await advanceTo(author, incident.id, 'root_cause_analysis');
    const rca = await writeRca(author, incident.id, completeAnalysis);
    expect(rca).toMatchObject({ status: 'draft', authorName: 'Ana', version: 1 });

    await expect(approveRca(author, incident.id)).rejects.toBeInstanceOf(SelfApprovalError);
    await expect(closeIncident(author, incident.id)).rejects.toMatchObject({ code: 'rca_not_approved' });

    const approved = await approveRca(reviewer, incident.id, { expectedVersion: rca.version });
    expect(approved).toMatchObject({ status: 'approved', approvedByName: 'Bo' });
    await expect(writeRca(author, incident.id, { summary: 'rewritten' })).rejects.toMatchObject({ code: 'rca_approved' });

    await completePhaseChecklist(author, incident.id, 'root_cause_analysis');
    const closed = await closeIncident(author, incident.id);
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect((await timelineTypes(database.db, incident.id)).slice(-4)).toEqual([
      'rca.approved',
      'checklist.item_completed',
      'checklist.item_completed',
      'incident.closed',
    ]);
    await expect(transitionPhase(author, incident.id, { to: 'recovery', reason: 'again' })).rejects.toMatchObject({
      code: 'incident_closed',
    });
    // The review goes on: notes are still welcome on a closed incident.
    expect((await addNote(author, incident.id, { text: 'Shared in the weekly review' })).type).toBe('note.added');
  });

  it('counts everyone who edited it as an author: a co-writer cannot approve either', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const coWriter = personContext(database.db, 'commander', 'Cy');
    const incident = await declareCommandedIncident(author);
    await advanceTo(author, incident.id, 'root_cause_analysis');
    await writeRca(author, incident.id, { summary: completeAnalysis.summary });
    await writeRca(coWriter, incident.id, { ...completeAnalysis });
    await expect(approveRca(coWriter, incident.id)).rejects.toMatchObject({ code: 'self_approval' });
    expect((await approveRca(personContext(database.db, 'admin', 'Di'), incident.id)).status).toBe('approved');
  });

  it('refuses to approve an incomplete analysis, naming what is missing', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const incident = await declareCommandedIncident(author);
    await advanceTo(author, incident.id, 'root_cause_analysis');
    await writeRca(author, incident.id, { summary: 'Something broke' });
    const error = await approveRca(personContext(database.db, 'commander', 'Bo'), incident.id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'rca_incomplete' });
    expect((error as Error).message).toContain('impact');
    expect((error as Error).message).toContain('five whys');
    expect((await getRca(database.db, incident.id)).status).toBe('draft');
  });

  it('is approved only after recovery, in root cause analysis', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const incident = await declareCommandedIncident(author);
    await advanceTo(author, incident.id, 'recovery');
    await writeRca(author, incident.id, completeAnalysis);
    await expect(approveRca(personContext(database.db, 'commander', 'Bo'), incident.id)).rejects.toMatchObject({ code: 'invalid_phase' });
  });

  it('answers a stale version with a conflict, and one of two concurrent edits loses', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const incident = await declareCommandedIncident(author);
    const rca = await writeRca(author, incident.id, { summary: 'first' });
    const results = await Promise.allSettled([
      writeRca(author, incident.id, { summary: 'second', expectedVersion: rca.version }),
      writeRca(personContext(database.db, 'responder', 'Rae'), incident.id, { impact: 'third', expectedVersion: rca.version }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await getRca(database.db, incident.id)).version).toBe(2);
  });

  it('closes only from root cause analysis, and with the checklist done or overridden with a reason', async ({ database }) => {
    const author = personContext(database.db, 'commander', 'Ana');
    const incident = await declareCommandedIncident(author);
    await expect(closeIncident(author, incident.id)).rejects.toMatchObject({ code: 'invalid_transition' });
    await advanceTo(author, incident.id, 'root_cause_analysis');
    await writeRca(author, incident.id, completeAnalysis);
    await approveRca(personContext(database.db, 'commander', 'Bo'), incident.id);
    await expect(closeIncident(author, incident.id)).rejects.toMatchObject({ code: 'checklist_incomplete' });
    await expect(closeIncident(author, incident.id, { override: true })).rejects.toThrow(/reason/);
    const closed = await closeIncident(author, incident.id, { override: true, reason: 'Action items tracked in JIRA' });
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect((await getIncident(database.db, incident.id)).closedAt).toBeInstanceOf(Date);
  });
});
