import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { advanceTo, declareCommandedIncident, personContext } from '../../test/harness/incidents.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { createActionItem } from '../action-items/index.ts';
import { listTimeline } from '../timeline/index.ts';
import { approveRca } from './approve-rca.ts';
import { writeRca } from './write-rca.ts';

/** An incident in root cause analysis with a complete analysis (with a character Slack and HTML escape) and one action item. */
async function approvedAnalysis(world: NotifierWorld) {
  const author = personContext(world.firebreak, 'commander', 'Ana');
  const incident = await declareCommandedIncident(author, { title: 'Checkout errors', severity: 'sev2' });
  await advanceTo(author, incident.id, 'root_cause_analysis');
  await writeRca(author, incident.id, {
    summary: 'A config push removed the payments allow-list.',
    impact: '23 minutes of failed card payments for all EU customers.',
    rootCauses: ['The config pipeline accepted an empty allow-list <no check>'],
    contributingFactors: ['No canary for config pushes'],
    fiveWhys: [{ question: 'Why did payments fail?', answer: 'The gateway rejected every merchant.' }],
    lessonsLearned: 'Validate config like code.',
  });
  await createActionItem(author, incident.id, {
    title: 'Canary config pushes',
    ownerName: 'Bo Chen',
    dueAt: new Date('2031-05-01T12:00:00Z'),
  });
  await approveRca(personContext(world.firebreak, 'commander', 'Di'), incident.id);
  await world.firebreak.notifier.worker.drain();
  return incident;
}

describeOnBackends('an approved root-cause analysis is distributed', () => {
  it.override({ firebreakEnv: { RCA_DISTRIBUTION: '#postmortems, sre-leads@example.com' } });

  it('to a Slack channel as sections and to a mailbox as text and HTML', async ({ world }) => {
    const postmortems = world.slack.addChannel('postmortems');
    const incident = await approvedAnalysis(world);

    expect(postmortems.messages).toHaveLength(1);
    const posted = postmortems.messages[0];
    expect(posted?.text).toContain('Root-cause analysis of INC-1 (Checkout errors) approved');
    const blocks = posted?.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'INC-1: Checkout errors' } });
    const sections = blocks.filter((block) => block.type === 'section').map((block) => block.text?.text ?? '');
    expect(sections).toEqual(
      expect.arrayContaining([
        '*Summary*\nA config push removed the payments allow-list.',
        '*Root causes*\n• The config pipeline accepted an empty allow-list &lt;no check&gt;',
        '*Five whys*\n1. Why did payments fail? — The gateway rejected every merchant.',
        '*Action items*\n• Canary config pushes (owner Bo Chen, due 2031-05-01)',
      ]),
    );

    expect(world.smtp.received).toHaveLength(1);
    const mail = world.smtp.received[0];
    expect(mail?.to).toEqual(['sre-leads@example.com']);
    expect(mail?.subject).toBe('Root-cause analysis: INC-1 Checkout errors');
    expect(mail?.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail?.raw).toMatch(/Content-Type: text\/html/);
    expect(mail?.text).toContain('ROOT CAUSES\n- The config pipeline accepted an empty allow-list <no check>');
    expect(mail?.text).toContain('<li>The config pipeline accepted an empty allow-list &#60;no check&#62;</li>');
    expect(mail?.text).toContain('Written by Ana, approved by Di');
    expect(mail?.text).toContain('http://firebreak.test/incidents/INC-1');

    const approved = (await listTimeline(world.firebreak.database.db, incident.id, { limit: 200 })).events.find(
      (event) => event.type === 'rca.approved',
    );
    expect(approved?.data.distributedTo).toEqual(['#postmortems', 'sre-leads@example.com']);
  });
});

describeOnBackends('without RCA_DISTRIBUTION', () => {
  it('an approved analysis goes nowhere but the page', async ({ world }) => {
    await approvedAnalysis(world);
    expect(world.smtp.received).toEqual([]);
    expect(world.slack.callsOf('chat.postMessage').some((call) => String(call.args.text).includes('Root-cause analysis'))).toBe(false);
  });
});

it('refuses a distribution list that is neither channels nor addresses, naming the setting', () => {
  expect(() => loadConfig({ RCA_DISTRIBUTION: '#postmortems, postmortems' })).toThrow(ConfigError);
  expect(() => loadConfig({ RCA_DISTRIBUTION: 'postmortems' })).toThrow(/RCA_DISTRIBUTION: must list Slack channels/);
  expect(loadConfig({ RCA_DISTRIBUTION: '#postmortems,C024BE91L, dpo@example.com' }).RCA_DISTRIBUTION).toContain('dpo@example.com');
});
