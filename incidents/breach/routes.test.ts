import { expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

type Json = Record<string, unknown>;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describeOnBackends('breach API', () => {
  it.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: 'Acme Cloud' } });
  async function json<T = Json>(response: Response, status: number): Promise<T> {
    const body = (await response.json()) as T;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  async function declare(firebreak: TestFirebreak): Promise<string> {
    const incident = await json<{ reference: string }>(
      await firebreak.request('POST', '/api/incidents', { json: { title: 'Customer database exposed', severity: 'sev1' } }),
      201,
    );
    return incident.reference;
  }

  interface Obligation {
    id: string;
    key: string;
    status: string;
    state: string;
    dueAt: string | null;
    dueLocal: string | null;
    effectiveDueAt: string | null;
    notApplicableReason: string | null;
    late: boolean;
    submittedAt: string | null;
    version: number;
  }
  async function breach(firebreak: TestFirebreak, reference: string) {
    return json<{
      obligations: Obligation[];
      notices: Json[];
      assessment: { current: Record<string, { value: unknown; recordedBy: string }> };
    }>(await firebreak.request('GET', `/api/incidents/${reference}/breach`), 200);
  }

  it('lists the built-in regimes with their rules, to viewers too', async ({ firebreak }) => {
    const viewer = await firebreak.tokenFor('viewer');
    const body = await json<{
      regimes: { id: string; source: string; timeZone: string; obligations: { key: string; deadline: unknown }[] }[];
    }>(await firebreak.request('GET', '/api/regimes', { token: viewer }), 200);
    expect(body.regimes.map((regime) => regime.id)).toEqual(['contract-24h', 'contract-48h', 'gdpr', 'nis2', 'sec-8k', 'hipaa', 'dora']);
    const dora = body.regimes.find((regime) => regime.id === 'dora');
    expect(dora?.source).toBe('built-in');
    expect(dora?.obligations[0]?.deadline).toEqual({
      earliestOf: [
        { anchor: 'classifiedAt', offset: { amount: 4, unit: 'hours' } },
        { anchor: 'awareAt', offset: { amount: 24, unit: 'hours' } },
      ],
    });
    expect((await firebreak.request('GET', '/api/regimes', { token: null })).status).toBe(401);
  });

  it('answers what-if evaluations in the documented shape, touching no incident', async ({ firebreak }) => {
    const body = await json(
      await firebreak.request('POST', '/api/regimes/gdpr/evaluate', { json: { anchors: { awareAt: '2026-03-27T12:00:00Z' } } }),
      200,
    );
    expect(body).toMatchObject({
      regime: 'gdpr',
      timeZone: 'Europe/Brussels',
      obligations: [
        {
          key: 'art33_authority',
          recipient: 'supervisory_authority',
          dueAt: '2026-03-30T12:00:00.000Z',
          dueLocal: '2026-03-30T14:00:00.000+02:00',
        },
        { key: 'art34_data_subjects', recipient: 'data_subjects', dueAt: null, dueLocal: null, warnings: [] },
      ],
    });
    const warnings = (body.obligations as { warnings: { point: string }[] }[])[0]?.warnings.map((warning) => warning.point);
    expect(warnings).toEqual(['p50', 'p75', 'p90', 'before-1h', 'due']);
    const chained = await json<{ obligations: { key: string; dueAt: string | null }[] }>(
      await firebreak.request('POST', '/api/regimes/dora/evaluate', {
        json: { anchors: { awareAt: '2026-06-01T08:00:00Z' }, submissions: { initial_notification: '2026-06-02T01:00:00Z' } },
      }),
      200,
    );
    expect(chained.obligations.map((obligation) => obligation.dueAt)).toEqual([
      '2026-06-02T08:00:00.000Z',
      '2026-06-05T01:00:00.000Z',
      null,
    ]);
  });

  it('refuses bad what-if input and unknown regimes, naming the problem', async ({ firebreak }) => {
    const badTime = await json<{ error: { message: string } }>(
      await firebreak.request('POST', '/api/regimes/gdpr/evaluate', { json: { anchors: { awareAt: 'yesterday' } } }),
      400,
    );
    expect(badTime.error.message).toMatch(/anchors\.awareAt/);
    const unknownAnchor = await json<{ error: { message: string } }>(
      await firebreak.request('POST', '/api/regimes/gdpr/evaluate', { json: { anchors: { noticedAt: '2026-01-01T00:00:00Z' } } }),
      400,
    );
    expect(unknownAnchor.error.message).toMatch(/noticedAt/);
    const unknownSubmission = await json<{ error: { message: string } }>(
      await firebreak.request('POST', '/api/regimes/nis2/evaluate', { json: { submissions: { final: '2026-01-01T00:00:00Z' } } }),
      400,
    );
    expect(unknownSubmission.error.message).toMatch(
      /"final" is not an obligation of "nis2"; there are: early_warning, incident_notification, final_report/,
    );
    const unknown = await json<{ error: { message: string } }>(
      await firebreak.request('POST', '/api/regimes/ccpa/evaluate', { json: {} }),
      404,
    );
    expect(unknown.error.message).toMatch(/gdpr/);
  });

  it('lets operators define regimes, validated, and evaluates them with the same engine', async ({ firebreak }) => {
    const regime = {
      id: 'acme-msa',
      name: 'ACME master services agreement',
      timeZone: 'America/Los_Angeles',
      obligations: [
        {
          key: 'first_notice',
          title: 'Notify ACME',
          recipient: 'customers',
          deadline: { earliestOf: [{ anchor: 'identifiedAt', offset: { amount: 2, unit: 'business_days' }, dueTimeOfDay: '12:00' }] },
        },
        {
          key: 'report',
          title: 'Written report',
          recipient: 'customers',
          deadline: { earliestOf: [{ afterSubmissionOf: 'first_notice', offset: { amount: 10, unit: 'calendar_days' } }] },
        },
      ],
    };
    const commander = await firebreak.tokenFor('commander');
    expect((await firebreak.request('POST', '/api/regimes', { token: commander, json: regime })).status).toBe(403);
    const created = await json(await firebreak.request('POST', '/api/regimes', { json: regime }), 201);
    expect(created).toMatchObject({ id: 'acme-msa', source: 'api' });
    expect((await firebreak.request('POST', '/api/regimes', { json: regime })).status).toBe(409);
    // Friday 2026-11-20 10:00 PST: two business days later is Tuesday the 24th at noon.
    const evaluation = await json<{ obligations: { dueLocal: string | null }[] }>(
      await firebreak.request('POST', '/api/regimes/acme-msa/evaluate', { json: { anchors: { identifiedAt: '2026-11-20T18:00:00Z' } } }),
      200,
    );
    expect(evaluation.obligations[0]?.dueLocal).toBe('2026-11-24T12:00:00.000-08:00');

    const invalid = await json<{ error: { message: string } }>(
      await firebreak.request('POST', '/api/regimes', { json: { ...regime, id: 'broken', timeZone: 'Nowhere/Land' } }),
      400,
    );
    expect(invalid.error.message).toMatch(/timeZone/);
    expect((await firebreak.request('GET', '/api/regimes/broken')).status).toBe(404);
    const builtIn = await json<{ error: { code: string } }>(
      await firebreak.request('PUT', '/api/regimes/gdpr', { json: { ...regime, id: 'gdpr' } }),
      409,
    );
    expect(builtIn.error.code).toBe('regime_built_in');
    expect((await firebreak.request('DELETE', '/api/regimes/acme-msa')).status).toBe(200);
  });

  it('records facts with their author, derives obligations and recomputes them when a fact changes', async ({ firebreak }) => {
    const reference = await declare(firebreak);
    const awareAt = hoursAgo(2);
    await json(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
        json: { facts: { personalData: true, dataCategories: ['email', 'password hashes'] }, anchors: { awareAt } },
      }),
      201,
    );
    const applied = await json<{ obligations: Obligation[] }>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'gdpr' } }),
      201,
    );
    const art33 = applied.obligations.find((obligation) => obligation.key === 'art33_authority');
    expect(art33?.status).toBe('applicable');
    expect(art33?.dueAt).toBe(new Date(new Date(awareAt).getTime() + 72 * 3_600_000).toISOString());
    expect(applied.obligations.find((obligation) => obligation.key === 'art34_data_subjects')?.status).toBe('assessing');
    expect((await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'gdpr' } })).status).toBe(
      409,
    );

    // Becoming aware earlier moves the deadline; a low risk makes Art. 34 not applicable.
    const earlier = hoursAgo(10);
    await json(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
        json: { anchors: { awareAt: earlier }, facts: { riskLevel: 'low', riskRationale: 'Hashes were salted bcrypt; no plaintext.' } },
      }),
      201,
    );
    const status = await breach(firebreak, reference);
    expect(status.obligations.find((obligation) => obligation.key === 'art33_authority')?.dueAt).toBe(
      new Date(new Date(earlier).getTime() + 72 * 3_600_000).toISOString(),
    );
    const art34 = status.obligations.find((obligation) => obligation.key === 'art34_data_subjects');
    expect(art34?.status).toBe('not_applicable');
    expect(art34?.notApplicableReason).toMatch(/riskLevel/);
    expect(status.assessment.current.riskLevel).toMatchObject({ value: 'low', recordedBy: expect.any(String) });

    const audit = await json<{ entries: { action: string }[] }>(await firebreak.request('GET', '/api/audit?limit=50'), 200);
    expect(audit.entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['breach.facts.record', 'breach.regime.apply']));
  });

  it('refuses bad facts and stores nothing', async ({ firebreak }) => {
    const reference = await declare(firebreak);
    const cases: [unknown, RegExp][] = [
      [{ facts: { riskLevel: 'high' } }, /rationale/],
      [{ facts: { peopleAffected: -3 } }, /peopleAffected/],
      [{ facts: { favouriteColour: 'blue' } }, /favouriteColour/],
      [{ anchors: { awareAt: new Date(Date.now() + 86_400_000).toISOString() } }, /future/],
      [{}, /at least one/],
    ];
    for (const [body, message] of cases) {
      const refused = await json<{ error: { message: string } }>(
        await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, { json: body }),
        400,
      );
      expect(refused.error.message).toMatch(message);
    }
    const status = await breach(firebreak, reference);
    expect(status.assessment.current).toEqual({});
    const responder = await firebreak.tokenFor('responder');
    expect(
      (
        await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
          token: responder,
          json: { facts: { personalData: true } },
        })
      ).status,
    ).toBe(403);
    expect(
      (await firebreak.request('POST', '/api/incidents/INC-999/breach/facts', { json: { facts: { personalData: true } } })).status,
    ).toBe(404);
  });

  it('requires reasons for a late submission, and reports on-time and late in the compliance report', async ({ firebreak }) => {
    const reference = await declare(firebreak);
    await json(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, { json: { anchors: { identifiedAt: hoursAgo(30) } } }),
      201,
    );
    const applied = await json<{ obligations: Obligation[] }>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'contract-24h' } }),
      201,
    );
    const obligation = applied.obligations[0];
    if (!obligation) throw new Error('no obligation');
    expect((await breach(firebreak, reference)).obligations[0]?.state).toBe('late');
    const refused = await json<{ error: { code: string } }>(
      await firebreak.request('POST', `/api/breach/obligations/${obligation.id}/submit`, { json: { via: 'email' } }),
      400,
    );
    expect(refused.error.code).toBe('delay_reason_required');
    const submitted = await json<Obligation>(
      await firebreak.request('POST', `/api/breach/obligations/${obligation.id}/submit`, {
        json: { via: 'email', reference: 'ticket 4411', delayReason: 'The customer contact list was itself on the affected system.' },
      }),
      200,
    );
    expect(submitted.status).toBe('submitted');
    expect((await firebreak.request('POST', `/api/breach/obligations/${obligation.id}/submit`, { json: { via: 'email' } })).status).toBe(
      409,
    );
    const report = await json<{ totals: Record<string, number>; obligations: Json[]; breaches: Json[] }>(
      await firebreak.request('GET', `/api/breach/compliance?incident=${reference}`),
      200,
    );
    expect(report.totals.late).toBe(1);
    expect(report.obligations[0]).toMatchObject({
      incident: reference,
      regime: 'contract-24h',
      outcome: 'late',
      delayReason: expect.stringMatching(/contact list/),
    });
    expect(report.breaches).toEqual([expect.objectContaining({ incident: reference, compliant: false })]);
    const csv = await firebreak.request('GET', '/api/breach/compliance?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toMatch(/^incident,regime,obligation/);
  });

  it('records sanctioned suspensions, which push the deadline, and not-applicable decisions with reasons', async ({ firebreak }) => {
    const reference = await declare(firebreak);
    await json(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
        json: { anchors: { materialityDeterminedAt: hoursAgo(1) } },
      }),
      201,
    );
    const applied = await json<{ obligations: Obligation[] }>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'sec-8k' } }),
      201,
    );
    const form = applied.obligations[0];
    if (!form?.dueAt) throw new Error('no due time');
    const until = new Date(new Date(form.dueAt).getTime() + 30 * 86_400_000).toISOString();
    const refused = await json<{ error: { message: string } }>(
      await firebreak.request('POST', `/api/breach/obligations/${form.id}/suspend`, { json: { until, reason: 'x' } }),
      400,
    );
    expect(refused.error.message).toMatch(/grantedBy/);
    const suspended = await json<Obligation>(
      await firebreak.request('POST', `/api/breach/obligations/${form.id}/suspend`, {
        json: { until, grantedBy: 'U.S. Attorney General', reason: 'Disclosure poses a substantial risk to national security.' },
      }),
      200,
    );
    expect(suspended.effectiveDueAt).toBe(until);
    expect(suspended.dueAt).toBe(form.dueAt);

    await json(await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'contract-48h' } }), 201);
    const contract = (await breach(firebreak, reference)).obligations.find((obligation) => obligation.key === 'customer_notice');
    if (!contract) throw new Error('no contract obligation');
    expect(
      (await firebreak.request('POST', `/api/breach/obligations/${contract.id}/not-applicable`, { json: { reason: '' } })).status,
    ).toBe(400);
    const decided = await json<Obligation>(
      await firebreak.request('POST', `/api/breach/obligations/${contract.id}/not-applicable`, {
        json: { reason: 'No customer data was on the affected hosts.' },
      }),
      200,
    );
    expect(decided.status).toBe('not_applicable');
    expect(
      (
        await firebreak.request('POST', '/api/breach/obligations/not-a-uuid/not-applicable', {
          json: { reason: 'No customer data was involved.' },
        })
      ).status,
    ).toBe(404);
  });

  it('exports the regulator report with the Art. 33(3) content and what is still missing', async ({ firebreak }) => {
    const reference = await declare(firebreak);
    await json(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
        json: {
          anchors: { awareAt: hoursAgo(5) },
          facts: {
            personalData: true,
            natureOfBreach: 'A backup bucket was public.',
            dataCategories: ['name', 'email'],
            peopleAffected: 1200,
            contactPoint: 'dpo@example.com',
            riskLevel: 'high',
            riskRationale: 'Names with e-mail enable phishing.',
          },
        },
      }),
      201,
    );
    await json(await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { json: { regimeId: 'gdpr' } }), 201);
    const report = await json<{
      content: { a_nature: Json; b_contactPoint: string };
      missing: string[];
      communicationToDataSubjects: { required: boolean };
    }>(await firebreak.request('GET', `/api/incidents/${reference}/breach/report`), 200);
    expect(report.content.a_nature).toMatchObject({
      description: 'A backup bucket was public.',
      categoriesOfData: ['name', 'email'],
      approximateNumberOfDataSubjects: 1200,
    });
    expect(report.content.b_contactPoint).toBe('dpo@example.com');
    expect(report.communicationToDataSubjects.required).toBe(true);
    expect(report.missing.join('\n')).toMatch(/recordsAffected[\s\S]*likelyConsequences[\s\S]*measuresTaken/);
    const text = await (await firebreak.request('GET', `/api/incidents/${reference}/breach/report?format=text`)).text();
    expect(text).toMatch(/\(b\) DPO or other contact point: dpo@example.com/);
  });
});
