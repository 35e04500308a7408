import { expect } from 'vitest';
import type { PersonRole } from '../../platform/index.ts';
import { createUser, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext } from '../../test/harness/incidents.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { TEST_SIGNING_SECRET } from '../../test/harness/notifier.ts';
import { signSlackRequest } from './verify-signature.ts';

interface Incident {
  id: string;
  reference: string;
  title: string;
  phase: string;
  acknowledgedAt: string | null;
}

/** Requests to /slack signed as Slack signs them, and an incident as the API shows it. */
// Slack signs each request afresh: every request here gets a timestamp of its own (rising, and within
// the five minutes), so two equal requests are never one replayed.
let lastTimestamp = 0;

function slackIn(world: NotifierWorld) {
  function signedPost(path: string, body: string, contentType: string, options: { secret?: string; timestamp?: number } = {}) {
    lastTimestamp = Math.max(Math.floor(Date.now() / 1000) - 200, lastTimestamp + 1);
    const timestamp = options.timestamp ?? lastTimestamp;
    return world.firebreak.request('POST', path, {
      token: null,
      body,
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(options.secret ?? TEST_SIGNING_SECRET, timestamp, body),
      },
    });
  }

  const command = (userId: string, text: string, channelId = 'C0SOMEWHERE') =>
    signedPost(
      '/slack/commands',
      new URLSearchParams({
        command: '/incident',
        text,
        user_id: userId,
        channel_id: channelId,
        response_url: world.slack.responseUrl('command'),
      }).toString(),
      'application/x-www-form-urlencoded',
    );

  const button = (userId: string, actionId: string, value: string) =>
    signedPost(
      '/slack/actions',
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: userId },
          response_url: world.slack.responseUrl(actionId),
          actions: [{ action_id: actionId, value }],
        }),
      }).toString(),
      'application/x-www-form-urlencoded',
    );

  const incident = async (reference: string) =>
    (await (await world.firebreak.request('GET', `/api/incidents/${reference}`)).json()) as Incident;

  return { signedPost, command, button, incident };
}

describeOnBackends('Slack in', () => {
  it.beforeEach(async ({ world }) => {
    const users: [string, PersonRole, string][] = [
      ['U0RESPONDER', 'responder', 'Bo'],
      ['U0COMMANDER', 'commander', 'Ana'],
      ['U0VIEWER', 'viewer', 'Vic'],
    ];
    for (const [slackUserId, role, name] of users) {
      await createUser(systemContext(world.firebreak.database.db, world.firebreak.config), {
        email: `${name.toLowerCase()}@example.com`,
        name,
        role,
        password: 'a long enough password',
        slackUserId,
      });
    }
  });

  it('answers url_verification and refuses bad, stale or missing signatures with 401', async ({ world }) => {
    const { signedPost } = slackIn(world);
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'chal-123', token: 'x' });
    const ok = await signedPost('/slack/events', challenge, 'application/json');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'chal-123' });

    const wrongSecret = await signedPost('/slack/events', challenge, 'application/json', { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    const stale = await signedPost('/slack/events', challenge, 'application/json', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/five minutes/);
    const unsigned = await world.firebreak.request('POST', '/slack/commands', {
      token: null,
      body: 'text=ack',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsigned.status).toBe(401);
    // A body changed after signing no longer matches.
    const timestamp = Math.floor(Date.now() / 1000);
    const tampered = await world.firebreak.request('POST', '/slack/commands', {
      token: null,
      body: 'text=declare+sev1+Fake&user_id=U0COMMANDER',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(TEST_SIGNING_SECRET, timestamp, 'text=status'),
      },
    });
    expect(tampered.status).toBe(401);
    expect((await world.firebreak.request('GET', '/api/incidents')).status).toBe(200);
    expect(((await (await world.firebreak.request('GET', '/api/incidents')).json()) as { incidents: unknown[] }).incidents).toEqual([]);
  });

  it('refuses an exact replay of a signed request, within the window too', async ({ world }) => {
    const { signedPost } = slackIn(world);
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'chal-1', token: 'x' });
    const timestamp = Math.floor(Date.now() / 1000) - 60;
    expect((await signedPost('/slack/events', challenge, 'application/json', { timestamp })).status).toBe(200);
    const replay = await signedPost('/slack/events', challenge, 'application/json', { timestamp });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/already received \(a replay\?\)/);
    // Signed again, the same body is a new request.
    expect((await signedPost('/slack/events', challenge, 'application/json', { timestamp: timestamp + 1 })).status).toBe(200);
  });

  it('declares, acknowledges, notes and reports status through /incident, as the linked user', async ({ world }) => {
    const { command, incident } = slackIn(world);
    const declared = await command('U0RESPONDER', 'declare sev2 Checkout errors');
    expect(declared.status).toBe(200);
    expect(await declared.json()).toMatchObject({
      response_type: 'in_channel',
      text: expect.stringMatching(/Bo declared \*INC-1\* Checkout errors \(SEV2\)/),
    });

    const acknowledged = (await (await command('U0RESPONDER', 'ack INC-1')).json()) as { text: string };
    expect(acknowledged.text).toMatch(/INC-1 acknowledged by Bo/);
    expect((await incident('INC-1')).acknowledgedAt).not.toBeNull();

    await command('U0RESPONDER', 'note INC-1 Rolled back deploy 1234');
    const timeline = (await (await world.firebreak.request('GET', '/api/incidents/INC-1/timeline')).json()) as {
      events: { type: string; actorName?: string; data: Record<string, unknown> }[];
    };
    const acknowledgement = timeline.events.find((event) => event.type === 'incident.acknowledged');
    expect(acknowledgement?.data).toMatchObject({ via: 'slack' });
    expect(timeline.events.find((event) => event.type === 'note.added')?.data).toMatchObject({
      text: 'Rolled back deploy 1234',
      source: 'slack',
    });

    const status = (await (await command('U0VIEWER', 'status INC-1')).json()) as { response_type: string; text: string };
    expect(status).toMatchObject({ response_type: 'ephemeral' });
    expect(status.text).toMatch(/INC-1\* Checkout errors\nSEV2 · preparation · acknowledged/);
    expect(((await (await command('U0VIEWER', 'frobnicate')).json()) as { text: string }).text).toMatch(/Unknown subcommand "frobnicate"/);
  });

  it('replaces U+0000 and lone surrogates typed in Slack with U+FFFD, and goes on working', async ({ world }) => {
    const { command, incident } = slackIn(world);
    const declared = await command('U0RESPONDER', 'declare sev2 Checkout \u0000 errors \ud800');
    expect(declared.status).toBe(200);
    expect((await incident('INC-1')).title).toBe('Checkout \ufffd errors \ufffd');
    expect((await command('U0RESPONDER', 'note INC-1 half \udc00 pair')).status).toBe(200);
    const timeline = (await (await world.firebreak.request('GET', '/api/incidents/INC-1/timeline')).json()) as {
      events: { type: string; data: Record<string, unknown> }[];
    };
    expect(timeline.events.find((event) => event.type === 'note.added')?.data).toMatchObject({ text: 'half \ufffd pair' });
  });

  it('marks a suspected breach with /incident breach, starting the default clocks once', async ({ world }) => {
    const { command } = slackIn(world);
    await command('U0COMMANDER', 'declare sev1 Customer export readable');
    const marked = (await (await command('U0COMMANDER', 'breach INC-1 bucket was public')).json()) as {
      response_type: string;
      text: string;
    };
    expect(marked).toMatchObject({ response_type: 'in_channel' });
    expect(marked.text).toMatch(/INC-1 marked a suspected personal-data breach by Ana\. Clocks started: contract-24h, contract-48h\./);
    const again = (await (await command('U0COMMANDER', 'breach INC-1 --confirmed')).json()) as { response_type: string; text: string };
    expect(again).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/already marked a breach/) });
    const breach = (await (await world.firebreak.request('GET', '/api/incidents/INC-1/breach')).json()) as {
      regimes: { id: string; automatic: boolean }[];
    };
    expect(breach.regimes).toMatchObject([
      { id: 'contract-24h', automatic: true },
      { id: 'contract-48h', automatic: true },
    ]);
    const refused = (await (await command('U0RESPONDER', 'breach INC-1')).json()) as { text: string };
    expect(refused.text).toMatch(/lacks the permission "breach:assess"/);
  });

  it('refuses a Slack user without the permission, and one not linked to any user, changing nothing', async ({ world }) => {
    const { command, button, incident } = slackIn(world);
    await command('U0RESPONDER', 'declare sev2 Checkout errors');
    const refused = (await (await command('U0VIEWER', 'ack INC-1')).json()) as { response_type: string; text: string };
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toMatch(/lacks the permission "incidents:acknowledge"/);
    const stranger = (await (await command('U0STRANGER', 'ack INC-1')).json()) as { text: string };
    expect(stranger.text).toMatch(/not linked to a Firebreak user/);
    expect((await incident('INC-1')).acknowledgedAt).toBeNull();

    // A responder may not move phases: the button is refused through response_url.
    const { id } = await incident('INC-1');
    expect((await button('U0RESPONDER', 'incident_next_phase', id)).status).toBe(200);
    expect(world.slack.responses.at(-1)?.body.text).toMatch(/lacks the permission "incidents:transition"/);
    expect((await incident('INC-1')).phase).toBe('preparation');
  });

  it('acts with the elevated role of a person under break-glass elevation, and marks the audit entry so', async ({ world }) => {
    const { command, incident } = slackIn(world);
    const { firebreak } = world;
    await command('U0RESPONDER', 'declare sev2 Checkout errors');
    const made = await firebreak.request('POST', '/api/tokens', { json: { name: 'vic laptop', role: 'viewer', owner: 'vic@example.com' } });
    const vic = ((await made.json()) as { token: string }).token;
    const ana = await firebreak.tokenFor('admin', 'Ana Admin');
    const asked = await firebreak.request('POST', '/api/elevations', {
      token: vic,
      json: { role: 'responder', minutes: 30, reason: 'Cover the pager while Bo is away' },
    });
    expect(asked.status).toBe(201);
    const elevation = (await asked.json()) as { id: string };
    // Before approval Slack still sees a viewer.
    expect(((await (await command('U0VIEWER', 'ack INC-1')).json()) as { text: string }).text).toMatch(/lacks the permission/);
    expect((await firebreak.request('POST', `/api/elevations/${elevation.id}/approve`, { token: ana, json: {} })).status).toBe(200);

    const acknowledged = (await (await command('U0VIEWER', 'ack INC-1')).json()) as { text: string };
    expect(acknowledged.text).toMatch(/INC-1 acknowledged by Vic/);
    const { id } = await incident('INC-1');
    const audit = (await (await firebreak.request('GET', `/api/audit?targetId=${id}`)).json()) as {
      entries: { action: string; actorType: string; details: Record<string, unknown> }[];
    };
    const entry = audit.entries.find((found) => found.action === 'incidents.incident.acknowledge');
    expect(entry).toMatchObject({ actorType: 'slack' });
    expect(entry?.details.elevation).toEqual({ id: elevation.id, role: 'responder', fromRole: 'viewer' });
    // What Bo (not elevated) did from Slack carries no mark.
    const declared = audit.entries.find((found) => found.action === 'incidents.incident.declare');
    expect(declared?.details.elevation).toBeUndefined();
  });

  it('acknowledges from the button as one acknowledgement: timeline, Slack summary and PagerDuty', async ({ world }) => {
    const { button, incident } = slackIn(world);
    const created = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    await world.firebreak.notifier.worker.drain();
    expect((await button('U0RESPONDER', 'incident_acknowledge', created.id)).status).toBe(200);
    // Pressed twice (two people at once): still one acknowledgement.
    expect((await button('U0COMMANDER', 'incident_acknowledge', created.id)).status).toBe(200);
    await world.firebreak.notifier.worker.drain();
    expect((await incident('INC-1')).acknowledgedAt).not.toBeNull();
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger', 'acknowledge']);
    const channel = world.slack.channelByName('inc-1-checkout-errors');
    expect(channel?.messages.filter((message) => /Acknowledged by/.test(message.text)).map((message) => message.text)).toEqual([
      expect.stringMatching(/Acknowledged by Bo \(via slack\)/),
    ]);

    expect((await button('U0COMMANDER', 'incident_next_phase', created.id)).status).toBe(200);
    expect((await incident('INC-1')).phase).toBe('preparation');
    // Leaving preparation needs a commander; the refusal says so.
    expect(world.slack.responses.at(-1)?.body.text).toMatch(/commander/);
  });

  it('escalates from the button: pages again and says so, or explains why it cannot', async ({ world }) => {
    const { button } = slackIn(world);
    const paged = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    const quiet = await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), {
      severity: 'sev4',
      title: 'Slow thumbnails',
    });
    await world.firebreak.notifier.worker.drain();
    expect((await button('U0VIEWER', 'incident_escalate', paged.id)).status).toBe(200);
    expect(world.slack.responses.at(-1)?.body.text).toMatch(/lacks the permission/);
    expect((await button('U0RESPONDER', 'incident_escalate', paged.id)).status).toBe(200);
    expect(world.slack.responses.at(-1)?.body.text).toMatch(/Paged the next escalation level \(1 route\)/);
    await world.firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => [event.event_action, event.dedup_key])).toEqual([
      ['trigger', paged.id],
      ['trigger', paged.id],
    ]);
    expect(world.pagerduty.events[1]?.payload?.custom_details).toMatchObject({ reason: 'Escalated by Bo' });
    expect(world.slack.channelByName('inc-1-checkout-errors')?.messages.at(-1)?.text).toMatch(
      /Escalated by Bo: paging escalation level 1 of 1/,
    );
    expect((await button('U0RESPONDER', 'incident_escalate', quiet.id)).status).toBe(200);
    expect(world.slack.responses.at(-1)?.body.text).toMatch(/has not paged anyone/);
  });

  it('turns a message pinned in the incident channel into a timeline note, once', async ({ world }) => {
    const { signedPost } = slackIn(world);
    await declareTestIncident(personContext(world.firebreak, 'responder', 'Bo'), { severity: 'sev1' });
    await world.firebreak.notifier.worker.drain();
    const channel = world.slack.channelByName('inc-1-checkout-errors');
    if (!channel) throw new Error('no incident channel');
    channel.messages.push({ ts: '1700000000.000100', text: 'The cache node c-3 is out of memory', blocks: undefined, user: 'U0RESPONDER' });
    const reaction = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev1',
      event: {
        type: 'reaction_added',
        user: 'U0RESPONDER',
        reaction: 'pushpin',
        item: { type: 'message', channel: channel.id, ts: '1700000000.000100' },
      },
    });
    expect((await signedPost('/slack/events', reaction, 'application/json')).status).toBe(200);
    expect((await signedPost('/slack/events', reaction, 'application/json')).status).toBe(200);
    const pin = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev2',
      event: {
        type: 'pin_added',
        user: 'U0COMMANDER',
        channel_id: channel.id,
        item: { type: 'message', message: { ts: '1700000000.000100', text: 'The cache node c-3 is out of memory' } },
      },
    });
    expect((await signedPost('/slack/events', pin, 'application/json')).status).toBe(200);
    // Another reaction, or a pin outside an incident channel, adds nothing.
    const other = JSON.stringify({
      type: 'event_callback',
      event: {
        type: 'reaction_added',
        user: 'U0RESPONDER',
        reaction: 'eyes',
        item: { type: 'message', channel: channel.id, ts: '1700000000.000100' },
      },
    });
    expect((await signedPost('/slack/events', other, 'application/json')).status).toBe(200);
    const timeline = (await (await world.firebreak.request('GET', '/api/incidents/INC-1/timeline')).json()) as {
      events: { type: string; data: Record<string, unknown> }[];
    };
    expect(timeline.events.filter((event) => event.type === 'note.added').map((event) => event.data.text)).toEqual([
      ':pushpin: The cache node c-3 is out of memory',
    ]);
  });
});

describeOnBackends('Slack in without a signing secret', () => {
  it('answers 503 saying Slack is not configured', async ({ firebreak }) => {
    const response = await firebreak.request('POST', '/slack/commands', {
      token: null,
      body: 'text=ack',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/SLACK_SIGNING_SECRET/);
  });
});
