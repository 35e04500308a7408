import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { alertFingerprint } from '../incidents/index.ts';
import { queryRows } from '../platform/index.ts';
import { prometheusFixture, shiftedToNow, webhookFixture } from './harness/alert-fixtures.ts';
import type { TestFirebreak } from './harness/app.ts';
import { createTestFirebreak } from './harness/app.ts';
import { describeOnBackends, it } from './harness/fixtures.ts';

const CARD = '4111 1111 1111 1111';
const TOKEN = 'mF_9.B5f-4.1JqM3xZ8rT2';
const SSN = '123-45-6789';
const SECRETS = ['4111', 'mF_9.B5f', '123-45-6789', 'hunter2', 'AKIAIOSFODNN7EXAMPLE', 'EMP-'];

const rulesFile = path.join(tmpdir(), `redaction-rules-${process.pid}.yaml`);
writeFileSync(rulesFile, "rules:\n  - name: employee_id\n    pattern: 'EMP-[0-9]{6}'\n    keywords: ['emp-']\n");

/** Every stored text of the tables that hold what alerts and spans carried. */
async function storedText(firebreak: TestFirebreak): Promise<string> {
  const rows = await queryRows<{ text: string }>(
    firebreak.database.db,
    sql`select labels::text || annotations::text || fingerprint as text from alerts
        union all select data::text from timeline_events
        union all select attributes::text || resource::text || status_message || coalesce(exception_message, '') || coalesce(exception_stacktrace, '') from error_spans`,
  );
  return rows.map((row) => row.text).join('\n');
}

async function redactionCount(firebreak: TestFirebreak, rule: string, source: string): Promise<number> {
  const text = await (await firebreak.request('GET', '/metrics')).text();
  const line = text.split('\n').find((row) => row.startsWith(`firebreak_redactions_total{rule="${rule}",source="${source}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

function webhookWithSecrets() {
  const delivery = webhookFixture('01-firing');
  const [first] = delivery.alerts;
  if (!first) throw new Error('the fixture has alerts');
  first.annotations.description = `Payment for card ${CARD} was declined by the acquirer`;
  first.labels.upstream_auth = `Bearer ${TOKEN}`;
  first.annotations.runbook_note = 'ask EMP-123456 (on call)';
  return delivery;
}

describeOnBackends('redaction at ingest', () => {
  it.override({ firebreakEnv: { REDACTION_RULES_FILE: rulesFile } });

  it('stores an Alertmanager webhook alert without its card number or bearer token, with a stable fingerprint', async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const cardsBefore = await redactionCount(firebreak, 'card', 'alert_annotation');
    const bearersBefore = await redactionCount(firebreak, 'bearer', 'alert_label');
    for (let delivery = 0; delivery < 2; delivery++) {
      const response = await firebreak.request('POST', '/ingest/alertmanager', { token: ingest, json: webhookWithSecrets() });
      expect(response.status).toBe(200);
    }
    const stored = await storedText(firebreak);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);

    const rows = await queryRows<{ fingerprint: string; labels: Record<string, string>; annotations: Record<string, string> }>(
      firebreak.database.db,
      sql`select fingerprint, labels, annotations from alerts where labels ? 'upstream_auth'`,
    );
    // The refresh updated the one row: the fingerprint of the redacted labels is the same each time.
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.labels.upstream_auth).toBe('Bearer [REDACTED:bearer]');
    expect(row?.annotations.description).toBe('Payment for card [REDACTED:card] was declined by the acquirer');
    expect(row?.annotations.runbook_note).toBe('ask [REDACTED:employee_id] (on call)');
    expect(row?.fingerprint).toBe(alertFingerprint(row?.labels ?? {}));

    expect((await redactionCount(firebreak, 'card', 'alert_annotation')) - cardsBefore).toBe(2);
    expect((await redactionCount(firebreak, 'bearer', 'alert_label')) - bearersBefore).toBe(2);
  });

  it('stores Alertmanager API v2 alerts without SSNs, Authorization values or secrets', async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const batch = shiftedToNow(prometheusFixture('01-firing'), '2026-11-21T04:16:30Z');
    const [first] = batch;
    if (!first) throw new Error('the fixture has alerts');
    first.annotations.summary = `Refund for customer SSN ${SSN} failed`;
    first.labels.request = `Authorization: Bearer ${TOKEN}`;
    first.annotations.debug = 'retrying with password=hunter2 and key AKIAIOSFODNN7EXAMPLE';
    const response = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: batch });
    expect(response.status).toBe(200);

    const stored = await storedText(firebreak);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    const [row] = await queryRows<{ labels: Record<string, string>; annotations: Record<string, string> }>(
      firebreak.database.db,
      sql`select labels, annotations from alerts where labels ? 'request'`,
    );
    expect(row?.labels.request).toBe('Authorization: [REDACTED:authorization]');
    expect(row?.annotations.summary).toBe('Refund for customer SSN [REDACTED:ssn] failed');
    expect(row?.annotations.debug).toBe('retrying with password=[REDACTED:secret_pair] and key [REDACTED:aws_access_key]');
    // What the API answers is what was stored.
    const listed = await (await firebreak.request('GET', '/api/alerts')).text();
    for (const secret of SECRETS) expect(listed).not.toContain(secret);
  });

  it('stores OTLP error spans without secrets in attributes, exception events or status message', async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const traces = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'otlp', 'traces-01.json'), 'utf8'));
    const spans = traces.resourceSpans[0].scopeSpans[0].spans as {
      status?: { code: number; message?: string };
      attributes: { key: string; value: { stringValue: string } }[];
      events: { attributes: { key: string; value: { stringValue: string } }[] }[];
    }[];
    const failed = spans.find((span) => span.status?.code === 2);
    if (!failed) throw new Error('the fixture has an error span');
    failed.attributes.push(
      { key: 'http.request.header.authorization', value: { stringValue: `Bearer ${TOKEN}` } },
      { key: 'payment.note', value: { stringValue: `card ${CARD} declined` } },
    );
    const exception = failed.events[0]?.attributes.find((attribute) => attribute.key === 'exception.message');
    if (exception) exception.value.stringValue = `lookup failed for SSN ${SSN}`;
    failed.status = { code: 2, message: 'login as admin with password=hunter2 refused' };
    const spansBefore = await redactionCount(firebreak, 'ssn', 'span_event');

    const response = await firebreak.request('POST', '/v1/traces', {
      token: ingest,
      body: JSON.stringify(traces),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    await firebreak.scheduler.runJob('slo-evaluation', new Date());

    const [row] = await queryRows<{ attributes: Record<string, string>; status_message: string; exception_message: string }>(
      firebreak.database.db,
      sql`select attributes, status_message, exception_message from error_spans where span_name = 'SELECT orders'`,
    );
    expect(row?.attributes['http.request.header.authorization']).toBe('[REDACTED:authorization]');
    expect(row?.attributes['payment.note']).toBe('card [REDACTED:card] declined');
    expect(row?.exception_message).toBe('lookup failed for SSN [REDACTED:ssn]');
    expect(row?.status_message).toBe('login as admin with password=[REDACTED:secret_pair] refused');
    const stored = await storedText(firebreak);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    expect((await redactionCount(firebreak, 'ssn', 'span_event')) - spansBefore).toBe(1);
  });

  it('refuses to start with a rules file whose pattern does not compile, naming the rule', async ({ backend }) => {
    const bad = path.join(tmpdir(), `redaction-bad-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ rules: [{ name: 'order_ref', pattern: 'ORD-(\\d+' }] }));
    await expect(createTestFirebreak(backend, { REDACTION_RULES_FILE: bad })).rejects.toThrow(
      /REDACTION_RULES_FILE \(.*\): rule "order_ref": invalid RE2 pattern/,
    );
  });
});
