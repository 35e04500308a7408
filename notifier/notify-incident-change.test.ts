import { expect } from 'vitest';
import { acknowledgeIncident, addNote, changeSeverity, transitionPhase } from '../incidents/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { advanceTo, declareCommandedIncident, declareTestIncident, personContext } from '../test/harness/incidents.ts';
import type { NotifierWorld } from '../test/harness/notifier.ts';
import { TEST_ROUTING_KEY } from '../test/harness/notifier.ts';

const drain = (world: NotifierWorld) => world.firebreak.notifier.worker.drain();
const summaryOf = (world: NotifierWorld, channelId: string) => world.slack.channels.get(channelId)?.messages[0];

describeOnBackends('incident notifications', () => {
  it('sends the whole message sequence of an incident to Slack and PagerDuty, in order', async ({ world }) => {
    const commander = personContext(world.firebreak, 'commander', 'Ana');
    const incident = await declareCommandedIncident(commander, { title: 'Checkout errors', severity: 'sev1', services: ['checkout'] });
    await drain(world);

    const channel = world.slack.channelByName('inc-1-checkout-errors');
    expect(channel).toBeDefined();
    const channelId = channel?.id ?? '';
    const summary = summaryOf(world, channelId);
    expect(summary?.text).toContain('INC-1');
    const actions = (summary?.blocks as { type: string; elements?: { action_id: string; url?: string }[] }[]).find(
      (block) => block.type === 'actions',
    );
    expect(actions?.elements?.map((element) => element.action_id)).toEqual([
      'incident_acknowledge',
      'incident_escalate',
      'incident_next_phase',
      'incident_open_timeline',
    ]);
    expect(actions?.elements?.[3]?.url).toBe('http://firebreak.test/incidents/INC-1');
    expect(JSON.stringify(summary?.blocks)).toContain('Ana');
    const broadcast = world.slack.channels.get('C0BROADCAST')?.messages ?? [];
    expect(broadcast).toHaveLength(1);
    expect(broadcast[0]?.text).toContain(`<#${channelId}>`);

    expect(world.pagerduty.events).toHaveLength(1);
    expect(world.pagerduty.events[0]).toMatchObject({
      event_action: 'trigger',
      dedup_key: incident.id,
      routing_key: TEST_ROUTING_KEY,
      payload: { severity: 'critical', component: 'checkout' },
    });

    await acknowledgeIncident(commander, incident.id, { via: 'web' });
    await drain(world);
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger', 'acknowledge']);
    expect(world.pagerduty.events[1]?.dedup_key).toBe(incident.id);
    expect(summaryOf(world, channelId)?.text).toMatch(/acknowledged/);
    expect(JSON.stringify(summaryOf(world, channelId)?.blocks)).not.toContain('incident_acknowledge');
    expect(channel?.messages.at(-1)?.text).toMatch(/Acknowledged by Ana \(via web\)/);

    await advanceTo(commander, incident.id, 'containment');
    await changeSeverity(commander, incident.id, { severity: 'sev2', reason: 'contained to one region' });
    await addNote(commander, incident.id, { text: 'Rolled back deploy 1234', source: 'web' });
    await advanceTo(commander, incident.id, 'root_cause_analysis');
    await drain(world);

    const posts = (channel?.messages ?? []).slice(1).map((message) => message.text);
    expect(posts).toEqual([
      expect.stringMatching(/Ana is now commander/),
      expect.stringMatching(/Acknowledged by Ana/),
      expect.stringMatching(/Phase preparation → \*identification\*/),
      expect.stringMatching(/Phase identification → \*containment\*/),
      expect.stringMatching(/Severity SEV1 → \*SEV2\*/),
      expect.stringMatching(/Note by Ana: Rolled back deploy 1234/),
      expect.stringMatching(/Phase containment → \*eradication\*/),
      expect.stringMatching(/Phase eradication → \*recovery\*/),
      expect.stringMatching(/Phase recovery → \*root cause analysis\*/),
      expect.stringMatching(/Resolved/),
    ]);
    expect(summaryOf(world, channelId)?.text).toMatch(/SEV2, root cause analysis, resolved/);
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    // Every Slack call happened in the order the changes were made: one create, then posts and updates.
    expect(world.slack.callsOf('conversations.create')).toHaveLength(1);
    expect(world.slack.callsOf('chat.update').length).toBeGreaterThanOrEqual(7);
    expect(await drain(world)).toMatchObject({ claimed: 0 });
    const dead = await world.firebreak.request('GET', '/api/notifications/messages?status=dead');
    expect(((await dead.json()) as { messages: unknown[] }).messages).toEqual([]);
  });

  it('opens a channel for an incident an alert opened, with its alerts in the summary', async ({ world }) => {
    const ingest = await world.firebreak.tokenFor('ingest');
    const posted = await world.firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        {
          labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' },
          annotations: { summary: 'checkout 5xx above 5%' },
          startsAt: new Date().toISOString(),
        },
      ],
    });
    expect(posted.status).toBe(200);
    await drain(world);
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger']);
    const channel = [...world.slack.channels.values()].find((candidate) => candidate.name.startsWith('inc-1-'));
    expect(JSON.stringify(channel?.messages[0]?.blocks)).toContain('*Alerts*\\n1 firing of 1');
  });

  it('pages nobody and opens no channel for an incident under the thresholds', async ({ world }) => {
    await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev4', title: 'Slow thumbnails' });
    await drain(world);
    expect(world.slack.calls).toEqual([]);
    expect(world.pagerduty.events).toEqual([]);
  });

  it('routes by rules: severities and services to a channel and routing key, audited', async ({ world }) => {
    const viewer = await world.firebreak.tokenFor('viewer');
    const rule = {
      name: 'payments',
      severities: ['sev1', 'sev2'],
      services: ['payments'],
      slackBroadcastChannel: '#payments-incidents',
      slackInvitees: ['U0PAYONCALL'],
      pagerdutyRoutingKey: 'PAYMENTSKEY000000000000000000001',
    };
    expect((await world.firebreak.request('POST', '/api/notifications/routing-rules', { token: viewer, json: rule })).status).toBe(403);
    expect((await world.firebreak.request('POST', '/api/notifications/routing-rules', { token: null, json: rule })).status).toBe(401);
    const bad = await world.firebreak.request('POST', '/api/notifications/routing-rules', {
      json: { ...rule, pagerdutyRoutingKey: 'short', severities: ['sev9'] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/pagerdutyRoutingKey.*|severities/);
    const created = await world.firebreak.request('POST', '/api/notifications/routing-rules', { json: rule });
    expect(created.status).toBe(201);
    expect((await world.firebreak.request('POST', '/api/notifications/routing-rules', { json: rule })).status).toBe(409);
    world.slack.channels.set('C0PAYMENTS', { id: 'C0PAYMENTS', name: 'payments-incidents', members: [], messages: [] });

    await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), {
      severity: 'sev2',
      services: ['payments'],
      title: 'Card declines',
    });
    await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), {
      severity: 'sev2',
      services: ['checkout'],
      title: 'Checkout slow',
    });
    await drain(world);
    expect(world.pagerduty.events.map((event) => event.routing_key)).toEqual(['PAYMENTSKEY000000000000000000001', TEST_ROUTING_KEY]);
    expect(world.slack.channels.get('C0PAYMENTS')?.messages).toHaveLength(1);
    expect(world.slack.channelByName('inc-1-card-declines')?.members).toEqual(['U0PAYONCALL']);
    // The second incident matched no rule: the defaults route it (broadcast in #incidents).
    expect(world.slack.channels.get('C0BROADCAST')?.messages.map((message) => message.text)).toEqual([expect.stringContaining('INC-2')]);

    const audit = (await (await world.firebreak.request('GET', '/api/audit')).json()) as {
      entries: { action: string; details: Record<string, unknown> }[];
    };
    const entry = audit.entries.find((candidate) => candidate.action === 'notifier.routing_rule.create');
    expect(entry?.details.pagerdutyRoutingKey).toBe('…0001');
  });
});

describeOnBackends('page escalation', () => {
  it.override({
    firebreakEnv: {
      PAGERDUTY_ESCALATION_ROUTING_KEYS: 'LEVEL2KEY0000000000000000000002,LEVEL3KEY0000000000000000000003'.replace(/KEY0/g, 'KEY00'),
      PAGERDUTY_ESCALATE_AFTER_SECONDS: '600',
      PAGERDUTY_MAX_ESCALATIONS: '3',
    },
  });

  it('escalates an unacknowledged page to the next level, says so in Slack, and stops at acknowledgement', async ({ world }) => {
    const responder = personContext(world.firebreak, 'responder', 'Bo');
    const incident = await declareTestIncident(responder, { severity: 'sev1' });
    await drain(world);
    const minutes = (count: number) => new Date(Date.now() + count * 60_000);
    expect(await world.firebreak.scheduler.runDueTimers(minutes(5))).toBe(0);
    expect(await world.firebreak.scheduler.runDueTimers(minutes(11))).toBe(1);
    await drain(world);
    expect(world.pagerduty.events.map((event) => [event.event_action, event.routing_key.slice(0, 6)])).toEqual([
      ['trigger', 'R0UT1N'],
      ['trigger', 'LEVEL2'],
    ]);
    const channel = world.slack.channelByName('inc-1-checkout-errors');
    expect(channel?.messages.at(-1)?.text).toMatch(/Not acknowledged within 10 min: paging escalation level 2 of 3/);

    expect(await world.firebreak.scheduler.runDueTimers(minutes(22))).toBe(1);
    await drain(world);
    expect(world.pagerduty.events.at(-1)?.routing_key.slice(0, 6)).toBe('LEVEL3');

    await acknowledgeIncident(responder, incident.id, { via: 'slack' });
    await drain(world);
    expect(await world.firebreak.scheduler.runDueTimers(minutes(60))).toBe(0);
    // Every paged level is acknowledged.
    expect(
      world.pagerduty.events
        .filter((event) => event.event_action === 'acknowledge')
        .map((event) => event.routing_key.slice(0, 6))
        .sort(),
    ).toEqual(['LEVEL2', 'LEVEL3', 'R0UT1N']);
  });
});

describeOnBackends('notifications with nothing configured', () => {
  it('queues nothing for Slack or PagerDuty and says so in /readyz', async ({ firebreak }) => {
    const incident = await declareTestIncident(personContext(firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    await transitionPhase(personContext(firebreak, 'admin', 'Root'), incident.id, {
      to: 'identification',
      override: true,
      reason: 'test',
    }).catch(() => undefined);
    const messages = (await (await firebreak.request('GET', '/api/notifications/messages')).json()) as { messages: unknown[] };
    expect(messages.messages).toEqual([]);
    const ready = (await (await firebreak.request('GET', '/readyz')).json()) as {
      status: string;
      checks: Record<string, { ok: boolean; detail: string }>;
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.slack).toMatchObject({ ok: false, detail: expect.stringMatching(/SLACK_BOT_TOKEN/) });
    expect(ready.checks.pagerduty).toMatchObject({ ok: false, detail: expect.stringMatching(/PAGERDUTY_ROUTING_KEY/) });
  });
});

describeOnBackends('deadline warnings', () => {
  it('posts a warning, and pages for an overdue breach deadline (resolved with the incident)', async ({ world }) => {
    const { db } = world.firebreak.database;
    const incident = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), {
      severity: 'sev3',
      title: 'Customer data exposed',
    });
    const snapshot = { ...incident, reference: 'INC-1', commander: null };
    const dueAt = new Date(Date.now() + 3_600_000);
    const { notifyIncidentChange } = await import('./index.ts');
    const obligation = {
      subject: 'breach_obligation',
      obligationId: '00000000-0000-4000-8000-000000000001',
      title: 'Notify the regulator',
      regime: 'gdpr',
    } as const;
    await db.transaction((tx) =>
      notifyIncidentChange(tx, world.firebreak.config, {
        kind: 'deadline_warning',
        incident: snapshot,
        at: new Date(),
        actorName: 'Firebreak',
        deadline: { ...obligation, point: '75%', dueAt, overdue: false },
      }),
    );
    await world.firebreak.notifier.worker.drain();
    // sev3 pages nobody by default; the warning is posted, not paged.
    expect(world.pagerduty.events).toEqual([]);
    const channel = world.slack.channelByName('inc-1-customer-data-exposed');
    expect(channel?.messages.at(-1)?.text).toMatch(/Deadline approaching:\* Notify the regulator \(gdpr\) is due/);
    expect(world.slack.channels.get('C0BROADCAST')?.messages.at(-1)?.text).toMatch(/Deadline approaching/);

    await db.transaction((tx) =>
      notifyIncidentChange(tx, world.firebreak.config, {
        kind: 'deadline_warning',
        incident: snapshot,
        at: new Date(),
        actorName: 'Firebreak',
        deadline: { ...obligation, point: 'overdue-1', dueAt, overdue: true },
      }),
    );
    await world.firebreak.notifier.worker.drain();
    expect(world.pagerduty.events).toMatchObject([
      {
        event_action: 'trigger',
        dedup_key: `${incident.id}:deadline:Notify the regulator (gdpr)`,
        payload: { summary: expect.stringMatching(/Overdue: Notify the regulator/) },
      },
    ]);
    expect(channel?.messages.at(-1)?.text).toMatch(/Overdue:\* Notify the regulator \(gdpr\) was due/);

    await db.transaction((tx) =>
      notifyIncidentChange(tx, world.firebreak.config, {
        kind: 'closed',
        incident: { ...snapshot, closedAt: new Date() },
        at: new Date(),
        actorName: 'Ana',
        reason: null,
      }),
    );
    await world.firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => [event.event_action, event.dedup_key])).toEqual([
      ['trigger', `${incident.id}:deadline:Notify the regulator (gdpr)`],
      ['resolve', `${incident.id}:deadline:Notify the regulator (gdpr)`],
    ]);
  });
});
