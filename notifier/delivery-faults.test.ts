import { expect } from 'vitest';
import { acknowledgeIncident, transitionPhase } from '../incidents/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { declareCommandedIncident, personContext } from '../test/harness/incidents.ts';
import type { NotifierWorld } from '../test/harness/notifier.ts';

interface Listed {
  messages: { channel: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: string }[];
}

/** Runs the worker at successive moments (a simulated clock), as the retries fall due. */
async function deliverOver(world: NotifierWorld, minutes: number): Promise<void> {
  for (let minute = 0; minute <= minutes; minute++)
    await world.firebreak.notifier.worker.drain(() => new Date(Date.now() + minute * 60_000));
}

async function runIncident(world: NotifierWorld): Promise<string> {
  const commander = personContext(world.firebreak, 'commander', 'Ana');
  const incident = await declareCommandedIncident(commander, { severity: 'sev1', title: 'Checkout errors' });
  await acknowledgeIncident(commander, incident.id, { via: 'web' });
  await transitionPhase(commander, incident.id, { to: 'identification', override: true, reason: 'known cause' });
  return incident.id;
}

function expectExactlyOnceInOrder(world: NotifierWorld, incidentId: string): void {
  expect(world.slack.callsOf('conversations.create')).toHaveLength(1);
  const channel = world.slack.channelByName('inc-1-checkout-errors');
  expect(channel?.messages.map((message) => message.text)).toEqual([
    expect.stringContaining('INC-1'),
    expect.stringMatching(/Ana is now commander/),
    expect.stringMatching(/Acknowledged by Ana/),
    expect.stringMatching(/Phase preparation → \*identification\*/),
  ]);
  expect(channel?.messages[0]?.text).toMatch(/identification, acknowledged/);
  expect(world.slack.channels.get('C0BROADCAST')?.messages).toHaveLength(1);
  expect(world.pagerduty.events.map((event) => [event.event_action, event.dedup_key])).toEqual([
    ['trigger', incidentId],
    ['acknowledge', incidentId],
  ]);
}

describeOnBackends('delivery under faults', () => {
  it.override({ firebreakEnv: { OUTBOX_MAX_ATTEMPTS: '8', OUTBOX_BACKOFF_BASE_MS: '1000' } });

  it('survives 500s, a hung request and a refused connection, delivering each message once, in order', async ({ world }) => {
    world.slack.faults.add('conversations.create', { kind: 'status', status: 500 }, 2);
    world.slack.faults.add('chat.postMessage', { kind: 'hang', ms: 1500 });
    world.slack.faults.add('chat.update', { kind: 'reset' });
    world.slack.faults.add('chat.postMessage', { kind: 'status', status: 503 });
    world.pagerduty.faults.add('enqueue', { kind: 'status', status: 500 }, 2);
    world.pagerduty.faults.add('enqueue', { kind: 'hang', ms: 1500 });
    const incidentId = await runIncident(world);
    await deliverOver(world, 30);
    expectExactlyOnceInOrder(world, incidentId);
    const listed = (await (await world.firebreak.request('GET', '/api/notifications/messages?limit=100')).json()) as Listed;
    expect(listed.messages.every((message) => message.status === 'delivered')).toBe(true);
    expect(listed.messages.some((message) => message.attempts > 1)).toBe(true);
  });

  it('does not post twice to a channel when a post to another channel of the same message fails', async ({ world }) => {
    const incidentId = await runIncident(world);
    await deliverOver(world, 0);
    const { notifyIncidentChange } = await import('./index.ts');
    const { incidentSnapshot } = await import('../incidents/incident-snapshot.ts');
    const { getIncident } = await import('../incidents/index.ts');
    const incident = await getIncident(world.firebreak.database.db, incidentId);
    // 'resolved' is posted in the incident channel and then in the broadcast channel; the second post fails once.
    world.slack.faults.add('chat.update', { kind: 'pass' }, 2);
    world.slack.faults.add('chat.postMessage', { kind: 'pass' });
    world.slack.faults.add('chat.postMessage', { kind: 'status', status: 500 });
    await world.firebreak.database.db.transaction((tx) =>
      notifyIncidentChange(tx, world.firebreak.config, {
        kind: 'resolved',
        incident: incidentSnapshot(incident),
        at: new Date(),
        actorName: 'Firebreak',
        via: 'recovery',
      }),
    );
    await deliverOver(world, 10);
    const channel = world.slack.channelByName('inc-1-checkout-errors');
    expect(channel?.messages.filter((message) => /Resolved/.test(message.text))).toHaveLength(1);
    expect(world.slack.channels.get('C0BROADCAST')?.messages.filter((message) => /Resolved/.test(message.text))).toHaveLength(1);
  });

  it('adopts the channel it created when the answer to conversations.create was lost, and makes no second one', async ({ world }) => {
    world.slack.faults.add('conversations.create', { kind: 'lose-answer' });
    const incidentId = await runIncident(world);
    await deliverOver(world, 10);
    expect(world.slack.callsOf('conversations.create')).toHaveLength(1);
    expect([...world.slack.channels.values()].filter((channel) => channel.name.startsWith('inc-1-'))).toHaveLength(1);
    expectExactlyOnceInOrder(world, incidentId);
  });

  it('takes a variant of the name when a channel of that name belongs to someone else', async ({ world }) => {
    world.slack.channels.set('C0TAKEN', { id: 'C0TAKEN', name: 'inc-1-checkout-errors', members: [], messages: [] });
    await runIncident(world);
    await deliverOver(world, 2);
    const ours = [...world.slack.channels.values()].filter((channel) => channel.name.startsWith('inc-1-checkout-errors-'));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.messages[0]?.text).toContain('INC-1');
    expect(world.slack.channels.get('C0TAKEN')?.messages).toEqual([]);
  });

  it('honours 429 Retry-After from Slack and PagerDuty', async ({ world }) => {
    world.slack.faults.add('conversations.create', { kind: 'status', status: 429, retryAfterSeconds: 120 });
    // pdjs retries a 429 three times on its own; the fourth answer reaches the outbox.
    world.pagerduty.faults.add('enqueue', { kind: 'status', status: 429, retryAfterSeconds: 90 }, 4);
    const incidentId = await runIncident(world);
    const worker = world.firebreak.notifier.worker;
    const at = (seconds: number) => () => new Date(Date.now() + seconds * 1000);
    await worker.drain(at(0));
    const waiting = (await (await world.firebreak.request('GET', '/api/notifications/messages?status=failed')).json()) as Listed;
    expect(waiting.messages.map((message) => message.channel).sort()).toEqual(['pagerduty', 'slack']);
    for (const message of waiting.messages) {
      const wait = new Date(message.nextAttemptAt).getTime() - Date.now();
      expect(wait).toBeGreaterThan((message.channel === 'slack' ? 115 : 85) * 1000);
      expect(message.lastError).toMatch(/rate limited/);
    }
    await worker.drain(at(60));
    expect(world.slack.callsOf('conversations.create')).toHaveLength(0);
    expect(world.pagerduty.events).toHaveLength(0);
    await worker.drain(at(95));
    expect(world.pagerduty.events).toHaveLength(2);
    expect(world.slack.callsOf('conversations.create')).toHaveLength(0);
    await worker.drain(at(125));
    expectExactlyOnceInOrder(world, incidentId);
  });

  it('catches up in order after Slack and PagerDuty are down for a while', async ({ world }) => {
    await world.slack.stop();
    await world.pagerduty.stop();
    const incidentId = await runIncident(world);
    // Down for the first minutes: every attempt fails, the backoff grows.
    await deliverOver(world, 3);
    const failed = (await (await world.firebreak.request('GET', '/api/notifications/messages?status=failed')).json()) as Listed;
    expect(failed.messages.length).toBe(2);
    expect(failed.messages.map((message) => message.lastError).join(' ')).toMatch(/ECONNREFUSED/);
    const slackPort = world.slack.port;
    await world.slack.start(slackPort);
    await world.pagerduty.start(world.pagerduty.port);
    await deliverOver(world, 40);
    expectExactlyOnceInOrder(world, incidentId);
  });
});
