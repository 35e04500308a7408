import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { buildIncidentReport, renderReportMarkdown } from '../index.ts';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const errorRate = (instance: string, endsAt?: string) => ({
  labels: { alertname: 'HighErrorRate', service: 'checkout', instance, severity: 'critical' },
  annotations: { summary: `5xx above 5% on ${instance}` },
  startsAt: minutesAgo(5),
  ...(endsAt ? { endsAt } : {}),
});
const api = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `api-${from + index}`);

describeOnBackends('alert storms', () => {
  it('a storm of 50 alerts is one timeline line, one Slack message per delivery and the same sentence in the report', {
    timeout: 90_000,
  }, async ({ world }: { world: NotifierWorld }) => {
    const { firebreak } = world;
    const ingest = await firebreak.tokenFor('ingest');
    const reader = await firebreak.tokenFor('viewer');
    const deliver = async (alerts: unknown[]) => {
      const response = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: alerts });
      expect(response.status).toBe(200);
      return (await response.json()) as { incidentsOpened: string[]; incidentsJoined: string[] };
    };
    const [incidentId] = (await deliver([errorRate('api-1')])).incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    await firebreak.notifier.worker.drain();
    const channel = [...world.slack.channels.values()].find((candidate) => candidate.name.startsWith('inc-'));
    if (!channel) throw new Error('expected the incident channel');
    const postsBefore = channel.messages.length;

    expect((await deliver(api(2, 51).map((instance) => errorRate(instance)))).incidentsJoined).toEqual([incidentId]);
    const storm = '50 alerts joined: HighErrorRate on api-2…api-51';
    // The next delivery: two more join while three of the storm resolve.
    const second = await deliver([
      ...api(52, 53).map((instance) => errorRate(instance)),
      ...api(7, 9).map((instance) => errorRate(instance, minutesAgo(1))),
    ]);
    expect(second.incidentsJoined).toEqual([incidentId]);
    const mixed = '2 alerts joined: HighErrorRate on api-52, api-53; 3 alerts resolved: HighErrorRate on api-7…api-9';

    const timeline = (await (await firebreak.request('GET', `/api/incidents/${incidentId}/timeline`, { token: reader })).json()) as {
      events: { id: number; type: string; data: { text?: string; joined?: number } }[];
    };
    const deliveries = timeline.events.filter((event) => event.type.startsWith('alert'));
    expect(deliveries.map((event) => event.data.text)).toEqual(['HighErrorRate on api-1 joined', storm, mixed]);

    // The 50 alerts behind the storm's line.
    const stormEntry = deliveries.find((event) => event.data.text === storm);
    const listed = (await (await firebreak.request('GET', `/api/alerts?event=${stormEntry?.id}&limit=500`, { token: reader })).json()) as {
      alerts: { labels: Record<string, string>; status: string }[];
    };
    expect(listed.alerts.map((alert) => alert.labels.instance).sort()).toEqual(api(2, 51).sort());
    expect(listed.alerts.filter((alert) => alert.status === 'resolved')).toHaveLength(3);
    const wrong = await firebreak.request('GET', '/api/alerts?event=abc', { token: reader });
    expect(wrong.status).toBe(400);

    // Slack: one line per delivery, in the timeline's words.
    await firebreak.notifier.worker.drain();
    expect(channel.messages.slice(postsBefore).map((message) => message.text)).toEqual([`:bell: ${storm}.`, `:bell: ${mixed}.`]);

    const report = renderReportMarkdown(await buildIncidentReport(firebreak.database.db, incidentId));
    expect(report).toContain(storm);
    expect(report).toContain(mixed);
  });
});
