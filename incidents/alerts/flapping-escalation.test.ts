import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { receiveAlerts } from './receive-alerts.ts';
import { ALERT_EXPIRY_JOB } from './register-alerting.ts';

const base = Date.now();
const at = (seconds: number) => new Date(base + seconds * 1000);

describeOnBackends('escalation while an alert flaps', () => {
  it.override({
    firebreakEnv: {
      PAGERDUTY_ESCALATION_ROUTING_KEYS: 'LEVEL2KEY00000000000000000000002,LEVEL3KEY00000000000000000000003',
      PAGERDUTY_ESCALATE_AFTER_SECONDS: '120',
      PAGERDUTY_MAX_ESCALATIONS: '6',
    },
  });

  it('escalates at most once per flap window while its only alert flaps, and as usual once it settles', async ({ world }) => {
    const { firebreak } = world;
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'Wobbly', service: 'api', severity: 'critical' };
    let incidentId: string | undefined;
    // When (in seconds) each escalation page went out, as the scheduler's clock ran.
    const escalatedAt: number[] = [];
    let lastEscalated: number | null = null;
    // Every 50 s for 20 minutes it fires (even steps) or resolves (odd steps), ending firing; the
    // expiry job and the timers run at each step, and on for five more minutes.
    for (let seconds = 0; seconds <= 2100; seconds += 50) {
      const step = seconds / 50;
      if (step <= 24) {
        const firing = step % 2 === 0;
        const summary = await receiveAlerts(
          system,
          [{ labels, annotations: { summary: 'wobbly' }, startsAt: at(seconds), endsAt: firing ? null : at(seconds) }],
          { now: at(seconds) },
        );
        incidentId ??= summary.incidentsOpened[0];
      }
      await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(seconds));
      await firebreak.scheduler.runDueTimers(at(seconds));
      // Each escalation stamps its route's row with the scheduler's clock.
      const [row] = await queryRows<{ last: number | null }>(
        db,
        sql`select (extract(epoch from max(last_escalated_at)) * 1000)::float8 as last from incident_escalations`,
      );
      if (row?.last != null && row.last !== lastEscalated) {
        lastEscalated = row.last;
        escalatedAt.push(seconds);
      }
    }
    if (!incidentId) throw new Error('expected an incident');

    // It flaps from its fifth change (200 s) and settles firing a window after its last (1200 + 600 s).
    const whileFlapping = escalatedAt.filter((seconds) => seconds < 1800);
    const afterSettling = escalatedAt.filter((seconds) => seconds >= 1800);
    // Unheld, a 2-minute escalation delay would page a level up every 150 s of the flapping.
    // Held, the first is due at 320 s (the first timer after the escalation delay) and then one per
    // 600 s window, counted from the last.
    expect(whileFlapping).toEqual([350, 950, 1550]);
    // Settled and still firing, unacknowledged: escalation resumes its 2-minute pace.
    expect(afterSettling).toEqual([1950, 2100]);
    // And so many pages went a level up.
    await firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.filter((event) => event.routing_key.startsWith('LEVEL'))).toHaveLength(5);

    const timeline = (
      await queryRows<{ type: string; text: string }>(
        db,
        sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} and type like 'escalation.%' order by id`,
      )
    ).map((row) => `${row.type}: ${row.text}`);
    expect(timeline).toEqual([
      'escalation.held: Escalation held: Wobbly on api is flapping; at most one escalation every 10 min until it settles',
      'escalation.resumed: Escalation resumes: its alerts stopped flapping',
    ]);
  });
});
