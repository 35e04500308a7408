import type { TestFirebreak } from './app.ts';

/** The person the populated install mentions everywhere a data-subject request must find them. */
export const SUBJECT = { name: 'Ana Silva', email: 'ana.silva@example.com' } as const;

export interface PopulatedInstall {
  reference: string;
  incidentId: string;
  noticeId: string;
  drafter: string;
  approver: string;
}

async function expectJson<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * An install with one of everything, made through the API as people would: an alert-driven
 * incident whose alert, notes (edited), action item and breach notice mention SUBJECT, an RCA, GDPR
 * obligations, and the notice sent (its e-mails queued in the outbox). The service needs
 * BREACH_ORGANIZATION_NAME and SMTP_URL.
 */
export async function populateInstall(firebreak: TestFirebreak, tag = 'one'): Promise<PopulatedInstall> {
  const drafter = await firebreak.tokenFor('commander', `drafter-${tag}`);
  const approver = await firebreak.tokenFor('commander', `approver-${tag}`);
  const ingest = await firebreak.tokenFor('ingest', `ingest-${tag}`, { service: true });
  await expectJson(
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        {
          labels: { alertname: 'CustomerExportFailed', service: 'billing', severity: 'critical', customer: SUBJECT.email, group: tag },
          annotations: { summary: `Export for ${SUBJECT.name} failed`, description: 'formula test =1+1' },
          startsAt: new Date(Date.now() - 20 * 60_000).toISOString(),
        },
      ],
    }),
    200,
  );
  const list = await expectJson<{ incidents: { id: string; reference: string; title: string }[] }>(
    await firebreak.request('GET', '/api/incidents'),
    200,
  );
  const incident = list.incidents.find((candidate) => candidate.title.includes('CustomerExportFailed')) ?? list.incidents[0];
  if (!incident) throw new Error('the alert opened no incident');
  const { reference, id: incidentId } = incident;
  await expectJson(
    await firebreak.request('POST', `/api/incidents/${reference}/roles`, {
      token: drafter,
      json: { role: 'responder', name: SUBJECT.name },
    }),
    200,
  );
  const note = await expectJson<{ data: { noteId: string } }>(
    await firebreak.request('POST', `/api/incidents/${reference}/notes`, {
      token: drafter,
      json: { text: `Called ${SUBJECT.name} (${SUBJECT.email}); "quoted", with a comma` },
    }),
    201,
  );
  await expectJson(
    await firebreak.request('PATCH', `/api/incidents/${reference}/notes/${note.data.noteId}`, {
      token: drafter,
      json: { text: `Called ${SUBJECT.name} back; she confirmed the bad export` },
    }),
    200,
  );
  await expectJson(
    await firebreak.request('POST', `/api/incidents/${reference}/action-items`, {
      token: drafter,
      json: { title: 'Re-run the export', ownerName: SUBJECT.name, description: `Send it to ${SUBJECT.email}` },
    }),
    201,
  );
  await expectJson(
    await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
      token: drafter,
      json: {
        anchors: { awareAt: new Date(Date.now() - 3_600_000).toISOString() },
        facts: {
          personalData: true,
          natureOfBreach: 'A customer export was sent to the wrong address.',
          dataCategories: ['names', 'e-mail addresses'],
          peopleAffected: 1,
          likelyConsequences: 'Phishing e-mails.',
          contactPoint: 'privacy@acme.example',
          measuresTaken: 'We recalled the e-mail.',
          riskLevel: 'high',
          riskRationale: 'Names with addresses.',
        },
      },
    }),
    201,
  );
  const applied = await expectJson<{ obligations: { id: string; key: string; status: string }[] }>(
    await firebreak.request('POST', `/api/incidents/${reference}/breach/regimes`, { token: drafter, json: { regimeId: 'gdpr' } }),
    201,
  );
  const art34 = applied.obligations.find((obligation) => obligation.key === 'art34_data_subjects');
  if (!art34) throw new Error('GDPR Art. 34 was not applied');
  const notice = await expectJson<{ id: string }>(
    await firebreak.request('POST', `/api/incidents/${reference}/breach/notices`, {
      token: drafter,
      json: {
        obligationId: art34.id,
        language: 'en',
        recipients: [
          { name: SUBJECT.name, email: SUBJECT.email },
          { name: 'Ben Okafor', email: 'ben@example.com' },
        ],
      },
    }),
    201,
  );
  await expectJson(await firebreak.request('POST', `/api/breach/notices/${notice.id}/approve`, { token: approver, json: {} }), 200);
  await expectJson(await firebreak.request('POST', `/api/breach/notices/${notice.id}/send`, { token: drafter, json: {} }), 200);
  return { reference, incidentId, noticeId: notice.id, drafter, approver };
}
