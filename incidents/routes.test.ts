import { expect } from 'vitest';
import type { TestFirebreak } from '../test/harness/app.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { completePhaseChecklist, personContext } from '../test/harness/incidents.ts';

interface ErrorBody {
  error: { code: string; message: string };
}
interface IncidentBody {
  id: string;
  reference: string;
  phase: string;
  severity: string;
  version: number;
  acknowledgedAt: string | null;
}

describeOnBackends('incident lifecycle routes', () => {
  async function declare(firebreak: TestFirebreak, json: Record<string, unknown> = {}): Promise<IncidentBody> {
    const response = await firebreak.request('POST', '/api/incidents', {
      json: { title: 'Payments failing', severity: 'sev2', services: ['payments'], ...json },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as IncidentBody;
  }

  async function timelineTypes(firebreak: TestFirebreak, reference: string): Promise<string[]> {
    const body = (await (await firebreak.request('GET', `/api/incidents/${reference}/timeline?limit=1000`)).json()) as {
      events: { type: string }[];
    };
    return body.events.map((event) => event.type);
  }

  async function readyToLeavePreparation(firebreak: TestFirebreak, incident: IncidentBody): Promise<number> {
    const assigned = await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, {
      json: { role: 'commander', name: 'Ana' },
    });
    expect(assigned.status).toBe(200);
    await completePhaseChecklist(personContext(firebreak, 'commander', 'Ana'), incident.id, 'preparation');
    const current = await firebreak.request('GET', `/api/incidents/${incident.reference}`);
    return Number(JSON.parse(current.headers.get('etag') ?? '0'));
  }

  it('serves an incident by reference with its version as ETag, commander and figures', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, { json: { role: 'commander', name: 'Ana' } });
    const response = await firebreak.request('GET', `/api/incidents/${incident.reference}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      reference: incident.reference,
      version: 2,
      commander: { name: 'Ana' },
      figures: { timeToAcknowledgeSeconds: null },
      currentChecklist: { phase: 'preparation', done: 0, total: 4 },
      nextPhase: 'identification',
      blockers: ['4 open checklist items'],
      rca: null,
      actionItems: { open: 0, overdue: 0, total: 0 },
    });
    // If-Match: * means "whatever the current version is".
    expect(
      (
        await firebreak.request('POST', `/api/incidents/${incident.reference}/severity`, {
          json: { severity: 'sev1' },
          headers: { 'if-match': '*' },
        })
      ).status,
    ).toBe(200);
  });

  it('pages through the incident list with a cursor, each incident once, newest first', async ({ firebreak }) => {
    const declared: string[] = [];
    for (let index = 0; index < 5; index++) declared.push((await declare(firebreak, { title: `Incident ${index}` })).reference);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/incidents?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await firebreak.request('GET', url)).json()) as {
        incidents: { reference: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.incidents.map((incident) => incident.reference));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...declared].reverse());
    const forged = Buffer.from(JSON.stringify({ createdAt: new Date().toISOString(), id: 'x' })).toString('base64url');
    const bad = await firebreak.request('GET', `/api/incidents?cursor=${forged}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.message).toContain('cursor');
  });

  it('acknowledges once: the second acknowledgement changes nothing and adds no event', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const first = await firebreak.request('POST', `/api/incidents/${incident.reference}/acknowledge`, { json: { via: 'web' } });
    expect(first.status).toBe(200);
    const acknowledged = (await first.json()) as IncidentBody;
    expect(acknowledged.acknowledgedAt).not.toBeNull();
    const second = (await (
      await firebreak.request('POST', `/api/incidents/${incident.reference}/acknowledge`, { json: {} })
    ).json()) as IncidentBody;
    expect(second.acknowledgedAt).toBe(acknowledged.acknowledgedAt);
    expect(second.version).toBe(acknowledged.version);
    expect((await timelineTypes(firebreak, incident.reference)).filter((type) => type === 'incident.acknowledged')).toHaveLength(1);
  });

  it('moves phases with If-Match and answers a stale If-Match with 409 stale_version', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const version = await readyToLeavePreparation(firebreak, incident);
    const stale = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
      json: { to: 'identification' },
      headers: { 'if-match': `"${version - 1}"` },
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.code).toBe('stale_version');
    const moved = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
      json: { to: 'identification' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe(`"${version + 1}"`);
    expect(((await moved.json()) as IncidentBody).phase).toBe('identification');
  });

  it('lets one of two concurrent writes at the same version win and answers the other 409', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const version = await readyToLeavePreparation(firebreak, incident);
    const [a, b] = await Promise.all([
      firebreak.request('POST', `/api/incidents/${incident.reference}/severity`, { json: { severity: 'sev1', expectedVersion: version } }),
      firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
        json: { to: 'identification' },
        headers: { 'if-match': String(version) },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const types = await timelineTypes(firebreak, incident.reference);
    expect(types.filter((type) => type === 'severity.changed' || type === 'phase.changed')).toHaveLength(1);
  });

  it('explains refused transitions: open checklist items, skipped phases, missing reasons', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, { json: { role: 'commander', name: 'Ana' } });
    const open = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, { json: { to: 'identification' } });
    expect(open.status).toBe(409);
    const openBody = (await open.json()) as ErrorBody & { error: { details: { openItems: unknown[] } } };
    expect(openBody.error.code).toBe('checklist_incomplete');
    expect(openBody.error.details.openItems.length).toBeGreaterThan(0);
    const skip = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
      json: { to: 'recovery', override: true, reason: 'x' },
    });
    expect(((await skip.json()) as ErrorBody).error.code).toBe('invalid_transition');
    const noReason = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
      json: { to: 'identification', override: true },
    });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as ErrorBody).error.message).toMatch(/reason: an override needs a reason/);
    const overridden = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, {
      json: { to: 'identification', override: true, reason: 'Customers down' },
    });
    expect(overridden.status).toBe(200);
    const back = await firebreak.request('POST', `/api/incidents/${incident.reference}/phase`, { json: { to: 'preparation' } });
    expect(back.status).toBe(400);
    expect(((await back.json()) as ErrorBody).error.code).toBe('reason_required');
  });

  it('answers bad input with 400 naming the field, and stores nothing', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const before = await timelineTypes(firebreak, incident.reference);
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', 'phase', { to: 'containmentt' }, /to:/],
      ['POST', 'severity', { severity: 'sev9' }, /severity:/],
      ['POST', 'roles', { role: 'boss', name: 'x' }, /role:/],
      ['POST', 'roles', { role: 'scribe', name: '' }, /name:/],
      ['POST', 'roles', { role: 'scribe', name: 'x', userId: 'not-a-uuid' }, /userId:/],
      ['POST', 'notes', { text: '   ' }, /text:/],
      ['POST', 'acknowledge', { via: 'carrier pigeon' }, /via:/],
      ['POST', 'action-items', { title: 'Fix', ownerName: 'Bo', dueAt: 'next tuesday' }, /dueAt:/],
      ['PUT', 'rca', { fiveWhys: [{ question: 'Why?' }] }, /fiveWhys\.0\.answer:/],
      ['PUT', 'rca', { rootCause: 'typo in field name' }, /rootCause/],
      ['POST', 'notes', { text: 'nul \u0000 here' }, /text: contains U\+0000/],
      ['POST', 'notes', { text: 'half \ud800 a pair' }, /text: is not valid Unicode/],
      ['POST', 'roles', { role: 'scribe', name: 'x\u0000' }, /name: contains U\+0000/],
    ];
    for (const [method, path, json, message] of cases) {
      const response = await firebreak.request(method, `/api/incidents/${incident.reference}/${path}`, { json });
      expect(response.status, `${method} ${path} ${JSON.stringify(json)}`).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(message);
    }
    const badIfMatch = await firebreak.request('POST', `/api/incidents/${incident.reference}/severity`, {
      json: { severity: 'sev1' },
      headers: { 'if-match': 'yesterday' },
    });
    expect(badIfMatch.status).toBe(400);
    const disagreeing = await firebreak.request('POST', `/api/incidents/${incident.reference}/severity`, {
      json: { severity: 'sev1', expectedVersion: 1 },
      headers: { 'if-match': '"2"' },
    });
    expect(disagreeing.status).toBe(400);
    const notJson = await firebreak.request('POST', `/api/incidents/${incident.reference}/notes`, {
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);
    expect(await timelineTypes(firebreak, incident.reference)).toEqual(before);
    expect((await firebreak.request('POST', '/api/incidents/INC-99999/acknowledge', { json: {} })).status).toBe(404);
    const nulTitle = await firebreak.request('POST', '/api/incidents', { json: { title: 'x\u0000', severity: 'sev2' } });
    expect(nulTitle.status).toBe(400);
    expect(((await nulTitle.json()) as ErrorBody).error.message).toMatch(/title: contains U\+0000/);
    const nulLabel = await firebreak.request('POST', '/api/incidents', { json: { title: 'x', severity: 'sev2', services: ['a\u0000'] } });
    expect(nulLabel.status).toBe(400);
    const surrogateTitle = await firebreak.request('PATCH', `/api/incidents/${incident.reference}`, { json: { title: 'a\udc00' } });
    expect(surrogateTitle.status).toBe(400);
    expect(((await surrogateTitle.json()) as ErrorBody).error.message).toMatch(/title: is not valid Unicode/);
    expect(((await nulLabel.json()) as ErrorBody).error.message).toMatch(/services\.0: contains U\+0000/);
  });

  it('refuses callers without the permission (403 naming it) and without credentials (401)', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const viewer = await firebreak.tokenFor('viewer');
    const responder = await firebreak.tokenFor('responder');
    const refused: [string, string, string, unknown][] = [
      [viewer, 'acknowledge', 'incidents:acknowledge', {}],
      [viewer, 'notes', 'incidents:note', { text: 'hi' }],
      [responder, 'phase', 'incidents:transition', { to: 'identification', override: true, reason: 'x' }],
      [responder, 'severity', 'incidents:update', { severity: 'sev1' }],
      [responder, 'roles', 'incidents:assign', { role: 'scribe', name: 'x' }],
      [responder, 'rca/approve', 'rca:approve', {}],
      [viewer, 'rca', 'rca:write', { summary: 'x' }],
      [responder, 'close', 'incidents:transition', {}],
      [viewer, 'action-items', 'rca:write', { title: 'x', ownerName: 'y' }],
      [viewer, 'checklist', 'incidents:checklist', { phase: 'recovery', text: 'x' }],
    ];
    for (const [token, path, permission, json] of refused) {
      const response = await firebreak.request(path === 'rca' ? 'PUT' : 'POST', `/api/incidents/${incident.reference}/${path}`, {
        token,
        json,
      });
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as ErrorBody).error.message).toContain(permission);
    }
    const playbook = await firebreak.request('PUT', '/api/playbooks/default', {
      token: await firebreak.tokenFor('commander'),
      json: { checklists: {} },
    });
    expect(playbook.status).toBe(403);
    expect((await firebreak.request('POST', `/api/incidents/${incident.reference}/acknowledge`, { token: null, json: {} })).status).toBe(
      401,
    );
    expect((await firebreak.request('GET', `/api/incidents/${incident.reference}/report`, { token: null })).status).toBe(401);
    // A responder may acknowledge, write notes and tick checklist items.
    expect(
      (await firebreak.request('POST', `/api/incidents/${incident.reference}/acknowledge`, { token: responder, json: {} })).status,
    ).toBe(200);
    expect(
      (await firebreak.request('POST', `/api/incidents/${incident.reference}/notes`, { token: responder, json: { text: 'on it' } })).status,
    ).toBe(201);
  });

  it('hands roles over and keeps exactly one commander', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, { json: { role: 'commander', name: 'Ana' } });
    const handed = await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, {
      json: { role: 'commander', name: 'Bo' },
    });
    const body = (await handed.json()) as { roles: { role: string; name: string }[] };
    expect(body.roles.filter((holder) => holder.role === 'commander')).toEqual([expect.objectContaining({ name: 'Bo' })]);
    await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, { json: { role: 'responder', name: 'Cy' } });
    await firebreak.request('POST', `/api/incidents/${incident.reference}/roles`, { json: { role: 'responder', name: 'Di' } });
    const release = await firebreak.request('POST', `/api/incidents/${incident.reference}/roles/release`, { json: { role: 'commander' } });
    expect(release.status).toBe(409);
    expect(
      (await firebreak.request('POST', `/api/incidents/${incident.reference}/roles/release`, { json: { role: 'responder' } })).status,
    ).toBe(400);
    expect(
      (
        await firebreak.request('POST', `/api/incidents/${incident.reference}/roles/release`, {
          json: { role: 'responder', name: 'Nobody' },
        })
      ).status,
    ).toBe(404);
    const released = await firebreak.request('POST', `/api/incidents/${incident.reference}/roles/release`, {
      json: { role: 'responder', name: 'Cy' },
    });
    const after = (await released.json()) as { roles: { role: string; name: string }[] };
    expect(after.roles.map((holder) => `${holder.role}:${holder.name}`)).toEqual(['commander:Bo', 'responder:Di']);
    const types = await timelineTypes(firebreak, incident.reference);
    expect(types.filter((type) => type.startsWith('role.'))).toEqual([
      'role.assigned',
      'role.handed_over',
      'role.assigned',
      'role.assigned',
      'role.released',
    ]);
  });

  it('exports the incident report in Markdown and JSON', async ({ firebreak }) => {
    const incident = await declare(firebreak, { title: 'Card | payments down', summary: 'Card payments fail with 502.' });
    await firebreak.request('POST', `/api/incidents/${incident.reference}/notes`, { json: { text: 'Rolled back deploy 4711' } });
    await firebreak.request('POST', `/api/incidents/${incident.reference}/action-items`, {
      json: { title: 'Add canary for payments', ownerName: 'Bo', dueAt: '2030-01-01T00:00:00Z' },
    });
    const markdown = await firebreak.request('GET', `/api/incidents/${incident.reference}/report`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    const text = await markdown.text();
    expect(text).toContain(`# ${incident.reference}: Card | payments down`);
    expect(text).toContain('Card payments fail with 502.');
    expect(text).toMatch(/\| detected \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \|/);
    expect(text).toContain('Note: Rolled back deploy 4711');
    expect(text).toContain('| Add canary for payments | Bo | 2030-01-01 00:00:00 UTC | open |');
    expect(text).toContain('- [ ] Runbook found and linked');
    const json = await firebreak.request('GET', `/api/incidents/${incident.reference}/report?format=json`);
    const report = (await json.json()) as {
      reference: string;
      incident: { title: string };
      timeline: { type: string }[];
      actionItems: unknown[];
      checklists: unknown[];
    };
    expect(report.reference).toBe(incident.reference);
    expect(report.incident.title).toBe('Card | payments down');
    expect(report.timeline.map((event) => event.type)).toEqual(['incident.opened', 'note.added', 'action_item.created']);
    expect(report.actionItems).toHaveLength(1);
    expect((await firebreak.request('GET', `/api/incidents/${incident.reference}/report?format=pdf`)).status).toBe(400);
  });

  it('reports figures and open incidents through the API and /metrics', async ({ firebreak }) => {
    const first = await declare(firebreak, { severity: 'sev1', startedAt: new Date(Date.now() - 120_000).toISOString() });
    await declare(firebreak, { severity: 'sev3' });
    await firebreak.request('POST', `/api/incidents/${first.reference}/acknowledge`, { json: {} });
    const figures = (await (await firebreak.request('GET', '/api/incidents/figures')).json()) as {
      incidents: number;
      figures: { detect: { count: number; meanSeconds: number }; acknowledge: { count: number } };
      open: { phase: string; severity: string; count: number }[];
    };
    expect(figures.incidents).toBe(2);
    expect(figures.figures.detect.count).toBe(2);
    expect(figures.figures.detect.meanSeconds).toBeGreaterThanOrEqual(59);
    expect(figures.figures.acknowledge.count).toBe(1);
    expect(figures.open).toEqual(
      expect.arrayContaining([
        { phase: 'preparation', severity: 'sev1', count: 1 },
        { phase: 'preparation', severity: 'sev3', count: 1 },
      ]),
    );
    const metrics = await (await firebreak.request('GET', '/metrics')).text();
    expect(metrics).toContain('firebreak_incidents_open{phase="preparation",severity="sev1"} 1');
    expect(metrics).toContain('firebreak_incidents_open{phase="recovery",severity="sev2"} 0');
    expect(metrics).toMatch(/firebreak_incident_response_seconds\{figure="detect",statistic="mean"\} \d+/);
    expect((await firebreak.request('GET', '/api/incidents/figures?since=yesterday')).status).toBe(400);
  });

  it('corrects title and services with PATCH, keeping the earlier values in the timeline', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const edited = await firebreak.request('PATCH', `/api/incidents/${incident.reference}`, {
      json: { title: 'Payments and refunds failing', services: ['payments', 'refunds', 'payments'] },
      headers: { 'if-match': `"${incident.version}"` },
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({
      title: 'Payments and refunds failing',
      services: ['payments', 'refunds'],
      version: incident.version + 1,
    });
    const stale = await firebreak.request('PATCH', `/api/incidents/${incident.reference}`, {
      json: { summary: 'x' },
      headers: { 'if-match': `"${incident.version}"` },
    });
    expect(stale.status).toBe(409);
    expect((await firebreak.request('PATCH', `/api/incidents/${incident.reference}`, { json: { severity: 'sev1' } })).status).toBe(400);
    const timeline = (await (await firebreak.request('GET', `/api/incidents/${incident.reference}/timeline`)).json()) as {
      events: { type: string; data: Record<string, unknown> }[];
    };
    expect(timeline.events.at(-1)).toMatchObject({
      type: 'incident.updated',
      data: { changes: { title: { from: 'Payments failing', to: 'Payments and refunds failing' } } },
    });
    expect(
      (
        await firebreak.request('PATCH', `/api/incidents/${incident.reference}`, {
          token: await firebreak.tokenFor('responder'),
          json: { summary: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('records evidence with its hash on the timeline and in the report', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const sha256 = 'A'.repeat(64);
    const added = await firebreak.request('POST', `/api/incidents/${incident.reference}/evidence`, {
      json: {
        title: 'auth.log export from db-2',
        url: 'https://evidence.example/db-2/auth.log',
        sha256,
        collectedAt: '2026-01-02T03:04:05Z',
      },
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      type: 'evidence.added',
      occurredAt: '2026-01-02T03:04:05.000Z',
      data: { sha256: 'a'.repeat(64) },
    });
    expect(
      (await firebreak.request('POST', `/api/incidents/${incident.reference}/evidence`, { json: { title: 'x', sha256: 'abc' } })).status,
    ).toBe(400);
    const report = await (await firebreak.request('GET', `/api/incidents/${incident.reference}/report`)).text();
    expect(report).toContain(`Evidence: auth.log export from db-2 <https://evidence.example/db-2/auth.log> sha256 ${'a'.repeat(64)}`);
  });

  it('describes the lifecycle routes in /openapi.json', async ({ firebreak }) => {
    const spec = (await (await firebreak.request('GET', '/openapi.json', { token: null })).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    for (const [path, method] of [
      ['/api/incidents/{id}/phase', 'post'],
      ['/api/incidents/{id}/acknowledge', 'post'],
      ['/api/incidents/{id}/severity', 'post'],
      ['/api/incidents/{id}/roles', 'post'],
      ['/api/incidents/{id}/notes', 'post'],
      ['/api/incidents/{id}/rca', 'put'],
      ['/api/incidents/{id}/action-items', 'post'],
      ['/api/playbooks/services/{service}', 'put'],
    ] as const) {
      expect(spec.paths[path]?.[method]?.requestBody, `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys((spec.paths['/api/incidents/{id}/phase']?.post as { responses?: object } | undefined)?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '403', '409']),
    );
    for (const path of [
      '/api/incidents/figures',
      '/api/incidents/{id}/report',
      '/api/incidents/{id}/checklist',
      '/api/incidents/{id}/close',
      '/api/incidents/{id}/rca/approve',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
  });
});
