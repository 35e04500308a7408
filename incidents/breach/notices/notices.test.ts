import { expect } from 'vitest';
import type { TestFirebreak } from '../../../test/harness/app.ts';
import { describeOnBackends, it, test } from '../../../test/harness/fixtures.ts';

type Json = Record<string, unknown>;
interface Recipient {
  id: string;
  name: string;
  email: string | null;
  publicUrl: string;
  delivery: { status: string };
}
interface Notice {
  id: string;
  status: string;
  subject: string;
  greeting: string;
  sections: { key: string; heading: string; body: string }[];
  recipients: Recipient[];
}
interface Obligation {
  id: string;
  key: string;
  status: string;
  submittedVia: string | null;
  submissionReference: string | null;
}

describeOnBackends('breach notices', () => {
  test.override('firebreakEnv', ({ smtp }) => ({ SMTP_URL: smtp.url, BREACH_ORGANIZATION_NAME: 'Acme Cloud' }));

  async function json<T = Json>(response: Response, status: number): Promise<T> {
    const body = (await response.json()) as T;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** A breach with every fact a letter needs except the measures taken, under GDPR. */
  async function breachUnderGdpr(firebreak: TestFirebreak): Promise<{ reference: string; incidentId: string; art34: Obligation }> {
    const incident = await json<{ reference: string; id: string }>(
      await firebreak.request('POST', '/api/incidents', {
        json: { title: 'Internal: billing-db replica snapshot on public bucket', severity: 'sev1' },
      }),
      201,
    );
    await json(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, {
        json: {
          anchors: { awareAt: new Date(Date.now() - 3_600_000).toISOString() },
          facts: {
            personalData: true,
            natureOfBreach: 'A copy of our customer database was reachable without a password for six hours.',
            dataCategories: ['names', 'e-mail addresses', 'billing addresses'],
            peopleAffected: 1840,
            likelyConsequences: 'You may receive phishing e-mails that use your name.',
            contactPoint: 'privacy@acme.example, +1 555 0100',
            riskLevel: 'high',
            riskRationale: 'SECRET-RATIONALE: addresses plus names enable targeted phishing.',
          },
        },
      }),
      201,
    );
    const applied = await json<{ obligations: Obligation[] }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/regimes`, { json: { regimeId: 'gdpr' } }),
      201,
    );
    const art34 = applied.obligations.find((obligation) => obligation.key === 'art34_data_subjects');
    if (art34?.status !== 'applicable') throw new Error(`Art. 34 should apply: ${JSON.stringify(applied.obligations)}`);
    return { reference: incident.reference, incidentId: incident.id, art34 };
  }

  it('compares people, not tokens: a token minted by the drafter and a service token cannot approve', async ({ firebreak }) => {
    const { reference, art34 } = await breachUnderGdpr(firebreak);
    // An admin with a token of their own mints a second one with it: both act for the same person.
    const adminToken = await firebreak.tokenFor('admin', 'admin-ada');
    const minted = await json<{ token: string; kind: string; ownerUserId: string }>(
      await firebreak.request('POST', '/api/tokens', { token: adminToken, json: { name: 'ada-second', role: 'admin' } }),
      201,
    );
    expect(minted).toMatchObject({ kind: 'person', ownerUserId: expect.any(String) });
    const draft = await json<Notice>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
        token: adminToken,
        json: { obligationId: art34.id, recipients: [{ name: 'Ana Silva', email: 'ana@example.com' }] },
      }),
      201,
    );
    await json(
      await firebreak.request('PATCH', `/api/breach/notices/${draft.id}`, {
        token: adminToken,
        json: { sections: { whatWeAreDoing: { body: 'We closed the bucket and rotated every credential.' } } },
      }),
      200,
    );
    const twoTokens = await json<{ error: { message: string } }>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: minted.token, json: {} }),
      403,
    );
    expect(twoTokens.error.message).toMatch(/Four eyes/);
    // The bootstrap token and tokens Firebreak makes itself belong to nobody: they never approve.
    const service = await json<{ error: { message: string } }>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { json: {} }),
      403,
    );
    expect(service.error.message).toMatch(/service token/);
    const serviceToken = await firebreak.tokenFor('admin', 'deploy-bot', { service: true });
    expect((await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: serviceToken, json: {} })).status).toBe(
      403,
    );
    // A second person is accepted.
    const other = await firebreak.tokenFor('commander', 'approver-bo');
    const approved = await json<Notice>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: other, json: {} }),
      200,
    );
    expect(approved.status).toBe('approved');
  });

  it('drafts, needs a second person to approve, e-mails every recipient over SMTP, publishes the pages and marks the obligation submitted', async ({
    firebreak,
    smtp,
  }) => {
    const { reference, incidentId, art34 } = await breachUnderGdpr(firebreak);
    const drafter = await firebreak.tokenFor('commander', 'drafter-dana');
    const approver = await firebreak.tokenFor('commander', 'approver-alex');
    const responder = await firebreak.tokenFor('responder', 'responder-rui');

    const draft = await json<Notice>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
        token: drafter,
        json: {
          obligationId: art34.id,
          language: 'en',
          recipients: [
            { name: 'Ana Silva', email: 'ana@example.com' },
            { name: 'Ben Okafor', email: 'ben@example.com' },
            { name: 'Carla Ruiz' },
          ],
        },
      }),
      201,
    );
    expect(draft.status).toBe('draft');
    expect(draft.sections.map((section) => section.heading)).toEqual([
      'What happened',
      'What information was involved',
      'What we are doing',
      'What you can do',
      'Other important information',
      'For more information',
    ]);
    expect(draft.sections[1]?.body).toBe('The information involved may include: names, e-mail addresses, billing addresses.');
    expect(draft.sections[0]?.body).toContain('Acme Cloud became aware');

    // The measures were never recorded: the gap is visible and blocks approval.
    const incomplete = await json<{ error: { code: string; message: string } }>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: approver, json: {} }),
      409,
    );
    expect(incomplete.error).toMatchObject({ code: 'notice_incomplete', message: expect.stringContaining('measuresTaken') });
    await json(
      await firebreak.request('PATCH', `/api/breach/notices/${draft.id}`, {
        token: drafter,
        json: {
          sections: { whatWeAreDoing: { body: 'We closed the bucket, rotated every credential and engaged an outside forensic firm.' } },
        },
      }),
      200,
    );

    // Four eyes: not the drafter, not someone without the permission; sending waits for the approval.
    const ownApproval = await json<{ error: { message: string } }>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: drafter, json: {} }),
      403,
    );
    expect(ownApproval.error.message).toMatch(/Four eyes/);
    expect((await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: responder, json: {} })).status).toBe(403);
    const early = await json<{ error: { code: string } }>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} }),
      409,
    );
    expect(early.error.code).toBe('approval_required');
    const beforeSending = draft.recipients[0]?.publicUrl ?? '';
    expect((await firebreak.request('GET', new URL(beforeSending).pathname, { token: null })).status).toBe(404);

    const approved = await json<Notice>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: approver, json: {} }),
      200,
    );
    expect(approved.status).toBe('approved');
    expect(
      (await firebreak.request('PATCH', `/api/breach/notices/${draft.id}`, { token: drafter, json: { subject: 'changed' } })).status,
    ).toBe(409);

    const sent = await json<Notice>(
      await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} }),
      200,
    );
    expect(sent.status).toBe('sent');
    expect((await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} })).status).toBe(409);

    // Queued is not delivered: the obligation is submitted when the e-mails arrive.
    const queued = await json<{ obligations: Obligation[] }>(await firebreak.request('GET', `/api/incidents/${reference}/breach`), 200);
    expect(queued.obligations.find((obligation) => obligation.id === art34.id)).toMatchObject({ status: 'applicable' });

    await firebreak.notifier.worker.drain();
    const status = await json<{ obligations: Obligation[] }>(await firebreak.request('GET', `/api/incidents/${reference}/breach`), 200);
    expect(status.obligations.find((obligation) => obligation.id === art34.id)).toMatchObject({
      status: 'submitted',
      submittedVia: 'notice',
      submissionReference: draft.id,
    });
    expect(smtp.received.map((mail) => mail.to).sort()).toEqual([['ana@example.com'], ['ben@example.com']]);
    const toAna = smtp.received.find((mail) => mail.to.includes('ana@example.com'));
    expect(toAna?.subject).toBe('Notice of a data security incident involving your information');
    const anaRecipient = sent.recipients.find((recipient) => recipient.name === 'Ana Silva');
    const anaToken = anaRecipient?.publicUrl.split('/notices/')[1] ?? '';
    expect(anaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(toAna?.raw.replace(/=\r?\n/g, '')).toContain(`/notices/${anaToken}`);
    expect(toAna?.raw).toContain('Dear Ana Silva,');

    const delivered = await json<Notice>(await firebreak.request('GET', `/api/breach/notices/${draft.id}`), 200);
    expect(Object.fromEntries(delivered.recipients.map((recipient) => [recipient.name, recipient.delivery.status]))).toEqual({
      'Ana Silva': 'delivered',
      'Ben Okafor': 'delivered',
      'Carla Ruiz': 'public_page_only',
    });

    // The public page: no credentials, the letter for this recipient, nothing internal.
    const page = await firebreak.request('GET', `/notices/${anaToken}`, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('Dear Ana Silva,');
    expect(html).toContain('What you can do');
    expect(html).toContain('privacy@acme.example');
    const internal = [
      incidentId,
      reference,
      'billing-db',
      draft.id,
      art34.id,
      'drafter-dana',
      'approver-alex',
      'SECRET-RATIONALE',
      'art34',
      'ben@example.com',
      'Ben Okafor',
      'ana@example.com',
      anaRecipient?.id ?? 'recipient id',
    ];
    for (const secret of internal) expect(html, `public page leaks ${secret}`).not.toContain(secret);

    const carla = sent.recipients.find((recipient) => recipient.name === 'Carla Ruiz');
    expect(await (await firebreak.request('GET', new URL(carla?.publicUrl ?? '').pathname, { token: null })).text()).toContain(
      'Dear Carla Ruiz,',
    );
    expect((await firebreak.request('GET', `/notices/${'A'.repeat(43)}`, { token: null })).status).toBe(404);
    expect((await firebreak.request('GET', '/notices/short', { token: null })).status).toBe(404);

    const audit = await json<{ entries: { action: string; actorName: string }[] }>(
      await firebreak.request('GET', '/api/audit?limit=100'),
      200,
    );
    expect(audit.entries.map((entry) => `${entry.action} by ${entry.actorName}`)).toEqual(
      expect.arrayContaining([
        'breach.notice.draft by drafter-dana',
        'breach.notice.approve by approver-alex',
        'breach.notice.send by drafter-dana',
      ]),
    );
  });

  it('makes an editor an author who can no longer approve', async ({ firebreak, smtp }) => {
    const { reference, art34 } = await breachUnderGdpr(firebreak);
    const drafter = await firebreak.tokenFor('commander');
    const editor = await firebreak.tokenFor('commander');
    const third = await firebreak.tokenFor('commander');
    const draft = await json<Notice>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
        token: drafter,
        json: {
          obligationId: art34.id,
          language: 'de',
          recipients: [{ name: 'Jonas', email: 'jonas@example.de' }],
          sections: { whatWeAreDoing: { body: 'Wir haben den Zugang gesperrt.' } },
        },
      }),
      201,
    );
    expect(draft.subject).toMatch(/Benachrichtigung/);
    await json(
      await firebreak.request('PATCH', `/api/breach/notices/${draft.id}`, {
        token: editor,
        json: { greeting: 'Guten Tag {{recipient.name}},' },
      }),
      200,
    );
    expect((await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: editor, json: {} })).status).toBe(403);
    expect((await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: third, json: {} })).status).toBe(200);
    await json(await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} }), 200);
    await firebreak.notifier.worker.drain();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.raw).toContain('Guten Tag Jonas,');
  });

  it('shows a refused e-mail as failed with the error, and delivered once the outbox retry gets through', async ({ firebreak, smtp }) => {
    const { reference, art34 } = await breachUnderGdpr(firebreak);
    const drafter = await firebreak.tokenFor('commander');
    const approver = await firebreak.tokenFor('commander');
    const draft = await json<Notice>(
      await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
        token: drafter,
        json: {
          obligationId: art34.id,
          recipients: [{ name: 'Dee', email: 'dee@example.com' }],
          sections: { whatWeAreDoing: { body: 'We locked the bucket.' } },
        },
      }),
      201,
    );
    await json(await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: approver, json: {} }), 200);
    await json(await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} }), 200);
    smtp.refuseNext(1, 451);
    await firebreak.notifier.worker.drain();
    const failed = await json<Notice>(await firebreak.request('GET', `/api/breach/notices/${draft.id}`), 200);
    expect(failed.recipients[0]?.delivery).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/451|Try again/),
    });
    await firebreak.notifier.worker.drain(() => new Date(Date.now() + 3_600_000));
    const delivered = await json<Notice>(await firebreak.request('GET', `/api/breach/notices/${draft.id}`), 200);
    expect(delivered.recipients[0]?.delivery.status).toBe('delivered');
    expect(smtp.received).toHaveLength(1);
  });

  it('refuses bad drafts and stores nothing', async ({ firebreak }) => {
    const { reference, art34 } = await breachUnderGdpr(firebreak);
    const cases: [unknown, number, RegExp][] = [
      [{ obligationId: art34.id, recipients: [] }, 400, /recipients/],
      [{ obligationId: art34.id, recipients: [{ name: 'X', email: 'not-an-address' }] }, 400, /email/],
      [{ obligationId: art34.id, language: 'fr', recipients: [{ name: 'X' }] }, 400, /there are: de, en/],
      [{ obligationId: art34.id, recipients: [{ name: 'X' }], sections: { whatWeAreDoing: { body: 5 } } }, 400, /whatWeAreDoing/],
      [{ obligationId: '00000000-0000-4000-8000-000000000000', recipients: [{ name: 'X' }] }, 404, /obligation/],
    ];
    for (const [body, status, message] of cases) {
      const refused = await json<{ error: { message: string } }>(
        await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, { json: body }),
        status,
      );
      expect(refused.error.message).toMatch(message);
    }
    const viewer = await firebreak.tokenFor('viewer');
    expect(
      (
        await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
          token: viewer,
          json: { obligationId: art34.id, recipients: [{ name: 'X' }] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
          token: null,
          json: { obligationId: art34.id, recipients: [{ name: 'X' }] },
        })
      ).status,
    ).toBe(401);
    const status = await json<{ notices: unknown[] }>(await firebreak.request('GET', `/api/incidents/${reference}/breach`), 200);
    expect(status.notices).toEqual([]);
  });
});
