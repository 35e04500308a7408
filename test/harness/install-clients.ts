import { webhookFixture } from './alert-fixtures.ts';

/** Sends one request with some token (JSON body when given). */
export type TokenRequest = (method: string, path: string, json?: unknown) => Promise<Response>;

/** The install's API as an admin and as an ingest token (alerts come in through the latter). */
export interface InstallClients {
  admin: TokenRequest;
  ingest: TokenRequest;
}

/** The clients of a test service: its admin token and a new ingest token. */
export async function testInstallClients(firebreak: {
  request(method: string, path: string, options?: { token?: string | null; json?: unknown }): Promise<Response>;
  tokenFor(role: 'ingest', name?: string, options?: { service?: boolean }): Promise<string>;
}): Promise<InstallClients> {
  const ingestToken = await firebreak.tokenFor('ingest', undefined, { service: true });
  return {
    admin: (method, path, json) => firebreak.request(method, path, { json }),
    ingest: (method, path, json) => firebreak.request(method, path, { json, token: ingestToken }),
  };
}

async function ok(response: Promise<Response>, what: string): Promise<unknown> {
  const answer = await response;
  if (!answer.ok) throw new Error(`${what}: HTTP ${answer.status} ${await answer.text()}`);
  return answer.json().catch(() => null);
}

/** An Alertmanager webhook delivery of `count` firing alerts for one service of its own (batch `index`). */
export function alertBatch(index: number, count: number) {
  const template = webhookFixture('01-firing');
  const [first] = template.alerts;
  if (!first) throw new Error('fixture 01-firing has no alert');
  const service = `svc-${index}`;
  return {
    ...template,
    groupKey: `{}:{alertname="HighErrorRate", service="${service}"}`,
    groupLabels: { alertname: 'HighErrorRate', service },
    alerts: Array.from({ length: count }, (_, alert) => ({
      ...first,
      labels: { ...first.labels, service, instance: `api-${alert}:9100` },
      startsAt: new Date().toISOString(),
      fingerprint: `${index.toString(16).padStart(8, '0')}${alert.toString(16).padStart(8, '0')}`,
    })),
  };
}

/** Ingests a batch of alerts through the real webhook route. */
export function ingestAlerts(request: TokenRequest, index: number, count = 5): Promise<unknown> {
  return ok(request('POST', '/ingest/alertmanager', alertBatch(index, count)), `ingest batch ${index}`);
}

/**
 * Fills an install through its API the way people use it: alerts that open incidents, declared
 * incidents with notes (and the audit entries all of that writes).
 */
export async function populateInstall(clients: InstallClients, options: { batches: number; alertsPerBatch?: number; declared?: number }) {
  for (let index = 0; index < options.batches; index++) await ingestAlerts(clients.ingest, index, options.alertsPerBatch ?? 5);
  for (let index = 0; index < (options.declared ?? 3); index++) {
    const incident = (await ok(
      clients.admin('POST', '/api/incidents', { title: `Declared ${index}: checkout slow`, severity: 'sev2', services: ['checkout'] }),
      'declare',
    )) as { id: string };
    await ok(clients.admin('POST', `/api/incidents/${incident.id}/notes`, { text: `Note on ${index}: rolled back v${index}` }), 'note');
  }
}
