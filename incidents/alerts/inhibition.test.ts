import { mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { RunningBinary } from '../../test/harness/prometheus-stack.ts';
import { eventually, startBinary } from '../../test/harness/prometheus-stack.ts';
import { alertFingerprint } from './fingerprint.ts';
import { loadInhibitRulesFile } from './load-inhibit-rules-file.ts';
import { ALERT_EXPIRY_JOB } from './register-alerting.ts';

// Alertmanager's documented example first (critical mutes warning of the same alertname, cluster and
// service), then a rule whose source also matches its target side, then the deprecated map form.
const ROUTE = `
route:
  receiver: 'null'
receivers:
  - name: 'null'
`;
const SEVERITY_RULE = `
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, cluster, service]`;
const OTHER_RULES = `
  - source_matchers: [alertname="NodeDown"]
    target_matchers: [cluster="east"]
    equal: [cluster]
  - source_match:
      alertname: ClusterDown
    target_match_re:
      alertname: 'Pod.*|Service.*'
    equal: [cluster]
`;
const RULES = `${ROUTE}inhibit_rules:${SEVERITY_RULE}${OTHER_RULES}`;
// The same configuration once the first rule is removed (Alertmanager reloads it; Firebreak reads the file again).
const RULES_WITHOUT_SEVERITY = `${ROUTE}inhibit_rules:${OTHER_RULES}`;

type Labels = Record<string, string>;
const minutes = (offset: number) => new Date(Date.now() + offset * 60_000).toISOString();
const firing = (labels: Labels) => ({ labels, annotations: {}, startsAt: minutes(-5), endsAt: minutes(10) });
const resolved = (labels: Labels) => ({ labels, annotations: {}, startsAt: minutes(-5), endsAt: minutes(-1) });

// Sources (and some targets) in one delivery; the other targets in a later one.
const FIRST = [
  firing({ alertname: 'HighLatency', severity: 'critical', cluster: 'west', service: 'api' }),
  firing({ alertname: 'HighLatency', severity: 'warning', cluster: 'west', service: 'api' }),
  firing({ alertname: 'DiskFull', severity: 'critical' }),
  firing({ alertname: 'NodeDown', cluster: 'east', instance: 'n1' }),
  firing({ alertname: 'NodeDown', cluster: 'east', instance: 'n2' }),
  firing({ alertname: 'ClusterDown', cluster: 'south', severity: 'page' }),
  resolved({ alertname: 'ClusterDown', cluster: 'central', severity: 'page' }),
];
const SECOND = [
  firing({ alertname: 'HighLatency', severity: 'warning', cluster: 'north', service: 'api' }),
  firing({ alertname: 'DiskFull', severity: 'warning' }),
  firing({ alertname: 'DiskFull', severity: 'warning', service: 'db' }),
  firing({ alertname: 'PodCrashLooping', cluster: 'east', pod: 'web-1' }),
  firing({ alertname: 'PodCrashLooping', cluster: 'south', pod: 'web-2' }),
  firing({ alertname: 'ServiceDown', cluster: 'south', severity: 'warning', service: 'api' }),
  firing({ alertname: 'PodPending', cluster: 'central', pod: 'web-3' }),
];

// Then the source of the deprecated-form rule resolves: Alertmanager stops muting its two targets.
const RELEASE = [resolved({ alertname: 'ClusterDown', cluster: 'south', severity: 'page' })];

let alertmanager: RunningBinary;
// Firebreak reads the same file at start (INHIBIT_RULES_FILE): Alertmanager's own YAML, as it is.
const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-inhibit-')), 'alertmanager.yml');
writeFileSync(rulesFile, RULES);
/** What the real Alertmanager computes: each active alert's fingerprint and the alerts inhibiting it. */
let expected: Map<string, string[]>;
/** The same once RELEASE is in. */
let expectedAfterRelease: Map<string, string[]>;
/** The same once Alertmanager has reloaded its configuration without SEVERITY_RULE. */
let expectedAfterRemoval: Map<string, string[]>;
const rulesFileWithoutSeverity = path.join(path.dirname(rulesFile), 'without-severity.yml');
writeFileSync(rulesFileWithoutSeverity, RULES_WITHOUT_SEVERITY);

/**
 * Alertmanager's inhibitor learns of alerts asynchronously (on a loaded machine, later than two reads
 * apart): read until two reads of `count` alerts, `muted` of them inhibited, agree. Which alerts are
 * muted, and by which, is what the tests compare.
 */
async function stableListing(url: string, count: number, muted: number): Promise<Map<string, string[]>> {
  let previous = '';
  return eventually(
    async () => {
      const listed = (await (await fetch(url)).json()) as { fingerprint: string; status: { inhibitedBy: string[] } }[];
      const now = JSON.stringify(listed.map((alert) => [alert.fingerprint, alert.status.inhibitedBy.sort()]).sort());
      const inhibited = listed.filter((alert) => alert.status.inhibitedBy.length > 0).length;
      const stable = now === previous && listed.length === count && inhibited === muted;
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return stable ? new Map(listed.map((alert) => [alert.fingerprint, alert.status.inhibitedBy])) : undefined;
    },
    20_000,
    'Alertmanager to list the alerts it holds',
  );
}

beforeAll(async () => {
  alertmanager = await startBinary('/usr/bin/prometheus-alertmanager', { 'alertmanager.yml': RULES }, (dir, port) => [
    `--config.file=${dir}/alertmanager.yml`,
    `--storage.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  const url = `http://127.0.0.1:${alertmanager.port}/api/v2/alerts`;
  for (const batch of [FIRST, SECOND]) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect(response.status).toBe(200);
  }
  // The documented cases: equal labels, equal-empty, a two-sided rule, the deprecated form (5 muted).
  expected = await stableListing(url, FIRST.length + SECOND.length - 1, 5);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RELEASE) });
  expect(response.status).toBe(200);
  // The south cluster's source resolved: its two targets are no longer muted.
  expectedAfterRelease = await stableListing(url, FIRST.length + SECOND.length - 2, 3);
  // The severity rule removed by a configuration reload: only the NodeDown rule's target stays muted.
  await writeFile(path.join(alertmanager.directory, 'alertmanager.yml'), RULES_WITHOUT_SEVERITY);
  const reload = await fetch(`http://127.0.0.1:${alertmanager.port}/-/reload`, { method: 'POST' });
  expect(reload.status).toBe(200);
  expectedAfterRemoval = await stableListing(url, FIRST.length + SECOND.length - 2, 1);
}, 60_000);

afterAll(async () => {
  await alertmanager?.stop();
});

interface ListedAlert {
  fingerprint: string;
  labels: Labels;
  inhibitedBy: string | null;
  incidentId: string | null;
  inhibitionRelease: { cause: string } | null;
}

/** Posts the batches to Firebreak's API v2 path, each accepted. */
async function deliver(firebreak: TestFirebreak, batches: unknown[][]): Promise<void> {
  const ingest = await firebreak.tokenFor('ingest');
  for (const batch of batches) {
    const response = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: batch });
    expect(response.status).toBe(200);
  }
}

/** The firing alerts Firebreak lists. */
async function firingAlerts(firebreak: TestFirebreak): Promise<ListedAlert[]> {
  const reader = await firebreak.tokenFor('viewer');
  const listed = (await (await firebreak.request('GET', '/api/alerts?status=firing&limit=500', { token: reader })).json()) as {
    alerts: ListedAlert[];
  };
  return listed.alerts;
}

/**
 * The sources Alertmanager names for a target, and the alerts that differ from one of them only by
 * `instance`. It names one source per rule, the first it finds in its cache, whose order is Go's map
 * order (random): where two sources qualify (NodeDown on n1 and on n2 both mute the east cluster's
 * alerts), either is the right answer, and it named the other one about once in eight runs.
 */
function equivalentSources(named: string[], alerts: Map<string, ListedAlert>): string[] {
  const withoutInstance = (labels: Labels | undefined) =>
    JSON.stringify(
      Object.entries(labels ?? {})
        .filter(([name]) => name !== 'instance')
        .sort(),
    );
  const kinds = new Set(named.map((fingerprint) => withoutInstance(alerts.get(fingerprint)?.labels)));
  return [...alerts.values()]
    .filter((alert) => named.includes(alert.fingerprint) || kinds.has(withoutInstance(alert.labels)))
    .map((alert) => alert.fingerprint);
}

/** The fingerprints Alertmanager's listing shows inhibited, sorted. */
const mutedIn = (listing: Map<string, string[]>) =>
  [...listing]
    .filter(([, by]) => by.length > 0)
    .map(([fingerprint]) => fingerprint)
    .sort();

/** The fingerprints Firebreak lists inhibited, sorted. */
const mutedAmong = (alerts: ListedAlert[]) =>
  alerts
    .filter((alert) => alert.inhibitedBy !== null)
    .map((alert) => alert.fingerprint)
    .sort();

describeOnBackends('inhibition rules', () => {
  it.override({ firebreakEnv: { INHIBIT_RULES_FILE: rulesFile } });

  it('mutes on the API v2 path exactly the alerts the real Alertmanager mutes, from its own YAML rules', { timeout: 60_000 }, async ({
    firebreak,
  }) => {
    await deliver(firebreak, [FIRST, SECOND]);
    const listed = await firingAlerts(firebreak);
    const ours = new Map(listed.map((alert) => [alert.fingerprint, alert]));
    expect([...ours.keys()].sort()).toEqual([...expected.keys()].sort());
    const mutedByAlertmanager = mutedIn(expected);
    const mutedByUs = mutedAmong(listed);
    // The documented cases are all there: equal labels, equal-empty, a two-sided rule, the deprecated form.
    expect(mutedByAlertmanager).toHaveLength(5);
    expect(mutedByUs).toEqual(mutedByAlertmanager);
    for (const fingerprint of mutedByUs) {
      const alert = ours.get(fingerprint);
      expect(equivalentSources(expected.get(fingerprint) ?? [], ours)).toContain(alert?.inhibitedBy);
      // An inhibited alert is stored, and opens or joins nothing.
      expect(alert?.incidentId).toBeNull();
    }
  });

  it('releases, when a source resolves, the alerts the real Alertmanager releases, at the next tick of the expiry job', {
    timeout: 60_000,
  }, async ({ firebreak }) => {
    await deliver(firebreak, [FIRST, SECOND, RELEASE]);
    // No delivery of the targets since: the expiry job's tick releases them.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    const listed = await firingAlerts(firebreak);
    const ours = new Map(listed.map((alert) => [alert.fingerprint, alert]));
    expect([...ours.keys()].sort()).toEqual([...expectedAfterRelease.keys()].sort());
    const released = mutedIn(expected).filter((fingerprint) => !mutedIn(expectedAfterRelease).includes(fingerprint));
    // PodCrashLooping and ServiceDown of the south cluster.
    expect(released).toHaveLength(2);
    expect(mutedAmong(listed)).toEqual(mutedIn(expectedAfterRelease));
    for (const fingerprint of released) expect(ours.get(fingerprint)?.incidentId).not.toBeNull();
  });

  it('releases, when a rule is removed, the alerts the real Alertmanager releases on reloading its configuration without it', {
    timeout: 60_000,
  }, async ({ firebreak }) => {
    await deliver(firebreak, [FIRST, SECOND, RELEASE]);
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    // As at a restart with the edited INHIBIT_RULES_FILE; then the expiry job's next tick.
    await loadInhibitRulesFile(firebreak.database.db, firebreak.config, rulesFileWithoutSeverity);
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    const listed = await firingAlerts(firebreak);
    expect(mutedIn(expectedAfterRemoval)).toHaveLength(1);
    expect(mutedAmong(listed)).toEqual(mutedIn(expectedAfterRemoval));
    // HighLatency on west and DiskFull: muted by the severity rule until it went, now in their incidents.
    const released = mutedIn(expectedAfterRelease).filter((fingerprint) => !mutedIn(expectedAfterRemoval).includes(fingerprint));
    expect(released).toHaveLength(2);
    for (const fingerprint of released) {
      const alert = listed.find((candidate) => candidate.fingerprint === fingerprint);
      expect(alert?.incidentId).not.toBeNull();
      expect(alert?.inhibitionRelease).toMatchObject({ cause: 'rule removed' });
    }
  });

  it('evaluates an inhibited alert again once its source resolves', { timeout: 60_000 }, async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const send = async (batch: unknown[]) =>
      (await (await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: batch })).json()) as {
        inhibited: number;
        incidentsOpened: string[];
        incidentsJoined: string[];
      };
    const source = { alertname: 'HighLatency', severity: 'critical', cluster: 'west', service: 'api' };
    const target = { ...source, severity: 'warning' };
    expect(await send([firing(source), firing(target)])).toMatchObject({ inhibited: 1 });
    expect(await send([resolved(source)])).toMatchObject({ inhibited: 0 });
    // Its next delivery (Prometheus re-sends every minute) finds no firing source: it joins the group's incident.
    const again = await send([firing(target)]);
    expect([...again.incidentsOpened, ...again.incidentsJoined]).toHaveLength(1);
    const listed = (await (await firebreak.request('GET', '/api/alerts?status=firing')).json()) as {
      alerts: { fingerprint: string; inhibitedBy: string | null; incidentId: string | null }[];
    };
    const released = listed.alerts.find((alert) => alert.fingerprint === alertFingerprint(target));
    expect(released).toMatchObject({ inhibitedBy: null });
    expect(released?.incidentId).not.toBeNull();
  });

  it('keeps rules as data: list, add, show, remove; refuses bad rules, strangers and other roles', { timeout: 60_000 }, async ({
    firebreak,
  }) => {
    const admin = await firebreak.tokenFor('admin');
    const viewer = await firebreak.tokenFor('viewer');
    const fromFile = (await (await firebreak.request('GET', '/api/inhibit-rules', { token: viewer })).json()) as {
      inhibitRules: { id: string; origin: string; sourceMatchersText: string; targetMatchersText: string }[];
    };
    expect(fromFile.inhibitRules).toHaveLength(3);
    expect(fromFile.inhibitRules.every((rule) => rule.origin === 'file')).toBe(true);
    expect(fromFile.inhibitRules.map((rule) => rule.targetMatchersText)).toContain('alertname=~"Pod.*|Service.*"');

    const rule = {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['severity=~"warning|info"'],
      equal: ['cluster'],
      comment: 'cluster down mutes its symptoms',
    };
    const created = await firebreak.request('POST', '/api/inhibit-rules', { token: admin, json: rule });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await (await firebreak.request('GET', `/api/inhibit-rules/${id}`, { token: viewer })).json()).toMatchObject({
      sourceMatchersText: 'alertname="ClusterDown"',
      targetMatchersText: 'severity=~"warning|info"',
      equal: ['cluster'],
      origin: 'api',
    });

    const badMatcher = await firebreak.request('POST', '/api/inhibit-rules', {
      token: admin,
      json: { source_matchers: ['alertname=~"("'] },
    });
    expect(badMatcher.status).toBe(400);
    expect(JSON.stringify(await badMatcher.json())).toContain('invalid regular expression');
    const badLabel = await firebreak.request('POST', '/api/inhibit-rules', { token: admin, json: { equal: ['not a label'] } });
    expect(badLabel.status).toBe(400);
    expect((await firebreak.request('POST', '/api/inhibit-rules', { token: null, json: rule })).status).toBe(401);
    expect((await firebreak.request('POST', '/api/inhibit-rules', { token: viewer, json: rule })).status).toBe(403);
    expect((await firebreak.request('DELETE', `/api/inhibit-rules/${id}`, { token: viewer })).status).toBe(403);
    expect((await firebreak.request('DELETE', `/api/inhibit-rules/${fromFile.inhibitRules[0]?.id}`, { token: admin })).status).toBe(409);

    expect((await firebreak.request('DELETE', `/api/inhibit-rules/${id}`, { token: admin })).status).toBe(200);
    expect((await firebreak.request('GET', `/api/inhibit-rules/${id}`, { token: viewer })).status).toBe(404);
  });
});
