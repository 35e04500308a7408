import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext } from '../../test/harness/incidents.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';

const SECRET = 'pagerduty-webhook-secret';

const webhook = (world: NotifierWorld, body: unknown, secret = SECRET) => {
  const raw = JSON.stringify(body);
  return world.firebreak.request('POST', '/pagerduty/webhook', {
    token: null,
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-pagerduty-signature': `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`,
    },
  });
};
let eventNumber = 0;
const acknowledged = (incidentKey: string, occurredAt = new Date()) => ({
  event: {
    id: `E-ack-${++eventNumber}`,
    occurred_at: occurredAt.toISOString(),
    event_type: 'incident.acknowledged',
    resource_type: 'incident',
    agent: { id: 'PU1', type: 'user_reference', summary: 'Pat Oncall' },
    data: { id: 'PINC1', type: 'incident', incident_key: incidentKey, status: 'acknowledged' },
  },
});

describeOnBackends('PagerDuty webhook', () => {
  it.override({ firebreakEnv: { PAGERDUTY_WEBHOOK_SECRET: SECRET } });

  it('acknowledges the Firebreak incident when it is acknowledged in PagerDuty, without echoing it back', async ({ world }) => {
    const incident = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    await world.firebreak.notifier.worker.drain();
    expect((await webhook(world, acknowledged(incident.id), 'wrong-secret')).status).toBe(401);
    const response = await webhook(world, acknowledged(incident.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ handled: true, incidentId: incident.id });
    const detail = (await (await world.firebreak.request('GET', `/api/incidents/${incident.id}`)).json()) as {
      acknowledgedAt: string | null;
    };
    expect(detail.acknowledgedAt).not.toBeNull();
    await world.firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger']);
    expect(world.slack.channelByName('inc-1-checkout-errors')?.messages.at(-1)?.text).toMatch(
      /Acknowledged by Pat Oncall \(PagerDuty\) \(via pagerduty\)/,
    );
    // PagerDuty retries deliveries: a second one changes nothing.
    expect(await (await webhook(world, acknowledged(incident.id))).json()).toMatchObject({ handled: true });
    const other = await webhook(world, {
      event: {
        id: 'E2',
        occurred_at: new Date().toISOString(),
        event_type: 'incident.priority_updated',
        data: { incident_key: incident.id },
      },
    });
    expect(await other.json()).toEqual({ handled: false });
    expect((await webhook(world, { nothing: true })).status).toBe(400);
  });

  it('refuses replays: an event seen before, or one that occurred outside five minutes', async ({ world }) => {
    const incident = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    const event = acknowledged(incident.id);
    expect(await (await webhook(world, event)).json()).toMatchObject({ handled: true });
    const replay = await webhook(world, event);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ handled: false, reason: `event ${event.event.id} was already received` });
    const stale = await webhook(world, acknowledged(incident.id, new Date(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/more than five minutes away from now/);
    const undated = await webhook(world, { event: { id: 'E9', event_type: 'incident.acknowledged', data: { incident_key: incident.id } } });
    expect(undated.status).toBe(400);
  });
});
