import { expect } from 'vitest';
import type { ActionContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it, test } from '../../test/harness/fixtures.ts';
import { advanceTo, completePhaseChecklist, declareCommandedIncident, personContext, timelineTypes } from '../../test/harness/incidents.ts';
import { approveRca, writeRca } from '../index.ts';
import { withdrawRegime } from './index.ts';

type Json = Record<string, unknown>;
interface Obligation {
  id: string;
  key: string;
  regimeId: string;
  status: string;
  state: string;
  effectiveDueAt: string | null;
  notApplicableReason: string | null;
}
interface Status {
  regimes: { id: string; automatic: boolean; withdrawnAt: string | null; withdrawalReason: string | null }[];
  obligations: Obligation[];
  notices: { id: string; recipients: { delivery: { status: string; lastError?: string | null } }[] }[];
}

async function json<T = Json>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function declare(firebreak: TestFirebreak, title = 'Customer export bucket readable'): Promise<{ id: string; reference: string }> {
  return json(await firebreak.request('POST', '/api/incidents', { json: { title, severity: 'sev1' } }), 201);
}

async function declareCommanded(ctx: ActionContext): Promise<{ id: string; reference: string }> {
  const incident = await declareCommandedIncident(ctx, { title: 'Customer export bucket readable', severity: 'sev1' });
  return { id: incident.id, reference: `INC-${incident.number}` };
}

const status = async (firebreak: TestFirebreak, reference: string) =>
  json<Status>(await firebreak.request('GET', `/api/incidents/${reference}/breach`), 200);

describeOnBackends('breach clocks that start by themselves', () => {
  it('applies BREACH_DEFAULT_REGIMES once when many mark the breach at the same moment', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    const commander = await firebreak.tokenFor('commander', 'Cora Commander');
    const marks = await Promise.all([
      ...Array.from({ length: 4 }, () =>
        firebreak.request('POST', `/api/incidents/${incident.reference}/breach/mark`, { token: commander, json: { suspected: true } }),
      ),
      firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, {
        token: commander,
        json: { facts: { personalData: true } },
      }),
    ]);
    expect(marks.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 201]);

    const breach = await status(firebreak, incident.reference);
    expect(breach.regimes.map((regime) => [regime.id, regime.automatic])).toEqual([
      ['contract-24h', true],
      ['contract-48h', true],
    ]);
    expect(breach.obligations.map((obligation) => obligation.regimeId).sort()).toEqual(['contract-24h', 'contract-48h']);
    const types = await timelineTypes(firebreak.database.db, incident.id);
    expect(types.filter((type) => type === 'breach.marked')).toHaveLength(1);
    expect(types.filter((type) => type === 'breach.regime_applied')).toHaveLength(2);

    // Marking again later changes nothing either.
    const again = await json<{ marked: boolean; regimesApplied: string[] }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/mark`, { token: commander, json: {} }),
      200,
    );
    expect(again).toMatchObject({ marked: false, regimesApplied: [] });
    expect((await status(firebreak, incident.reference)).obligations).toHaveLength(2);
  });

  it('starts the clocks from identification as soon as the incident reaches it', async ({ firebreak }) => {
    const commander = personContext(firebreak, 'commander', 'Cora Commander');
    const incident = await declareCommanded(commander);
    await json(await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/mark`, { json: {} }), 200);
    expect((await status(firebreak, incident.reference)).obligations.every((obligation) => obligation.effectiveDueAt === null)).toBe(true);
    await advanceTo(commander, incident.id, 'identification');
    const obligations = (await status(firebreak, incident.reference)).obligations;
    const hours = obligations
      .map((obligation) =>
        obligation.effectiveDueAt ? Math.round((Date.parse(obligation.effectiveDueAt) - Date.now()) / 3_600_000) : null,
      )
      .sort();
    expect(hours).toEqual([24, 48]);
  });

  it('withdraws a regime from one incident only with a reason, on the timeline', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    await json(await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/mark`, { json: {} }), 200);
    const path = `/api/incidents/${incident.reference}/breach/regimes/withdraw`;
    const missing = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('POST', path, { json: { regimeId: 'contract-48h' } }),
      400,
    );
    expect(missing.error.message).toMatch(/reason/);
    await json(await firebreak.request('POST', path, { json: { regimeId: 'contract-48h', reason: 'no' } }), 400);
    await expect(
      withdrawRegime(personContext(firebreak, 'commander', 'Cora'), incident.reference, { regimeId: 'contract-48h', reason: '' }),
    ).rejects.toThrow(/at least 10 characters/);

    const reason = 'The affected customers have no contract with a 48 h clause.';
    await json(await firebreak.request('POST', path, { json: { regimeId: 'contract-48h', reason } }), 200);
    const breach = await status(firebreak, incident.reference);
    expect(breach.regimes.find((regime) => regime.id === 'contract-48h')).toMatchObject({ withdrawalReason: reason });
    const withdrawn = breach.obligations.find((obligation) => obligation.regimeId === 'contract-48h');
    expect(withdrawn).toMatchObject({ status: 'not_applicable', notApplicableReason: `Regime withdrawn: ${reason}` });
    expect(breach.obligations.find((obligation) => obligation.regimeId === 'contract-24h')?.status).not.toBe('not_applicable');
    expect(await timelineTypes(firebreak.database.db, incident.id)).toContain('breach.regime_withdrawn');
    // Withdrawn once: a second withdrawal finds nothing to withdraw.
    await json(await firebreak.request('POST', path, { json: { regimeId: 'contract-48h', reason } }), 404);
  });
});

describeOnBackends('breach notices count when delivered', () => {
  test.override('firebreakEnv', ({ smtp }) => ({ SMTP_URL: smtp.url, BREACH_ORGANIZATION_NAME: 'Acme Cloud' }));

  /** A marked breach, identified an hour ago, with a drafted and approved notice for its 24 h obligation. */
  async function approvedNotice(firebreak: TestFirebreak) {
    const incident = await declare(firebreak);
    await json(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, {
        json: {
          anchors: {
            identifiedAt: new Date(Date.now() - 3_600_000).toISOString(),
            awareAt: new Date(Date.now() - 3_600_000).toISOString(),
          },
          facts: {
            personalData: true,
            natureOfBreach: 'An export of customer records was readable without a password.',
            dataCategories: ['names', 'e-mail addresses'],
            measuresTaken: 'We closed the bucket and rotated the keys.',
            likelyConsequences: 'Phishing e-mails that use your name.',
            contactPoint: 'security@acme.example',
          },
        },
      }),
      201,
    );
    const obligation = (await status(firebreak, incident.reference)).obligations.find((entry) => entry.regimeId === 'contract-24h');
    if (!obligation) throw new Error('no 24 h obligation');
    const drafter = await firebreak.tokenFor('commander', 'Dana Drafter');
    const notice = await json<{ id: string }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/notices`, {
        token: drafter,
        json: { obligationId: obligation.id, language: 'en', recipients: [{ name: 'Globex security', email: 'security@globex.example' }] },
      }),
      201,
    );
    const approver = await firebreak.tokenFor('commander', 'Alex Approver');
    await json(await firebreak.request('POST', `/api/breach/notices/${notice.id}/approve`, { token: approver, json: {} }), 200);
    return { incident, obligation, notice, drafter };
  }

  it('keeps the obligation open when the SMTP server refuses every message, and the compliance report says so', async ({
    firebreak,
    smtp,
  }) => {
    const { incident, obligation, notice, drafter } = await approvedNotice(firebreak);
    smtp.refuseNext(1000, 550);
    await json(await firebreak.request('POST', `/api/breach/notices/${notice.id}/send`, { token: drafter, json: {} }), 200);
    expect((await status(firebreak, incident.reference)).obligations.find((entry) => entry.id === obligation.id)?.status).toBe(
      'applicable',
    );
    await firebreak.notifier.worker.drain();

    const breach = await status(firebreak, incident.reference);
    expect(breach.obligations.find((entry) => entry.id === obligation.id)?.status).toBe('applicable');
    const delivery = breach.notices[0]?.recipients[0]?.delivery;
    expect(delivery).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/550|Mailbox unavailable/) });
    expect(await timelineTypes(firebreak.database.db, incident.id)).toContain('breach.notice_delivery_failed');

    const report = await json<{ obligations: { obligation: string; regime: string; outcome: string; submittedAt: string | null }[] }>(
      await firebreak.request('GET', `/api/breach/compliance?incident=${incident.reference}`),
      200,
    );
    expect(report.obligations.find((entry) => entry.regime === 'contract-24h')).toMatchObject({ outcome: 'open', submittedAt: null });
    expect(smtp.received).toHaveLength(0);
  });

  it('submits the obligation when the e-mail is delivered, at the time it was delivered', async ({ firebreak, smtp }) => {
    const { incident, obligation, notice, drafter } = await approvedNotice(firebreak);
    await json(await firebreak.request('POST', `/api/breach/notices/${notice.id}/send`, { token: drafter, json: {} }), 200);
    expect((await status(firebreak, incident.reference)).obligations.find((entry) => entry.id === obligation.id)?.status).toBe(
      'applicable',
    );
    const before = Date.now();
    await firebreak.notifier.worker.drain();
    expect(smtp.received).toHaveLength(1);
    const submitted = (await status(firebreak, incident.reference)).obligations.find(
      (entry) => entry.id === obligation.id,
    ) as Obligation & {
      submittedAt: string;
      submittedVia: string;
    };
    expect(submitted).toMatchObject({ status: 'submitted', submittedVia: 'notice' });
    expect(Date.parse(submitted.submittedAt)).toBeGreaterThanOrEqual(before);
    const report = await json<{ obligations: { regime: string; outcome: string }[] }>(
      await firebreak.request('GET', `/api/breach/compliance?incident=${incident.reference}`),
      200,
    );
    expect(report.obligations.find((entry) => entry.regime === 'contract-24h')?.outcome).toBe('on_time');
  });
});

describeOnBackends('breach notices without e-mail or a name', () => {
  it('refuses to send without SMTP, and to draft or report without the organisation name', async ({ firebreak }) => {
    const incident = await declare(firebreak);
    await json(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, { json: { facts: { personalData: true } } }),
      201,
    );
    const obligation = (await status(firebreak, incident.reference)).obligations[0];
    const refused = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/notices`, {
        json: { obligationId: obligation?.id, recipients: [{ name: 'Globex', email: 'security@globex.example' }] },
      }),
      409,
    );
    expect(refused.error).toMatchObject({ code: 'not_configured', message: expect.stringContaining('BREACH_ORGANIZATION_NAME') });
    const report = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('GET', `/api/incidents/${incident.reference}/breach/report`),
      409,
    );
    expect(report.error.message).toContain('BREACH_ORGANIZATION_NAME');
  });

  describeOnBackends('with a name but no SMTP', () => {
    test.override('firebreakEnv', { BREACH_ORGANIZATION_NAME: 'Acme Cloud' });
    it('refuses to send a notice with e-mail addresses, saying e-mail is not configured', async ({ firebreak }) => {
      const incident = await declare(firebreak);
      await json(
        await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, {
          json: {
            anchors: { awareAt: new Date(Date.now() - 60_000).toISOString() },
            facts: {
              personalData: true,
              natureOfBreach: 'x',
              measuresTaken: 'y',
              likelyConsequences: 'w',
              dataCategories: ['names'],
              contactPoint: 'z',
            },
          },
        }),
        201,
      );
      const obligation = (await status(firebreak, incident.reference)).obligations[0];
      const drafter = await firebreak.tokenFor('commander', 'Dana Drafter');
      const notice = await json<{ id: string }>(
        await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/notices`, {
          token: drafter,
          json: { obligationId: obligation?.id, recipients: [{ name: 'Globex', email: 'security@globex.example' }] },
        }),
        201,
      );
      const approver = await firebreak.tokenFor('admin', 'Ada Approver');
      await json(await firebreak.request('POST', `/api/breach/notices/${notice.id}/approve`, { token: approver, json: {} }), 200);
      const refused = await json<{ error: { code: string; message: string } }>(
        await firebreak.request('POST', `/api/breach/notices/${notice.id}/send`, { token: drafter, json: {} }),
        409,
      );
      expect(refused.error).toMatchObject({ code: 'not_configured', message: expect.stringContaining('SMTP_URL') });
      expect(refused.error.message).toContain('sent outside Firebreak');
    });
  });
});

describeOnBackends('closing a breach incident', () => {
  it('is refused while obligations are open, naming them, and allowed with an override reason', async ({ firebreak }) => {
    const commander = personContext(firebreak, 'commander', 'Cora Commander');
    const incident = await declareCommanded(commander);
    await json(await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/mark`, { json: {} }), 200);
    await advanceTo(commander, incident.id, 'root_cause_analysis');
    await writeRca(commander, incident.id, {
      summary: 'A bucket policy was too wide.',
      impact: 'Customer export readable for six hours.',
      rootCauses: ['A template granted public read.'],
      fiveWhys: [{ question: 'Why public?', answer: 'The template said so.' }],
    });
    await approveRca(personContext(firebreak, 'commander', 'Rui Reviewer'), incident.id);
    await completePhaseChecklist(commander, incident.id, 'root_cause_analysis');

    const refused = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/close`, { json: {} }),
      409,
    );
    expect(refused.error.code).toBe('obligations_open');
    expect(refused.error.message).toMatch(/Notify affected customers within 24 h" \(contract-24h, due \d{4}-/);
    expect(refused.error.message).toContain('contract-48h');

    // Still open in the default list (and in the API's open filter).
    const open = await json<{ incidents: { reference?: string; id: string }[] }>(
      await firebreak.request('GET', '/api/incidents?status=open'),
      200,
    );
    expect(open.incidents.map((entry) => entry.id)).toContain(incident.id);

    await json(await firebreak.request('POST', `/api/incidents/${incident.reference}/close`, { json: { override: true } }), 400);
    const reason = 'The customers were told by phone; the records follow tomorrow.';
    await json(await firebreak.request('POST', `/api/incidents/${incident.reference}/close`, { json: { override: true, reason } }), 200);
    const types = await timelineTypes(firebreak.database.db, incident.id);
    expect(types).toContain('incident.closed');
    // Closed, yet it owes its obligations: it stays in the open list.
    const after = await json<{ incidents: { id: string; closedAt: string | null }[] }>(
      await firebreak.request('GET', '/api/incidents?status=open'),
      200,
    );
    expect(after.incidents.find((entry) => entry.id === incident.id)?.closedAt).not.toBeNull();
  });
});
