import { expect } from 'vitest';
import { systemContext } from '../../../platform/index.ts';
import { describeOnBackends, it } from '../../../test/harness/fixtures.ts';
import { declareIncident } from '../../declare-incident.ts';
import { recordBreachFacts } from '../assessment/record-facts.ts';
import { applyRegime } from './apply-regime.ts';

const HOUR = 3_600_000;

describeOnBackends('deadline warnings through the notifier', () => {
  it('posts approaching deadlines to Slack and pages through PagerDuty once overdue', async ({ world }) => {
    const { firebreak, slack, pagerduty } = world;
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    const start = new Date();
    // sev3: opening it does not page, so any page below comes from the deadline.
    const incident = await declareIncident(ctx, { title: 'Export job wrote customer data to a shared drive', severity: 'sev3' });
    await recordBreachFacts(ctx, incident.id, { anchors: { identifiedAt: new Date(start.getTime() - HOUR).toISOString() } });
    await applyRegime(ctx, incident.id, { regimeId: 'contract-24h' });
    await firebreak.notifier.worker.drain();
    const postsBefore = slack.callsOf('chat.postMessage').length;
    expect(pagerduty.events).toHaveLength(0);

    expect(await firebreak.scheduler.runDueTimers(new Date(start.getTime() + 11 * HOUR + 1000))).toBe(1);
    await firebreak.notifier.worker.drain();
    const approaching = slack
      .callsOf('chat.postMessage')
      .slice(postsBefore)
      .map((call) => String(call.args.text));
    expect(
      approaching.some((text) => /Deadline approaching/.test(text) && /Notify affected customers within 24 h \(contract-24h\)/.test(text)),
    ).toBe(true);
    expect(pagerduty.events).toHaveLength(0);

    expect(await firebreak.scheduler.runDueTimers(new Date(start.getTime() + 24 * HOUR))).toBe(4);
    await firebreak.notifier.worker.drain();
    const texts = slack.callsOf('chat.postMessage').map((call) => String(call.args.text));
    expect(texts.some((text) => /Overdue/.test(text) && /contract-24h/.test(text))).toBe(true);
    const triggers = pagerduty.events.filter((event) => event.event_action === 'trigger');
    expect(triggers.length).toBeGreaterThanOrEqual(1);
    expect(triggers.map((event) => event.payload?.summary ?? '').join('\n')).toMatch(/contract-24h|Notify affected customers|INC-/);
  });
});
