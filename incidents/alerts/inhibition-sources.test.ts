import { expect } from 'vitest';
import { systemContext } from '../../platform/index.ts';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { alertFingerprint } from './fingerprint.ts';
import type { ReceivedAlert } from './ingest-shapes.ts';
import { createInhibitRule } from './inhibit-rules.ts';
import { readInhibition } from './inhibition.ts';
import { receiveAlerts } from './receive-alerts.ts';

const firing = (labels: Record<string, string>): ReceivedAlert => ({
  labels,
  annotations: { summary: `${labels.alertname} in ${labels.cluster}` },
  startsAt: new Date(Date.now() - 60_000),
  endsAt: new Date(Date.now() + 300_000),
});

describeOnBackends('the inhibition sources an ingest transaction reads', () => {
  it('are read only when an alert to be placed may be a rule target, and mute the same either way', async ({ database }) => {
    const ctx = systemContext(database.db, TEST_CONFIG);
    await createInhibitRule(ctx, {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['severity="warning"'],
      equal: ['cluster'],
    });
    const clusterDown = { alertname: 'ClusterDown', severity: 'critical', cluster: 'c1' };
    await receiveAlerts(ctx, [firing(clusterDown)], { source: 'prometheus' });
    const symptom = { alertname: 'PodRestarts', severity: 'warning', cluster: 'c1' };
    const unrelated = { alertname: 'Latency', severity: 'critical', cluster: 'c1' };

    const sourcesFor = (toPlace?: Record<string, string>[]) =>
      database.db.transaction(async (tx) =>
        (await readInhibition(tx, new Date(), [], toPlace && (() => toPlace)))?.sources.map((source) => source.fingerprint),
      );
    // The expiry job's passes read every source (and this read tells the process that there are rules).
    expect(await sourcesFor()).toEqual([alertFingerprint(clusterDown)]);
    // No alert to place is a warning: no rule could mute it, and the stored ClusterDown is not read.
    expect(await sourcesFor([unrelated])).toEqual([]);
    expect(await sourcesFor([unrelated, symptom])).toEqual([alertFingerprint(clusterDown)]);

    const placed = await receiveAlerts(ctx, [firing(unrelated)], { source: 'prometheus' });
    expect([placed.inhibited, placed.incidentsOpened.length + placed.incidentsJoined.length]).toEqual([0, 1]);
    const muted = await receiveAlerts(ctx, [firing(symptom)], { source: 'prometheus' });
    expect([muted.inhibited, muted.incidentsOpened.length + muted.incidentsJoined.length]).toEqual([1, 0]);
  });
});
