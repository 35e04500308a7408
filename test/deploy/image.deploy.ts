import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { webhookFixture } from '../harness/alert-fixtures.ts';
import { freePort } from '../harness/prometheus-stack.ts';
import type { Outcome } from './podman.ts';
import { buildBaseImage, Podman } from './podman.ts';

// The image test (`npm run test:deploy`, not part of `npm test`): builds a Debian base with this
// machine's node, builds the Containerfile on it, and runs the image against the local Postgres.
const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDirectory = process.env.FIREBREAK_DEPLOY_CACHE ?? path.join(os.homedir(), '.cache', 'firebreak-deploy');
const serverUrl = process.env.DEPLOY_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const IMAGE = 'localhost/firebreak:test';

let podman: Podman;
let workDirectory: string;
let databaseName: string;
let databaseUrl: string;
const containers: string[] = [];
// The first admin token, given to every container: whichever first finds no admin (the migration or the
// server) makes this one, as the Secret's FIREBREAK_BOOTSTRAP_TOKEN does in Kubernetes.
const adminToken = randomBytes(24).toString('hex');

/** Asks until the server answers (it migrates before it listens), giving up after `attempts`. */
async function waitForHealth(base: string, name: string, attempts = 240): Promise<Response> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await fetch(`${base}/healthz`).catch(() => null);
    if (response?.ok) return response;
    const state = await podman.ok(['inspect', '--format', '{{.State.Status}}', name]);
    if (state !== 'running') throw new Error(`the container stopped (${state}):\n${await podman.ok(['logs', name])}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no answer from ${base}/healthz:\n${await podman.ok(['logs', name])}`);
}

interface Started {
  name: string;
  base: string;
  adminToken: string;
}

/** Starts the image detached on the host network, on a free port, and waits for /healthz. */
async function start(extraArgs: string[], env: Record<string, string>): Promise<Started> {
  const name = `firebreak-deploy-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const variables = { PORT: String(port), FIREBREAK_BOOTSTRAP_TOKEN: adminToken, SHUTDOWN_TIMEOUT_MS: '5000', ...env };
  await podman.ok([
    'run',
    '--detach',
    '--name',
    name,
    '--network=host',
    ...extraArgs,
    ...Object.entries(variables).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    IMAGE,
  ]);
  containers.push(name);
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, name);
  return { name, base, adminToken };
}

/** Creates an ingest token through the API, with the admin token the container started with. */
async function createIngestToken(started: Started): Promise<string> {
  const created = await fetch(`${started.base}/api/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${started.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `alertmanager-${randomBytes(3).toString('hex')}`, role: 'ingest' }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { token: string }).token;
}

/** Delivers a captured Alertmanager webhook with `token`; answers the status and the alert's name. */
async function ingestAlert(started: Started, token: string): Promise<{ status: number; alertname: string }> {
  const delivery = webhookFixture('01-firing');
  const response = await fetch(`${started.base}/ingest/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(delivery),
  });
  return { status: response.status, alertname: delivery.alerts[0]?.labels.alertname ?? '' };
}

/** deploy/compose.yaml's firebreak-migrate service, run as compose would: its command, its secrets as files. */
async function runComposeMigrate(): Promise<Outcome> {
  const compose = parse(readFileSync(path.join(repository, 'deploy', 'compose.yaml'), 'utf8')) as {
    services: Record<string, { entrypoint: string[]; command: string[]; secrets: string[]; environment: Record<string, string> }>;
    secrets: Record<string, { file: string }>;
  };
  const service = compose.services['firebreak-migrate'];
  if (!service) throw new Error('compose.yaml has no firebreak-migrate');
  const secrets = service.secrets.flatMap((name) => [
    '--volume',
    `${path.join(repository, 'deploy', compose.secrets[name]?.file ?? '')}:/run/secrets/${name}:ro`,
  ]);
  return podman.run([
    'run',
    '--rm',
    '--no-healthcheck',
    '--network=host',
    '--read-only',
    ...secrets,
    ...Object.entries({ ...service.environment, DATABASE_URL: databaseUrl, FIREBREAK_BOOTSTRAP_TOKEN: adminToken }).flatMap(
      ([key, value]) => ['--env', `${key}=${value}`],
    ),
    '--entrypoint',
    service.entrypoint[0] ?? '',
    IMAGE,
    ...service.entrypoint.slice(1),
    ...service.command,
  ]);
}

const composeSecret = (name: string) => readFileSync(path.join(repository, 'deploy', 'compose', 'secrets', name), 'utf8').trim();

/** SIGTERM (podman stop, with a kill only after 60 s), then how the container ended and what it logged. */
async function stop(name: string): Promise<{ exitCode: number; oomOrKilled: string; logs: string }> {
  await podman.ok(['stop', '--time', '60', name]);
  const exitCode = Number(await podman.ok(['inspect', '--format', '{{.State.ExitCode}}', name]));
  const logs = (await podman.run(['logs', name])).stdout;
  return { exitCode, oomOrKilled: await podman.ok(['inspect', '--format', '{{.State.OOMKilled}}', name]), logs };
}

function logMessages(logs: string): { msg?: string; signal?: string }[] {
  return logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; signal?: string });
}

beforeAll(async () => {
  workDirectory = await mkdtemp(path.join(os.tmpdir(), 'firebreak-deploy-'));
  podman = await Podman.create(workDirectory);
  const baseImage = await buildBaseImage(podman, cacheDirectory);
  await podman.ok(['build', '--format', 'docker', '--network=host', '--build-arg', `BASE_IMAGE=${baseImage}`, '-t', IMAGE, repository]);

  databaseName = `firebreak_deploy_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const sql = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`create database "${databaseName}"`);
  await sql.end();
  databaseUrl = `${serverUrl}/${databaseName}`;
}, 1_800_000);

afterAll(async () => {
  for (const name of containers) await podman?.run(['rm', '--force', '--volumes', name]);
  if (databaseName) {
    const sql = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => undefined });
    await sql.unsafe(`drop database if exists "${databaseName}" with (force)`);
    await sql.end();
  }
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
}, 120_000);

describe('the container image', () => {
  it('is small, runs as a non-root user, and carries a HEALTHCHECK on /healthz', async () => {
    const inspect = (format: string) => podman.ok(['image', 'inspect', '--format', format, IMAGE]);
    const [size, user, healthcheck] = [
      await inspect('{{.Size}}'),
      await inspect('{{.Config.User}}'),
      await inspect('{{json .HealthCheck}}'),
    ];
    console.log(`image ${IMAGE}: ${(Number(size) / 1e6).toFixed(0)} MB`);
    expect(user).toBe('10001:10001');
    expect(healthcheck).toContain('/healthz');
    const devOnly = await podman.run(['run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', 'ls /app/node_modules/vitest /app/*.ts']);
    expect(devOnly.code).not.toBe(0);
  });

  it('migrates as a one-off command (compose, the Kubernetes Job), then serves, ingests and stops cleanly on SIGTERM', async () => {
    const first = await runComposeMigrate();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('migrations applied');
    expect(first.stdout).toContain('created ingest token "alertmanager"');
    expect(first.stdout).toContain('created viewer token "prometheus"');
    const again = await runComposeMigrate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('migrations applied');
    expect(again.stdout).not.toContain('created');

    const started = await start([], { DATABASE_URL: databaseUrl });
    expect((await podman.ok(['exec', started.name, 'node', '-e', 'console.log(process.getuid())'])).trim()).toBe('10001');
    expect((await podman.run(['healthcheck', 'run', started.name])).code).toBe(0);
    const ready = await fetch(`${started.base}/readyz`);
    expect(ready.status).toBe(200);

    // What Alertmanager and Prometheus send in the compose stack: the tokens from deploy/compose/secrets.
    const ingested = await ingestAlert(started, composeSecret('ingest-token'));
    expect(ingested.status).toBe(200);
    const metrics = await fetch(`${started.base}/metrics`, { headers: { authorization: `Bearer ${composeSecret('metrics-token')}` } });
    expect(await metrics.text()).toContain('firebreak_http_requests_total');
    const alerts = await fetch(`${started.base}/api/alerts`, { headers: { authorization: `Bearer ${started.adminToken}` } });
    expect(JSON.stringify(await alerts.json())).toContain(ingested.alertname);

    const stopped = await stop(started.name);
    expect(stopped.exitCode).toBe(0);
    expect(stopped.oomOrKilled).toBe('false');
    const messages = logMessages(stopped.logs);
    expect(messages).toContainEqual(expect.objectContaining({ msg: 'signal received', signal: 'SIGTERM' }));
    expect(messages.at(-1)?.msg).toBe('stopped');
  });

  it('runs with a read-only root filesystem, writing only to DATA_DIR (the embedded database there)', async () => {
    const started = await start(['--read-only', '--read-only-tmpfs=false'], {});
    const ingested = await ingestAlert(started, await createIngestToken(started));
    expect(ingested.status).toBe(200);
    const written = await podman.ok(['exec', started.name, 'sh', '-c', 'ls /data']);
    expect(written).toContain('pglite');
    const outside = await podman.run(['exec', started.name, 'sh', '-c', 'touch /app/x || touch /tmp/x']);
    expect(outside.code).not.toBe(0);

    const stopped = await stop(started.name);
    expect(stopped.exitCode).toBe(0);
    expect(logMessages(stopped.logs).at(-1)?.msg).toBe('stopped');
  });
});
