import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { systemContext } from '../../platform/index.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareIncident } from '../declare-incident.ts';
import { assignRole } from '../roles/assign-role.ts';
import { transitionPhase } from '../transition-phase.ts';
import { getBreachStatus } from './get-breach-status.ts';
import { applyRegime } from './obligations/apply-regime.ts';

async function regimesFile(content: unknown): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'firebreak-regimes-')), 'regimes.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const partnerRegime = {
  id: 'partner-dpa',
  name: 'Partner data processing agreement',
  timeZone: 'Europe/Lisbon',
  obligations: [
    {
      key: 'controller_notice',
      title: 'Tell the controller',
      recipient: 'controller',
      deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 36, unit: 'hours' } }] },
    },
  ],
};

describeOnBackends('breach setup', (backend) => {
  it('loads operator regimes from BREACH_REGIMES_FILE, read-only through the API', async () => {
    const firebreak = await createTestFirebreak(backend, { BREACH_REGIMES_FILE: await regimesFile({ regimes: [partnerRegime] }) });
    try {
      const response = await firebreak.request('GET', '/api/regimes/partner-dpa');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: 'partner-dpa', source: 'file', timeZone: 'Europe/Lisbon' });
      const change = await firebreak.request('PUT', '/api/regimes/partner-dpa', { json: partnerRegime });
      expect(change.status).toBe(409);
      const evaluation = (await (
        await firebreak.request('POST', '/api/regimes/partner-dpa/evaluate', { json: { anchors: { awareAt: '2026-10-24T12:00:00Z' } } })
      ).json()) as { obligations: { dueLocal: string }[] };
      // Lisbon leaves summer time on 25 October 2026: 13:00 WEST plus 36 elapsed hours is midnight WET.
      expect(evaluation.obligations[0]?.dueLocal).toBe('2026-10-26T00:00:00.000+00:00');
    } finally {
      await firebreak.close();
    }
  });

  it('refuses to start with a regimes file that does not validate, naming the problem', async () => {
    const broken = {
      regimes: [
        {
          ...partnerRegime,
          obligations: [
            { ...partnerRegime.obligations[0], deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 36, unit: 'weeks' } }] } },
          ],
        },
      ],
    };
    await expect(createTestFirebreak(backend, { BREACH_REGIMES_FILE: await regimesFile(broken) })).rejects.toThrow(
      /BREACH_REGIMES_FILE .*obligations\.0\.deadline\.earliestOf\.0\.offset\.unit/,
    );
    await expect(createTestFirebreak(backend, { BREACH_REGIMES_FILE: await regimesFile('{ not json') })).rejects.toThrow(
      /BREACH_REGIMES_FILE/,
    );
    await expect(
      createTestFirebreak(backend, { BREACH_REGIMES_FILE: await regimesFile({ regimes: [{ ...partnerRegime, id: 'gdpr' }] }) }),
    ).rejects.toThrow(/built in/);
  });

  it('starts the clocks that wait for identification in the same transaction as the move into identification', async ({ firebreak }) => {
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    const incident = await declareIncident(ctx, { title: 'Suspicious export job', severity: 'sev2' });
    await applyRegime(ctx, incident.id, { regimeId: 'contract-24h' });
    expect((await getBreachStatus(firebreak.database.db, incident.id)).obligations[0]?.dueAt).toBeNull();
    await assignRole(ctx, incident.id, { role: 'commander', name: 'Ana Commander' });
    const identified = await transitionPhase(ctx, incident.id, {
      to: 'identification',
      override: true,
      reason: 'Straight to identification in the test.',
    });
    expect(identified.identifiedAt).not.toBeNull();
    // No job runs in between: the clocks start in the transaction that records the milestone.
    const obligation = (await getBreachStatus(firebreak.database.db, incident.id)).obligations[0];
    expect(obligation?.dueAt?.toISOString()).toBe(new Date((identified.identifiedAt?.getTime() ?? 0) + 24 * 3_600_000).toISOString());
    expect(obligation?.nextWarning?.point).toBe('p50');
  });
});
