import { expect } from 'vitest';
import { createUser, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext } from '../../test/harness/incidents.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { listTimeline } from '../timeline/index.ts';
import { createActionItem } from './create-action-item.ts';

const hours = (count: number) => count * 3600 * 1000;

async function person(world: NotifierWorld, name: string, email: string, slackUserId?: string) {
  return createUser(systemContext(world.firebreak.database.db, world.firebreak.config), {
    email,
    name,
    role: 'responder',
    password: 'correct horse battery staple',
    slackUserId,
  });
}

/** An incident with one item due in an hour; the reminder timer is run two hours on and the outbox delivered. */
async function remindOverdue(world: NotifierWorld, owner: { ownerUserId?: string; ownerName?: string }) {
  const ctx = personContext(world.firebreak, 'commander', 'Ana');
  const incident = await declareTestIncident(ctx, { title: 'Checkout errors', severity: 'sev2' });
  const now = Date.now();
  await createActionItem(ctx, incident.id, { title: 'Add a canary', ...owner, dueAt: new Date(now + hours(1)) });
  // (The incident's page escalation falls due too.)
  await world.firebreak.scheduler.runDueTimers(new Date(now + hours(2)));
  await world.firebreak.notifier.worker.drain();
  const overdue = (await listTimeline(world.firebreak.database.db, incident.id, { limit: 100 })).events.find(
    (event) => event.type === 'action_item.overdue',
  );
  const channel = world.slack.channelByName('inc-1-checkout-errors');
  return { incident, overdue, channelTexts: (channel?.messages ?? []).map((message) => message.text).join('\n') };
}

describeOnBackends('overdue action items remind their owner', () => {
  it('in a Slack direct message when the owner has a Slack id', async ({ world }) => {
    const bo = await person(world, 'Bo Chen', 'bo@example.com', 'U0BOCHEN');
    const { overdue, channelTexts } = await remindOverdue(world, { ownerUserId: bo.id });
    const direct = world.slack.directMessagesTo('U0BOCHEN')?.messages ?? [];
    expect(direct).toHaveLength(1);
    expect(direct[0]?.text).toMatch(
      /^:clipboard: Reminder: your action item \*Add a canary\* from INC-1 \(Checkout errors\) was due <!date\^/,
    );
    expect(direct[0]?.text).toContain('1 hour');
    expect(direct[0]?.text).not.toMatch(/approaching/i);
    expect(direct[0]?.text).toContain('http://firebreak.test/incidents/INC-1#action-items');
    expect(world.smtp.received).toHaveLength(0);
    expect(channelTexts).not.toContain('Add a canary');
    expect(overdue?.data).toMatchObject({ ownerName: 'Bo Chen', remindedVia: 'slack', reminder: 1 });
  });

  it('by e-mail, through SMTP, when the owner has no Slack id', async ({ world }) => {
    const cy = await person(world, 'Cy Diaz', 'cy@example.com');
    const { overdue, channelTexts } = await remindOverdue(world, { ownerUserId: cy.id });
    expect(world.smtp.received).toHaveLength(1);
    const mail = world.smtp.received[0];
    expect(mail?.to).toEqual(['cy@example.com']);
    expect(mail?.subject).toMatch(/^Reminder: your action item "Add a canary" \(INC-1\) was due \d{4}-\d{2}-\d{2}$/);
    expect(mail?.text).toContain('Hello Cy Diaz,');
    expect(mail?.text).toMatch(
      /Reminder: your action item "Add a canary" from INC-1 \(Checkout errors\) was due [-\d]+ [:\d]+ UTC, 1 hour ago/,
    );
    expect(mail?.text).toContain('http://firebreak.test/incidents/INC-1#action-items');
    expect(mail?.text).not.toMatch(/approaching/i);
    expect([...world.slack.channels.keys()].filter((id) => id.startsWith('D'))).toEqual([]);
    expect(channelTexts).not.toContain('Add a canary');
    expect(overdue?.data).toMatchObject({ remindedVia: 'email' });
  });

  it('in the incident channel when the owner is a name without an account', async ({ world }) => {
    const { overdue, channelTexts } = await remindOverdue(world, { ownerName: 'Someone at the vendor' });
    expect(channelTexts).toMatch(/:clipboard: Reminder: action item "Add a canary" \(owner Someone at the vendor\) was due <!date/);
    expect(world.smtp.received).toHaveLength(0);
    expect(overdue?.data).toMatchObject({ remindedVia: 'incident_channel' });
  });
});
