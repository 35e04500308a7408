import { expect } from 'vitest';
import { acknowledgeIncident, declareIncident } from '../incidents/index.ts';
import { systemContext } from '../platform/index.ts';
import { createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { declareCommandedIncident, personContext } from '../test/harness/incidents.ts';

const panelOf = (html: string) => /<section class="card told"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

describeOnBackends('who is being told', () => {
  it.override({ firebreakEnv: { OUTBOX_MAX_ATTEMPTS: '1' } });

  it('shows the Slack channel, the page acknowledged by whom, a failed page, and retries it', { timeout: 120_000 }, async ({ world }) => {
    const { firebreak } = world;
    const commander = personContext(firebreak, 'commander', 'Ana');
    const incident = await declareCommandedIncident(commander, { severity: 'sev1', title: 'Checkout errors' });
    // The first page fails and PagerDuty's only attempt is spent: the page and what follows it wait for a person.
    world.pagerduty.faults.add('enqueue', { kind: 'status', status: 500 });
    await firebreak.notifier.worker.drain();
    await acknowledgeIncident(commander, incident.id, { via: 'web' });
    await firebreak.notifier.worker.drain();

    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser } = await logIn(firebreak, admin);
    const html = await (await browser.get(`/incidents/INC-${incident.number}`)).text();
    expect(html).not.toContain('Nobody is being paged or told');
    const panel = panelOf(html);
    expect(panel).toContain('Who is being told');
    const channel = world.slack.channelByName('inc-1-checkout-errors');
    expect(channel).toBeDefined();
    expect(panel).toContain(`href="https://slack.com/app_redirect?channel=${channel?.id}"`);
    expect(panel).toContain('#inc-1-checkout-errors');
    expect(panel).toMatch(/state-acknowledged">acknowledged<\/span> <span>by Ana \(web\)/);
    expect(panel).toContain('Escalation level 1 of 1');
    expect(panel).toMatch(/2 messages failed to go out/);
    expect(panel).toContain('gave up after 1 attempts');
    expect(panel).toContain('Slack: Acknowledged by Ana (via web).');
    expect(world.pagerduty.events).toHaveLength(0);

    const failed = /data-message="([0-9a-f-]{36})" data-status="dead"/.exec(panel)?.[1] ?? '';
    const retried = await browser.post(`/incidents/INC-${incident.number}/messages/${failed}/retry`, { _csrf: csrfOf(html) });
    expect(retried.headers.get('location')).toBe(`/incidents/INC-${incident.number}?done=retried`);
    await firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger', 'acknowledge']);
    const after = panelOf(await (await browser.get(`/incidents/INC-${incident.number}`)).text());
    expect(after).not.toContain('failed to go out');
    expect(after).not.toContain('Retry now');

    // A message of another incident is not this incident's to retry.
    const other = await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Other', severity: 'sev4' });
    const refused = await browser.follow(
      await browser.post(`/incidents/INC-${other.number}/messages/${failed}/retry`, { _csrf: csrfOf(html) }),
    );
    expect(refused.html).toContain(`This incident has no message ${failed}.`);
  });

  it('says on every page that nobody is paged while Slack and PagerDuty are unset, and offers a viewer no retry', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Disk full',
      severity: 'sev2',
    });
    const viewer = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, viewer);
    for (const path of ['/incidents', `/incidents/INC-${incident.number}`, '/account'])
      expect(await (await browser.get(path)).text()).toContain('Nobody is being paged or told.');
    const panel = panelOf(await (await browser.get(`/incidents/INC-${incident.number}`)).text());
    expect(panel).toMatch(/data-told="slack"><span class="muted">not configured/);
    expect(panel).toContain('not configured: nobody is paged');
    expect(panel).not.toContain('Retry now');
  });
});
