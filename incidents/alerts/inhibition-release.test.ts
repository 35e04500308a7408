import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, RETENTION_JOB, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { alertFingerprint } from './fingerprint.ts';
import { loadInhibitRulesFile } from './load-inhibit-rules-file.ts';
import { receiveAlerts } from './receive-alerts.ts';
import { ALERT_EXPIRY_JOB } from './register-alerting.ts';

// A cluster down mutes the other alerts of its cluster.
const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-release-')), 'inhibit.yml');
writeFileSync(
  rulesFile,
  `inhibit_rules:
  - source_matchers: [alertname="ClusterDown"]
    target_matchers: [alertname!="ClusterDown"]
    equal: [cluster]
`,
);

const base = Date.now();
const at = (seconds: number) => new Date(base + seconds * 1000);
type Labels = Record<string, string>;

async function setUp(world: NotifierWorld) {
  const { firebreak } = world;
  const db = firebreak.database.db;
  const system = systemContext(db, firebreak.config);
  /** A delivery at `seconds`: firing until resolved (webhook-like) unless `endsAt` says otherwise. */
  const deliver = (seconds: number, labels: Labels, endsAt: Date | null = null) =>
    receiveAlerts(system, [{ labels, annotations: { summary: labels.alertname ?? '' }, startsAt: at(0), endsAt }], { now: at(seconds) });
  const alertRow = async (labels: Labels) =>
    (
      await queryRows<{ incident_id: string | null; inhibited_by: string | null; status: string }>(
        db,
        sql`select incident_id::text as incident_id, inhibited_by, status from alerts where fingerprint = ${alertFingerprint(labels)}`,
      )
    )[0];
  const timeline = async (incidentId: string) =>
    (
      await queryRows<{ type: string; text: string }>(
        db,
        sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} order by id`,
      )
    ).map((row) => `${row.type}: ${row.text}`);
  const pages = async () => {
    await firebreak.notifier.worker.drain();
    return world.pagerduty.events.map((event) => ({
      action: event.event_action,
      key: event.routing_key.slice(0, 6),
      incident: event.dedup_key,
    }));
  };
  return { firebreak, db, deliver, alertRow, timeline, pages };
}

describeOnBackends('inhibition released when its source stops firing', () => {
  it.override({ firebreakEnv: { INHIBIT_RULES_FILE: rulesFile } });

  it('a resolved source releases its targets on the next tick: they open their incident and page at once', async ({ world }) => {
    const { firebreak, deliver, alertRow, timeline, pages } = await setUp(world);
    const sourceA = { alertname: 'ClusterDown', cluster: 'eu-1', severity: 'critical', prometheus: 'a' };
    const sourceB = { ...sourceA, prometheus: 'b' };
    const target = { alertname: 'DiskPressure', cluster: 'eu-1', severity: 'critical', instance: 'node-1' };
    const opened = await deliver(0, sourceA);
    await deliver(1, sourceB);
    expect(await deliver(2, target)).toMatchObject({ inhibited: 1, incidentsOpened: [] });
    expect((await pages()).filter((page) => page.action === 'trigger')).toHaveLength(1);

    // One source resolves: the other still fires and still inhibits; the target follows it.
    await deliver(10, sourceA, at(10));
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(11));
    expect(await alertRow(target)).toEqual({ incident_id: null, inhibited_by: alertFingerprint(sourceB), status: 'firing' });

    // The last source resolves: on the next tick, without any delivery of the target, it opens its incident and pages.
    await deliver(20, sourceB, at(20));
    expect((await alertRow(target))?.incident_id).toBeNull();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(21));
    const released = await alertRow(target);
    expect(released).toMatchObject({ inhibited_by: null, status: 'firing' });
    const incidentId = released?.incident_id;
    if (!incidentId) throw new Error('the released alert opened no incident');
    expect(incidentId).not.toBe(opened.incidentsOpened[0]);
    expect(await timeline(incidentId)).toContain(
      'alerts.changed: DiskPressure on node-1 joined (no longer inhibited: source ClusterDown on eu-1 resolved)',
    );
    const afterRelease = await pages();
    expect(afterRelease.filter((page) => page.incident === incidentId)).toEqual([
      { action: 'trigger', key: 'R0UT1N', incident: incidentId },
    ]);
    // Slack hears the opening, and why it opened now: the opening alone does not say.
    await firebreak.notifier.worker.drain();
    const said = world.slack.channelByName('inc-2-diskpressure-diskpressure')?.messages.map((message) => message.text) ?? [];
    expect(said.length).toBeGreaterThan(1);
    expect(
      said.filter((text) => text.includes('DiskPressure on node-1 joined (no longer inhibited: source ClusterDown on eu-1 resolved)')),
    ).toHaveLength(1);

    // Released once: the next tick changes nothing and pages nobody.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(26));
    expect(await pages()).toEqual(afterRelease);
    expect((await timeline(incidentId)).filter((entry) => entry.includes('no longer inhibited'))).toHaveLength(1);
  });

  it('a source with forty targets releases them all in one tick, told as one line', async ({ world }) => {
    const { firebreak, db, deliver, alertRow, timeline } = await setUp(world);
    const source = { alertname: 'ClusterDown', cluster: 'eu-8', severity: 'critical' };
    const targets = Array.from({ length: 40 }, (_, index) => ({
      alertname: 'PodCrashLooping',
      cluster: 'eu-8',
      severity: 'critical',
      pod: `web-${index + 1}`,
    }));
    await deliver(0, source);
    const system = systemContext(db, firebreak.config);
    const received = await receiveAlerts(
      system,
      targets.map((labels) => ({ labels, annotations: {}, startsAt: at(0), endsAt: null })),
      { now: at(1) },
    );
    expect(received).toMatchObject({ inhibited: 40 });
    await deliver(10, source, at(10));
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(11));
    const rows = await Promise.all(targets.map(alertRow));
    const incidents = new Set(rows.map((row) => row?.incident_id));
    expect(rows.every((row) => row?.inhibited_by === null && row.status === 'firing')).toBe(true);
    expect(incidents.size).toBe(1);
    const [incidentId] = incidents;
    if (!incidentId) throw new Error('the released alerts opened no incident');
    expect((await timeline(incidentId)).filter((entry) => entry.startsWith('alerts.changed'))).toEqual([
      'alerts.changed: 40 alerts joined: PodCrashLooping on web-1…web-40 (no longer inhibited: source ClusterDown on eu-8 resolved)',
    ]);
  });

  it('a source that expires releases its targets in the same run of the expiry job', async ({ world }) => {
    const { firebreak, deliver, alertRow, timeline } = await setUp(world);
    const source = { alertname: 'ClusterDown', cluster: 'eu-3', severity: 'critical' };
    const target = { alertname: 'DiskPressure', cluster: 'eu-3', severity: 'critical', instance: 'node-7' };
    // An API v2 source: active until its endsAt, which its sender stops moving.
    await deliver(0, source, at(300));
    expect(await deliver(1, target)).toMatchObject({ inhibited: 1 });
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(299));
    expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(source));
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(301));
    expect((await alertRow(source))?.status).toBe('expired');
    const released = await alertRow(target);
    expect(released?.inhibited_by).toBeNull();
    if (!released?.incident_id) throw new Error('the released alert opened no incident');
    expect(await timeline(released.incident_id)).toContain(
      'alerts.changed: DiskPressure on node-7 joined (no longer inhibited: source ClusterDown on eu-3 expired)',
    );
  });

  it('a muted alert that expires loses its mark with its source still firing, and opens nothing', async ({ world }) => {
    const { firebreak, deliver, alertRow } = await setUp(world);
    const source = { alertname: 'ClusterDown', cluster: 'eu-8', severity: 'critical' };
    const target = { alertname: 'DiskPressure', cluster: 'eu-8', severity: 'critical', instance: 'node-5' };
    await deliver(0, source);
    expect(await deliver(1, target, at(60))).toMatchObject({ inhibited: 1 });
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(61));
    expect(await alertRow(target)).toEqual({ incident_id: null, inhibited_by: null, status: 'expired' });
    // The next tick has nothing of it to release.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(66));
    expect(await alertRow(target)).toEqual({ incident_id: null, inhibited_by: null, status: 'expired' });
  });

  it('a source retention deleted before the release ran (the jobs stopped for longer than ALERT_RETENTION_DAYS) releases as gone', async ({
    world,
  }) => {
    const { firebreak, db, deliver, alertRow, timeline } = await setUp(world);
    const source = { alertname: 'ClusterDown', cluster: 'eu-5', severity: 'critical' };
    const target = { alertname: 'DiskPressure', cluster: 'eu-5', severity: 'critical', instance: 'node-2' };
    await deliver(0, source);
    expect(await deliver(1, target)).toMatchObject({ inhibited: 1 });
    await deliver(2, source, at(2));
    // No expiry tick ran meanwhile; the first job back is retention, 91 days on: the resolved source is deleted.
    const later = (seconds: number) => at(91 * 86_400 + seconds);
    await firebreak.scheduler.runJob(RETENTION_JOB, later(0));
    expect(await alertRow(source)).toBeUndefined();
    expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(source));
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, later(5));
    const released = await alertRow(target);
    expect(released).toMatchObject({ inhibited_by: null, status: 'firing' });
    if (!released?.incident_id) throw new Error('the released alert opened no incident');
    expect(await timeline(released.incident_id)).toContain(
      'alerts.changed: DiskPressure on node-2 joined (no longer inhibited: its source alert is gone)',
    );
    const [stored] = await queryRows<{ release: { source: string; cause: string } }>(
      db,
      sql`select inhibition_release as release from alerts where fingerprint = ${alertFingerprint(target)}`,
    );
    expect(stored?.release).toMatchObject({ source: alertFingerprint(source), cause: 'gone' });
  });
});

describeOnBackends('escalation of an incident whose alerts a new source inhibits', () => {
  it.override({
    firebreakEnv: {
      INHIBIT_RULES_FILE: rulesFile,
      PAGERDUTY_ESCALATION_ROUTING_KEYS: 'LEVEL2KEY00000000000000000000002,LEVEL3KEY00000000000000000000003',
      PAGERDUTY_ESCALATE_AFTER_SECONDS: '600',
      PAGERDUTY_MAX_ESCALATIONS: '3',
    },
  });

  it('stays in its incident, marked inhibited; its escalation is held until the source stops firing, then resumes', async ({ world }) => {
    const { firebreak, deliver, alertRow, timeline, pages } = await setUp(world);
    const target = { alertname: 'DiskPressure', cluster: 'eu-2', severity: 'critical', instance: 'node-3' };
    const source = { alertname: 'ClusterDown', cluster: 'eu-2', severity: 'critical' };
    const [incidentId] = (await deliver(0, target)).incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    await deliver(60, source);
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(65));
    // Alertmanager would stop notifying of it; Firebreak keeps it in its incident, marked.
    expect(await alertRow(target)).toEqual({ incident_id: incidentId, inhibited_by: alertFingerprint(source), status: 'firing' });
    expect(await timeline(incidentId)).toContain(
      'escalation.held: Escalation held: every firing alert is inhibited by ClusterDown on eu-2, which pages on its own',
    );
    const escalationsOf = async (id: string) => (await pages()).filter((page) => page.incident === id && page.key.startsWith('LEVEL'));
    // Ten minutes unacknowledged: the source's own incident escalates, the inhibited one does not.
    await firebreak.scheduler.runDueTimers(at(700));
    expect(await escalationsOf(incidentId)).toEqual([]);
    expect((await pages()).filter((page) => page.key === 'LEVEL2')).toHaveLength(1);

    // The source resolves: the mark goes, escalation resumes with a full delay from now.
    await deliver(800, source, at(800));
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(801));
    expect(await alertRow(target)).toEqual({ incident_id: incidentId, inhibited_by: null, status: 'firing' });
    expect(await timeline(incidentId)).toContain('escalation.resumed: Escalation resumes: its alerts are no longer inhibited');
    await firebreak.scheduler.runDueTimers(at(1300));
    expect(await escalationsOf(incidentId)).toEqual([]);
    await firebreak.scheduler.runDueTimers(at(1402));
    expect(await escalationsOf(incidentId)).toEqual([{ action: 'trigger', key: 'LEVEL2', incident: incidentId }]);
  });
});

describeOnBackends('alerts of paging incidents that a new source inhibits', () => {
  it.override({ firebreakEnv: { INHIBIT_RULES_FILE: rulesFile } });

  it('are all marked within a few ticks, however many other alerts those incidents hold', async ({ world }) => {
    const { firebreak, db, deliver, alertRow } = await setUp(world);
    const system = systemContext(db, firebreak.config);
    // An incident with more alerts than one tick looks at (2,000), none of which the source will inhibit, stored first.
    await receiveAlerts(
      system,
      Array.from({ length: 2001 }, (_, index) => ({
        labels: { alertname: 'PodCrashLooping', cluster: 'eu-1', pod: `pod-${index}` },
        annotations: {},
        startsAt: at(0),
        endsAt: null,
      })),
      { now: at(0) },
    );
    // Three more of the same incident, in the cluster that goes down.
    const targets = [1, 2, 3].map((pod) => ({ alertname: 'PodCrashLooping', cluster: 'eu-6', pod: `pod-eu-6-${pod}` }));
    for (const target of targets) await deliver(1, target);
    const source = { alertname: 'ClusterDown', cluster: 'eu-6', severity: 'critical' };
    await deliver(2, source);
    for (let tick = 1; tick <= 2; tick++) await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(2 + 5 * tick));
    for (const target of targets) expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(source));
    const [others] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from alerts where inhibited_by is not null and labels ->> 'cluster' = 'eu-1'`,
    );
    expect(others?.count).toBe(0);
  });
});

describeOnBackends('inhibition released when its rule is removed', () => {
  it.override({
    firebreakEnv: {
      PAGERDUTY_ESCALATION_ROUTING_KEYS: 'LEVEL2KEY00000000000000000000002',
      PAGERDUTY_ESCALATE_AFTER_SECONDS: '600',
      PAGERDUTY_MAX_ESCALATIONS: '2',
    },
  });

  // Plain matchers only: the job judges this rule in SQL.
  const podsOfADownCluster = {
    source_matchers: ['alertname="ClusterDown"'],
    target_matchers: ['alertname="PodCrashLooping"'],
    equal: ['cluster'],
  };

  async function addRule(world: NotifierWorld, rule: { source_matchers: string[]; target_matchers: string[]; equal: string[] }) {
    const admin = await world.firebreak.tokenFor('admin');
    const created = await world.firebreak.request('POST', '/api/inhibit-rules', { token: admin, json: rule });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    return {
      remove: async () => expect((await world.firebreak.request('DELETE', `/api/inhibit-rules/${id}`, { token: admin })).status).toBe(200),
    };
  }
  const releaseOf = async (world: NotifierWorld, labels: Labels) =>
    (
      await queryRows<{ release: { at: string; source: string; cause: string } | null }>(
        world.firebreak.database.db,
        sql`select inhibition_release as release from alerts where fingerprint = ${alertFingerprint(labels)}`,
      )
    )[0]?.release ?? null;

  it('its targets open their incident and page on the next tick, though the source still fires; the join follows the opening', async ({
    world,
  }) => {
    const { firebreak, db, deliver, alertRow, pages } = await setUp(world);
    const rule = await addRule(world, podsOfADownCluster);
    const source = { alertname: 'ClusterDown', cluster: 'eu-4', severity: 'critical' };
    const target = { alertname: 'PodCrashLooping', cluster: 'eu-4', severity: 'critical', pod: 'web-1' };
    await deliver(0, source);
    expect(await deliver(1, target)).toMatchObject({ inhibited: 1 });
    // While the rule stands, the tick keeps the mark.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(5));
    expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(source));
    const before = await pages();

    await rule.remove();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(10));
    const released = await alertRow(target);
    expect(released).toMatchObject({ inhibited_by: null, status: 'firing' });
    const incidentId = released?.incident_id;
    if (!incidentId) throw new Error('the released alert opened no incident');
    expect((await pages()).slice(before.length)).toEqual([{ action: 'trigger', key: 'R0UT1N', incident: incidentId }]);
    expect(await releaseOf(world, target)).toMatchObject({ source: alertFingerprint(source), cause: 'rule removed' });
    // In the order the incident page shows it (by when it happened): opened, then the release's join,
    // though the alert started before the incident (its startsAt is at(0)).
    const ordered = await queryRows<{ type: string; text: string | null }>(
      db,
      sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} order by occurred_at, id`,
    );
    expect(ordered.map((row) => row.type).slice(0, 2)).toEqual(['incident.opened', 'alerts.changed']);
    expect(ordered[1]?.text).toBe(
      'PodCrashLooping on web-1 joined (no longer inhibited: the rule by which ClusterDown on eu-4 muted it was removed)',
    );

    // Released once.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(15));
    expect((await pages()).length).toBe(before.length + 1);
  });

  it("a released target joins its group's open incident, and the Slack line says why", async ({ world }) => {
    const { firebreak, deliver, alertRow, pages } = await setUp(world);
    const rule = await addRule(world, podsOfADownCluster);
    const source = { alertname: 'ClusterDown', cluster: 'eu-3', severity: 'critical' };
    const elsewhere = { alertname: 'PodCrashLooping', cluster: 'us-1', severity: 'critical', pod: 'api-1' };
    const target = { alertname: 'PodCrashLooping', cluster: 'eu-3', severity: 'critical', pod: 'api-2' };
    await deliver(0, source);
    const [incidentId] = (await deliver(1, elsewhere)).incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    expect(await deliver(2, target)).toMatchObject({ inhibited: 1 });
    const before = await pages();

    await rule.remove();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(10));
    expect(await alertRow(target)).toEqual({ incident_id: incidentId, inhibited_by: null, status: 'firing' });
    await firebreak.notifier.worker.drain();
    const said = world.slack.channelByName('inc-2-podcrashlooping-podcrashlooping')?.messages.map((message) => message.text) ?? [];
    expect(
      said.some((text) =>
        text.includes('PodCrashLooping on api-2 joined (no longer inhibited: the rule by which ClusterDown on eu-3 muted it was removed)'),
      ),
    ).toBe(true);
    // It joined a paging incident: no page of its own.
    expect((await pages()).slice(before.length).filter((page) => page.action === 'trigger')).toEqual([]);
  });

  it('a target another rule still lets a firing source mute stays muted, under that source', async ({ world }) => {
    const { firebreak, deliver, alertRow } = await setUp(world);
    // Regex and negative matchers: judged in JS.
    const byCluster = await addRule(world, {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['alertname!="ClusterDown"'],
      equal: ['cluster'],
    });
    await addRule(world, {
      source_matchers: ['alertname=~"Node(Down|Unreachable)"'],
      target_matchers: ['severity=~"warning|info"'],
      equal: ['node'],
    });
    const cluster = { alertname: 'ClusterDown', cluster: 'eu-5', severity: 'critical' };
    const node = { alertname: 'NodeDown', cluster: 'eu-5', node: 'n-1', severity: 'critical' };
    const target = { alertname: 'PodCrashLooping', cluster: 'eu-5', node: 'n-1', severity: 'warning', pod: 'web-2' };
    const unrelated = { alertname: 'PodCrashLooping', cluster: 'eu-5', node: 'n-2', severity: 'warning', pod: 'web-3' };
    await deliver(0, cluster);
    await deliver(1, node);
    await deliver(2, target);
    await deliver(2, unrelated);
    // The cluster's rule comes first: both are marked by ClusterDown (the node by it too, being no ClusterDown).
    expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(cluster));
    expect((await alertRow(unrelated))?.inhibited_by).toBe(alertFingerprint(cluster));

    await byCluster.remove();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(10));
    expect(await alertRow(target)).toEqual({ incident_id: null, inhibited_by: alertFingerprint(node), status: 'firing' });
    expect(await releaseOf(world, target)).toBeNull();
    expect(await alertRow(unrelated)).toMatchObject({ inhibited_by: null, status: 'firing' });
    expect((await alertRow(unrelated))?.incident_id).not.toBeNull();
  });

  it('a plain rule whose equal labels differ between the two does not keep the mark', async ({ world }) => {
    const { firebreak, deliver, alertRow } = await setUp(world);
    const byCluster = await addRule(world, podsOfADownCluster);
    await addRule(world, { ...podsOfADownCluster, equal: ['region'] });
    const source = { alertname: 'ClusterDown', cluster: 'eu-9', region: 'west', severity: 'critical' };
    const target = { alertname: 'PodCrashLooping', cluster: 'eu-9', region: 'east', severity: 'critical', pod: 'web-9' };
    await deliver(0, source);
    expect(await deliver(1, target)).toMatchObject({ inhibited: 1 });
    await byCluster.remove();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(5));
    expect(await alertRow(target)).toMatchObject({ inhibited_by: null, status: 'firing' });
  });

  it('alerts marked inhibited in their incident lose the mark, and its escalation resumes', async ({ world }) => {
    const { firebreak, deliver, alertRow, timeline } = await setUp(world);
    const rule = await addRule(world, {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['severity="critical"'],
      equal: ['cluster'],
    });
    const target = { alertname: 'DiskPressure', cluster: 'eu-6', severity: 'critical', instance: 'node-9' };
    const source = { alertname: 'ClusterDown', cluster: 'eu-6', severity: 'page' };
    const [incidentId] = (await deliver(0, target)).incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    await deliver(60, source);
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(65));
    expect((await alertRow(target))?.inhibited_by).toBe(alertFingerprint(source));
    expect((await timeline(incidentId)).some((entry) => entry.startsWith('escalation.held'))).toBe(true);

    await rule.remove();
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(70));
    expect(await alertRow(target)).toEqual({ incident_id: incidentId, inhibited_by: null, status: 'firing' });
    expect(await releaseOf(world, target)).toMatchObject({ cause: 'rule removed' });
    expect(await timeline(incidentId)).toContain('escalation.resumed: Escalation resumes: its alerts are no longer inhibited');
  });

  it('however many marks only a regex or negative rule keeps, each is judged again within a few ticks', async ({ world }) => {
    const { firebreak, db, deliver, alertRow, timeline } = await setUp(world);
    const system = systemContext(db, firebreak.config);
    await loadInhibitRulesFile(db, firebreak.config, rulesFile);
    const source = { alertname: 'ClusterDown', cluster: 'eu-9', severity: 'critical' };
    await deliver(0, source);
    // More targets than one tick judges (500), all muted by the negative rule of the file.
    const targets = Array.from({ length: 505 }, (_, index) => ({
      alertname: 'DiskPressure',
      cluster: 'eu-9',
      severity: 'critical',
      instance: `node-${index + 1}`,
    }));
    const received = await receiveAlerts(
      system,
      targets.map((labels) => ({ labels, annotations: {}, startsAt: at(0), endsAt: null })),
      { now: at(1) },
    );
    expect(received).toMatchObject({ inhibited: 505 });
    // The rule now spares the target stored last, which a tick reading only the first 500 never reached.
    const [last] = await queryRows<{ instance: string }>(
      db,
      sql`select labels ->> 'instance' as instance from alerts where labels ->> 'alertname' = 'DiskPressure' order by id desc limit 1`,
    );
    const spared = targets.find((labels) => labels.instance === last?.instance);
    if (!spared) throw new Error('no target stored');
    const changed = path.join(path.dirname(rulesFile), 'spare-one.yml');
    writeFileSync(
      changed,
      `inhibit_rules:
  - source_matchers: [alertname="ClusterDown"]
    target_matchers: [alertname!="ClusterDown", instance!="${spared.instance}"]
    equal: [cluster]
`,
    );
    await loadInhibitRulesFile(db, firebreak.config, changed);
    for (let tick = 1; tick <= 2; tick++) await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(5 * tick));
    const released = await alertRow(spared);
    expect(released).toMatchObject({ inhibited_by: null, status: 'firing' });
    if (!released?.incident_id) throw new Error('the spared alert opened no incident');
    expect(await timeline(released.incident_id)).toContain(
      `alerts.changed: DiskPressure on ${spared.instance} joined (no longer inhibited: the rule by which ClusterDown on eu-9 muted it was removed)`,
    );
    const [muted] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from alerts where inhibited_by = ${alertFingerprint(source)}`,
    );
    expect(muted?.count).toBe(504);
  });

  it('a reload of INHIBIT_RULES_FILE that drops a rule releases its targets on the next tick', async ({ world }) => {
    const { firebreak, db, deliver, alertRow, timeline } = await setUp(world);
    await loadInhibitRulesFile(db, firebreak.config, rulesFile);
    const source = { alertname: 'ClusterDown', cluster: 'eu-7', severity: 'critical' };
    const target = { alertname: 'DiskPressure', cluster: 'eu-7', severity: 'critical', instance: 'node-4' };
    await deliver(0, source);
    expect(await deliver(1, target)).toMatchObject({ inhibited: 1 });
    const emptied = path.join(path.dirname(rulesFile), 'empty.yml');
    writeFileSync(emptied, 'inhibit_rules: []\n');
    await loadInhibitRulesFile(db, firebreak.config, emptied);
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(5));
    const released = await alertRow(target);
    if (!released?.incident_id) throw new Error('the released alert opened no incident');
    expect(await timeline(released.incident_id)).toContain(
      'alerts.changed: DiskPressure on node-4 joined (no longer inhibited: the rule by which ClusterDown on eu-7 muted it was removed)',
    );
  });
});
