import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listen } from '../../server.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { databaseBackends } from '../../test/harness/database.ts';

const run = promisify(execFile);

interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
}

const dashboard = JSON.parse(await readFile(path.join(import.meta.dirname, 'firebreak.json'), 'utf8')) as Dashboard;
const queries = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
];
// Metric names are the identifiers that open a selector: `name{` (our queries always select by job).
const queriedMetrics = [
  ...new Set(queries.flatMap((query) => [...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{)/g)].map((match) => match[1] ?? ''))),
]
  .concat([
    ...new Set(queries.flatMap((query) => [...query.matchAll(/label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map((match) => match[1] ?? ''))),
  ])
  .filter(Boolean);

describe('the Grafana dashboard', () => {
  it('is well formed: unique panel ids, one data source input, every panel queries something, fits the grid', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(' | ');
    for (const topic of [
      'alerts received',
      'spans ingested',
      'open incidents by phase',
      'open incidents by severity',
      'time to acknowledge',
      'time to recover',
      'outbox backlog',
      'dead messages',
      'deadlines at risk',
    ]) {
      expect(titles).toContain(topic);
    }
  });

  it('has PromQL that promtool accepts', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-grafana-'));
    const file = path.join(directory, 'rules.yml');
    const rules = queries
      .filter((query) => !query.startsWith('label_values('))
      .map(
        (query, index) =>
          `      - record: firebreak_dashboard_query_${index}\n        expr: ${JSON.stringify(query.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*'))}`,
      );
    await writeFile(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const { stdout } = await run('promtool', ['check', 'rules', file]);
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  describe.each(databaseBackends)('against a running Firebreak on %s', (backend) => {
    it('queries only metrics that its /metrics exposes', async () => {
      const firebreak = await createTestFirebreak(backend, { PORT: '0', HOST: '127.0.0.1' });
      const running = await listen(firebreak);
      try {
        const response = await fetch(`http://127.0.0.1:${running.port}/metrics`, {
          headers: { authorization: `Bearer ${firebreak.adminToken}` },
        });
        expect(response.status).toBe(200);
        const exposition = await response.text();
        const types = new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
        const missing = queriedMetrics.filter((name) => {
          if (types.has(name)) return false;
          const base = name.replace(/_(bucket|sum|count)$/, '');
          return types.get(base) !== 'histogram';
        });
        expect(queriedMetrics.length).toBeGreaterThan(15);
        expect(missing).toEqual([]);
      } finally {
        await running.shutdown();
      }
    });
  });
});
