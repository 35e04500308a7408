import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Model } from '@kubernetes-models/base';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../platform/index.ts';

const folder = import.meta.dirname;
const containerfile = readFileSync(path.join(folder, '..', '..', 'Containerfile'), 'utf8');

// Each kind the manifests use, as the typed model whose validate() checks it against the Kubernetes API schema.
const MODELS: Record<string, new (data: never) => Model<unknown>> = {
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

const manifests: Manifest[] = readdirSync(folder)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .map((file) => ({ ...(parse(readFileSync(path.join(folder, file), 'utf8')) as Omit<Manifest, 'file'>), file }) as Manifest);

function find<T>(model: new (data: never) => T, name = 'firebreak'): T {
  const [apiVersion, kind] = [(model as unknown as { apiVersion: string }).apiVersion, (model as unknown as { kind: string }).kind];
  const manifest = manifests.find(
    (candidate) => candidate.apiVersion === apiVersion && candidate.kind === kind && candidate.metadata.name === name,
  );
  if (!manifest) throw new Error(`no ${kind} ${name}`);
  return new model(manifest as never);
}

const deployment = find(Deployment);
const job = find(Job, 'firebreak-migrate');
const jobPod = job.spec?.template.spec;
const server = deployment.spec?.template.spec?.containers[0];
const environment = { ...find(ConfigMap).data, ...find(Secret).stringData };

describe('deploy/kubernetes', () => {
  it('validates every manifest against the Kubernetes API schemas, and kustomization lists them all', () => {
    const kustomization = parse(readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(manifests.map((manifest) => manifest.file).sort());
    for (const manifest of manifests) {
      const { file, ...object } = manifest;
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${file}: ${object.kind}`).toBeDefined();
      if (model) expect(() => new model(object as never).validate(), file).not.toThrow();
    }
    expect(() => new Deployment({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } } as never).validate()).toThrow();
  });

  it('runs two or more replicas behind a Service, with a disruption budget that keeps one', () => {
    expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};
    expect(deployment.spec?.selector.matchLabels).toEqual(podLabels);
    expect(find(Service).spec?.selector).toEqual(podLabels);
    const budget = find(PodDisruptionBudget).spec;
    expect(budget?.selector?.matchLabels).toEqual(podLabels);
    expect(budget?.minAvailable).toBeGreaterThanOrEqual(1);
    expect(budget?.minAvailable).toBeLessThan(deployment.spec?.replicas ?? 0);
    expect(find(Service).spec?.ports?.[0]?.targetPort).toBe(server?.ports?.[0]?.name);
  });

  it('probes /healthz for liveness and /readyz for readiness on the port the image listens on, with resources', () => {
    expect(server?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(server?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(server?.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(containerfile).toMatch(new RegExp(`PORT=${server?.ports?.[0]?.containerPort}\\b`));
    expect(containerfile).toMatch(/HOST=0\.0\.0\.0/);
    for (const container of [server, jobPod?.containers[0]]) {
      expect(container?.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container?.resources?.limits?.memory).toEqual(expect.any(String));
    }
  });

  it('runs as the image user, non-root, on a read-only root with DATA_DIR on a volume', () => {
    const user = /^USER (\d+):(\d+)$/m.exec(containerfile);
    const dataDir = /DATA_DIR=(\S+)/.exec(containerfile)?.[1];
    for (const pod of [deployment.spec?.template.spec, jobPod]) {
      expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(user?.[1]), runAsGroup: Number(user?.[2]) });
      const container = pod?.containers[0];
      expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container?.volumeMounts?.map((mount) => mount.mountPath)).toContain(dataDir);
    }
  });

  it('stops within the grace period: SHUTDOWN_TIMEOUT_MS and the preStop pause fit before the kill', () => {
    const grace = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const pause = Number(server?.lifecycle?.preStop?.exec?.command?.at(-1)) * 1000;
    expect(Number(environment.SHUTDOWN_TIMEOUT_MS) + pause).toBeLessThan(grace);
  });

  it('migrates in a Job with the same image and settings, before and beside the replicas', () => {
    const migrate = jobPod?.containers[0];
    expect(migrate?.args).toEqual(['migrate']);
    expect(migrate?.image).toBe(server?.image);
    expect(migrate?.envFrom).toEqual(server?.envFrom);
    expect(jobPod?.restartPolicy).toBe('Never');
  });

  it('keeps DATABASE_URL, FIREBREAK_SECRET_KEY and the channel tokens in the Secret, and refuses to start on its placeholders', () => {
    const secret = find(Secret).stringData ?? {};
    for (const key of ['DATABASE_URL', 'FIREBREAK_SECRET_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PAGERDUTY_ROUTING_KEY']) {
      expect(Object.keys(secret)).toContain(key);
      expect(Object.keys(find(ConfigMap).data ?? {})).not.toContain(key);
    }
    const refs = [server?.envFrom, jobPod?.containers[0]?.envFrom].flatMap((from) => from ?? []);
    expect(refs.map((ref) => ref.secretRef?.name ?? ref.configMapRef?.name)).toEqual(['firebreak', 'firebreak', 'firebreak', 'firebreak']);
    // The placeholder key is not a key: a Secret applied unchanged fails loudly at start.
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    const filled = { ...environment, FIREBREAK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(loadConfig(filled).DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(loadConfig(filled).SLACK_BOT_TOKEN).toBeUndefined();
  });
});
