import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

interface ChecklistBody {
  checklists: { phase: string; items: { text: string; source: string }[] }[];
}

describeOnBackends('playbooks', (backend) => {
  async function checklistOf(app: TestFirebreak, services: string[]): Promise<Record<string, string[]>> {
    const declared = await app.request('POST', '/api/incidents', { json: { title: 'x', severity: 'sev3', services } });
    const { reference } = (await declared.json()) as { reference: string };
    const body = (await (await app.request('GET', `/api/incidents/${reference}/checklist`)).json()) as ChecklistBody;
    return Object.fromEntries(
      body.checklists.map((checklist) => [checklist.phase, checklist.items.map((item) => `${item.source}: ${item.text}`)]),
    );
  }

  it('gives new incidents the default checklists plus those of their services, set through the API', async ({ firebreak }) => {
    const builtIn = await checklistOf(firebreak, ['payments']);
    expect(builtIn.preparation).toContain('default: Incident commander assigned');

    const putDefault = await firebreak.request('PUT', '/api/playbooks/default', {
      json: { checklists: { preparation: ['Commander named', 'War room open'], containment: ['Traffic drained'] } },
    });
    expect(putDefault.status).toBe(200);
    const putService = await firebreak.request('PUT', '/api/playbooks/services/payments', {
      json: {
        checklists: { containment: ['Card processor failover done', 'traffic drained'] },
        runbookUrl: 'https://runbooks.example/payments',
      },
    });
    expect(putService.status).toBe(200);
    expect(await putService.json()).toMatchObject({ service: 'payments', version: 1, source: 'api' });

    const payments = await checklistOf(firebreak, ['payments']);
    expect(payments.preparation).toEqual(['default: Commander named', 'default: War room open']);
    // A service item that repeats a default one (case aside) is not added twice.
    expect(payments.containment).toEqual(['default: Traffic drained', 'payments: Card processor failover done']);
    expect(payments.identification).toEqual([]);
    const other = await checklistOf(firebreak, ['search']);
    expect(other.containment).toEqual(['default: Traffic drained']);

    const listed = (await (await firebreak.request('GET', '/api/playbooks')).json()) as {
      default: { source: string };
      services: { service: string; runbookUrl: string }[];
    };
    expect(listed.default.source).toBe('api');
    expect(listed.services).toEqual([expect.objectContaining({ service: 'payments', runbookUrl: 'https://runbooks.example/payments' })]);

    expect((await firebreak.request('DELETE', '/api/playbooks/services/payments')).status).toBe(200);
    expect((await firebreak.request('DELETE', '/api/playbooks/services/payments')).status).toBe(404);
    const audit = (await (await firebreak.request('GET', '/api/audit?action=incidents.playbook.put')).json()) as { entries: unknown[] };
    expect(audit.entries).toHaveLength(2);
  });

  it("adds a joining service's playbook items to the checklists still ahead", async ({ firebreak }) => {
    await firebreak.request('PUT', '/api/playbooks/services/db', {
      json: { checklists: { preparation: ['DBA paged'], recovery: ['Replication lag under 1 s'] } },
    });
    const declared = (await (
      await firebreak.request('POST', '/api/incidents', { json: { title: 'x', severity: 'sev3', services: ['api'] } })
    ).json()) as { reference: string };
    await firebreak.request('POST', `/api/incidents/${declared.reference}/roles`, { json: { role: 'commander', name: 'Ana' } });
    await firebreak.request('POST', `/api/incidents/${declared.reference}/phase`, {
      json: { to: 'identification', override: true, reason: 'fast' },
    });
    const edited = await firebreak.request('PATCH', `/api/incidents/${declared.reference}`, { json: { services: ['api', 'db'] } });
    expect(edited.status).toBe(200);
    const body = (await (await firebreak.request('GET', `/api/incidents/${declared.reference}/checklist`)).json()) as ChecklistBody;
    const texts = (phase: string) => body.checklists.find((checklist) => checklist.phase === phase)?.items.map((item) => item.text) ?? [];
    expect(texts('preparation')).not.toContain('DBA paged');
    expect(texts('recovery')).toContain('Replication lag under 1 s');
  });

  it('refuses a malformed playbook, naming the problem', async ({ firebreak }) => {
    const unknownPhase = await firebreak.request('PUT', '/api/playbooks/default', { json: { checklists: { triage: ['x'] } } });
    expect(unknownPhase.status).toBe(400);
    expect(((await unknownPhase.json()) as { error: { message: string } }).error.message).toMatch(/checklists/);
    const emptyItem = await firebreak.request('PUT', '/api/playbooks/default', { json: { checklists: { recovery: [''] } } });
    expect(emptyItem.status).toBe(400);
    const badUrl = await firebreak.request('PUT', '/api/playbooks/services/x', { json: { checklists: {}, runbookUrl: 'not a url' } });
    expect(badUrl.status).toBe(400);
  });

  it('applies PLAYBOOKS_FILE at start', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'playbooks-'));
    const file = path.join(folder, 'playbooks.json');
    await writeFile(
      file,
      JSON.stringify({
        default: { checklists: { preparation: ['Pager acknowledged'] } },
        services: { checkout: { checklists: { recovery: ['Synthetic checkout passes'] } } },
      }),
    );
    const firebreak = await createTestFirebreak(backend, { PLAYBOOKS_FILE: file });
    onTestFinished(() => firebreak.close());
    const checklist = await checklistOf(firebreak, ['checkout']);
    expect(checklist.preparation).toEqual(['default: Pager acknowledged']);
    expect(checklist.recovery).toEqual(['checkout: Synthetic checkout passes']);
    const listed = (await (await firebreak.request('GET', '/api/playbooks')).json()) as { default: { source: string } };
    expect(listed.default.source).toBe('file');
  });

  it('refuses to start with a bad PLAYBOOKS_FILE, naming the variable and the problem', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'playbooks-'));
    const file = path.join(folder, 'playbooks.json');
    await writeFile(file, JSON.stringify({ default: { checklists: { recovery: 'not a list' } } }));
    await expect(createTestFirebreak(backend, { PLAYBOOKS_FILE: file })).rejects.toThrow(/PLAYBOOKS_FILE .*checklists\.recovery/);
    await expect(createTestFirebreak(backend, { PLAYBOOKS_FILE: path.join(folder, 'missing.json') })).rejects.toThrow(
      /PLAYBOOKS_FILE .*cannot be read/,
    );
  });
});
