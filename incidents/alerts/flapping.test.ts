import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, systemContext } from '../../platform/index.ts';
import { createDashboardUser, logIn } from '../../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { receiveAlerts } from './receive-alerts.ts';
import { ALERT_EXPIRY_JOB } from './register-alerting.ts';

const base = Date.now();
const at = (seconds: number) => new Date(base + seconds * 1000);

describeOnBackends('flapping alerts', () => {
  it('an alert that flips too often is marked flapping: one message per window, no page storm, then one "settled"', async ({ world }) => {
    const { firebreak } = world;
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'Wobbly', service: 'api', severity: 'critical' };
    // Every 50 s it fires (even steps) or resolves (odd steps), 26 changes over 1250 s: defaults are
    // more than 4 changes within 600 s.
    let incidentId: string | undefined;
    const flapping = async () =>
      (
        await queryRows<{ flapping: boolean }>(
          db,
          sql`select flapping_since is not null as flapping from alerts where labels ->> 'alertname' = 'Wobbly'`,
        )
      )[0]?.flapping;
    for (let step = 0; step <= 25; step++) {
      const now = at(step * 50);
      const firing = step % 2 === 0;
      const summary = await receiveAlerts(
        system,
        [{ labels, annotations: { summary: 'wobbly' }, startsAt: now, endsAt: firing ? at(step * 50 + 300) : now }],
        { now },
      );
      incidentId ??= summary.incidentsOpened[0];
      // Changes 1 to 4 are within the threshold; the 5th marks it flapping.
      if (step === 3) expect(await flapping()).toBe(false);
      if (step === 4) expect(await flapping()).toBe(true);
    }
    if (!incidentId) throw new Error('expected an incident');
    await firebreak.notifier.worker.drain();
    const channel = world.slack.channelByName('inc-1-wobbly-wobbly');
    const posts = () => (channel?.messages ?? []).slice(1).map((message) => message.text);
    // Before it flapped: resolved, reopened, resolved; then one line per window (at 200 s and 800 s), the rest held.
    expect(posts()).toHaveLength(5);
    expect(posts().filter((text) => text.includes('(flapping)'))).toHaveLength(2);
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual([
      'trigger',
      'resolve',
      'trigger',
      'resolve',
      'trigger',
      'trigger',
    ]);
    const held = await queryRows<{ text: string }>(
      db,
      sql`select data ->> 'text' as text from timeline_events where incident_id = ${incidentId} and data ->> 'text' like '%(flapping: messages held)'`,
    );
    expect(held.length).toBe(26 - 4 - 2);
    // The incident followed the alert all along: its last word was a resolution.
    const [incident] = await queryRows<{ resolved: boolean }>(
      db,
      sql`select resolved_at is not null as resolved from incidents where id = ${incidentId}`,
    );
    expect(incident).toEqual({ resolved: true });
    // The flapping badge on /alerts.
    const { browser } = await logIn(firebreak, await createDashboardUser(firebreak, 'viewer'));
    expect(await (await browser.get('/alerts?status=all')).text()).toContain('↯ flapping');
    expect(await (await browser.get('/incidents/INC-1')).text()).toContain('↯ flapping');

    // Not yet a whole window of quiet: still flapping.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(1250 + 599));
    expect(await flapping()).toBe(true);
    // A whole window without a change: it settled, resolved; one message says so and the page is resolved.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(1250 + 600));
    expect(await flapping()).toBe(false);
    expect(await (await browser.get('/alerts?status=all')).text()).not.toContain('↯ flapping');
    // Settled once: the next tick says nothing more.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(1250 + 700));
    await firebreak.notifier.worker.drain();
    const settled = posts().filter((text) => text.includes('Stopped flapping'));
    expect(settled).toHaveLength(1);
    expect(settled[0]).toContain('settled *resolved*');
    expect(posts()).toHaveLength(6);
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual([
      'trigger',
      'resolve',
      'trigger',
      'resolve',
      'trigger',
      'trigger',
      'resolve',
    ]);
  });
});
