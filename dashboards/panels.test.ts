import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { declareIncident, getBreachStatus } from '../incidents/index.ts';
import { enqueueMessage, listMessages } from '../notifier/index.ts';
import { queryRows, systemContext } from '../platform/index.ts';
import type { TestFirebreak } from '../test/harness/app.ts';
import { createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function breachIncident(firebreak: TestFirebreak, title: string, identifiedHoursAgo: number): Promise<string> {
  const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title, severity: 'sev2' });
  const reference = `INC-${incident.number}`;
  const facts = await firebreak.request('POST', `/api/incidents/${reference}/breach/facts`, {
    json: {
      facts: {
        personalData: true,
        natureOfBreach: 'A storage bucket with order exports was publicly readable.',
        dataCategories: ['names', 'e-mail addresses'],
        likelyConsequences: 'Phishing e-mails using your order details.',
        measuresTaken: 'We closed public access and rotated the keys.',
        contactPoint: 'privacy@acme.example',
      },
      anchors: { identifiedAt: hoursAgo(identifiedHoursAgo), awareAt: hoursAgo(identifiedHoursAgo) },
    },
  });
  expect(facts.status).toBe(201);
  // personalData: true made it a breach: BREACH_DEFAULT_REGIMES (contract-24h and -48h) applied by themselves.
  // The scheduler fires the warnings that are due (in production it ticks every second).
  await firebreak.scheduler.runDueTimers(new Date());
  return reference;
}

describeOnBackends('dashboard panels', () => {
  it.override({ firebreakEnv: { BREACH_ORGANIZATION_NAME: 'Acme Payments' } });

  it('puts the incident with the soonest breach deadline first, with its countdown', async ({ firebreak }) => {
    await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Everything on fire', severity: 'sev1' });
    const later = await breachIncident(firebreak, 'Leaked export', 2);
    const sooner = await breachIncident(firebreak, 'Exposed bucket', 23);
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const html = await (await browser.get('/incidents')).text();
    expect([...html.matchAll(/data-incident="(INC-\d+)"/g)].map((match) => match[1])).toEqual([sooner, later, 'INC-1']);
    // 23 h into a 24 h clock: amber; 2 h in: still calm.
    expect(html).toMatch(new RegExp(`data-incident="${sooner}"[\\s\\S]*?class="countdown amber"`));
    expect(html).toMatch(new RegExp(`data-incident="${later}"[\\s\\S]*?class="countdown ok"`));
    const breachOnly = await (await browser.get('/incidents?breach=true')).text();
    expect(breachOnly).not.toContain('Everything on fire');
  });

  it('drafts, approves (four eyes) and sends a notice from the breach panel, showing delivery', async ({ firebreak }) => {
    const reference = await breachIncident(firebreak, 'Customer data exposed', 25);
    const drafter = await createDashboardUser(firebreak, 'commander');
    const approver = await createDashboardUser(firebreak, 'commander');
    const { browser } = await logIn(firebreak, drafter);
    const page = await (await browser.get(`/incidents/${reference}`)).text();
    expect(page).toContain('Breach notification');
    expect(page).toMatch(/class="countdown red"[^>]*>overdue by/);
    const obligationId = /<option value="([0-9a-f-]{36})">/.exec(page.slice(page.indexOf('notice-draft-obligationId')))?.[1] ?? '';
    const drafted = await browser.post(`/incidents/${reference}/notices`, {
      _csrf: csrfOf(page),
      obligationId,
      language: 'en',
      recipients: 'Ana Lima <ana@example.com>\nBo Chen',
    });
    expect(drafted.status).toBe(303);

    const withDraft = await (await browser.get(`/incidents/${reference}`)).text();
    const noticeId = /data-notice="([0-9a-f-]{36})" data-status="draft"/.exec(withDraft)?.[1] ?? '';
    expect(noticeId).not.toBe('');
    const edited = await browser.post(`/incidents/${reference}/notices/${noticeId}/edit`, {
      _csrf: csrfOf(withDraft),
      subject: 'Important: your order data',
      greeting: 'Dear customer,',
      expectedVersion: /name="expectedVersion" value="(\d+)"/.exec(withDraft.slice(withDraft.indexOf(noticeId)))?.[1] ?? '1',
    });
    expect(edited.status).toBe(303);
    const ownApproval = await browser.post(`/incidents/${reference}/notices/${noticeId}/approve`, { _csrf: csrfOf(withDraft) });
    expect(ownApproval.status).toBe(303);
    expect((await browser.follow(ownApproval)).html).toContain('Four eyes');

    const second = await logIn(firebreak, approver);
    const approverPage = await (await second.browser.get(`/incidents/${reference}`)).text();
    expect((await second.browser.post(`/incidents/${reference}/notices/${noticeId}/approve`, { _csrf: csrfOf(approverPage) })).status).toBe(
      303,
    );
    const approved = await (await second.browser.get(`/incidents/${reference}`)).text();
    expect(approved).toContain(`data-notice="${noticeId}" data-status="approved"`);

    // Without SMTP configured the e-mail cannot go: the panel says so instead of offering to send,
    // and the server refuses a send all the same.
    expect(approved).toContain('data-send-blocked="true"');
    expect(approved).toContain('SMTP_URL is unset');
    const refused = await second.browser.post(`/incidents/${reference}/notices/${noticeId}/send`, {
      _csrf: csrfOf(approved),
      delayReason: 'The contact list was on the affected system.',
    });
    expect(refused.status).toBe(303);
    expect((await second.browser.follow(refused)).html).toContain('E-mail is not configured');
    const status = await getBreachStatus(firebreak.database.db, reference, { publicUrl: 'http://firebreak.test' });
    expect(status.notices[0]?.status).toBe('approved');
    expect(status.obligations.find((obligation) => obligation.id === obligationId)?.status).not.toBe('submitted');
  });

  it('writes and approves the root-cause analysis and shows the report', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Queue backlog',
      severity: 'sev3',
    });
    const reference = `INC-${incident.number}`;
    const author = await createDashboardUser(firebreak, 'commander');
    const reviewer = await createDashboardUser(firebreak, 'commander');
    const { browser } = await logIn(firebreak, author);
    let page = await (await browser.get(`/incidents/${reference}`)).text();
    expect((await browser.post(`/incidents/${reference}/roles`, { _csrf: csrfOf(page), role: 'commander', name: '' })).status).toBe(303);
    for (const to of ['identification', 'containment', 'eradication', 'recovery', 'root_cause_analysis']) {
      expect(
        (await browser.post(`/incidents/${reference}/phase`, { _csrf: csrfOf(page), to, reason: 'test run', override: 'true' })).status,
      ).toBe(303);
      page = await (await browser.get(`/incidents/${reference}`)).text();
    }
    expect(page).toContain('Root-cause analysis');
    const saved = await browser.post(`/incidents/${reference}/rca`, {
      _csrf: csrfOf(page),
      summary: 'A consumer deadlocked.',
      impact: 'Orders delayed 40 minutes.',
      rootCauses: 'Lock ordering bug\nNo timeout',
      contributingFactors: '',
      fiveWhys: 'Why delayed? => consumer stuck',
      lessonsLearned: 'Add timeouts.',
    });
    expect(saved.status).toBe(303);
    page = await (await browser.get(`/incidents/${reference}`)).text();
    expect(page).toContain('Lock ordering bug');
    const ownRca = await browser.follow(await browser.post(`/incidents/${reference}/rca/approve`, { _csrf: csrfOf(page) }));
    expect(ownRca.html).toContain('class="flash error"');

    const other = await logIn(firebreak, reviewer);
    const reviewerPage = await (await other.browser.get(`/incidents/${reference}`)).text();
    expect((await other.browser.post(`/incidents/${reference}/rca/approve`, { _csrf: csrfOf(reviewerPage) })).status).toBe(303);
    const report = await (await other.browser.get(`/incidents/${reference}/report`)).text();
    expect(report).toContain('Lock ordering bug');
    const markdown = await other.browser.get(`/incidents/${reference}/report?format=markdown`);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
  });

  it('lists dead outbox messages and retries one', async ({ firebreak }) => {
    const db = firebreak.database.db;
    await db.transaction((tx) =>
      enqueueMessage(tx, firebreak.config, {
        channel: 'email',
        idempotencyKey: 'dead-one',
        payload: { to: 'x@example.com', subject: 'Hello', text: 'Hi' },
      }),
    );
    await db.execute(
      sql`update outbox_messages set status = 'dead', dead_at = now(), attempts = 8, last_error = 'SMTP 550 mailbox unavailable' where idempotency_key = 'dead-one'`,
    );
    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser } = await logIn(firebreak, admin);
    const page = await (await browser.get('/admin/outbox')).text();
    expect(page).toContain('SMTP 550 mailbox unavailable');
    const id = /data-message="([0-9a-f-]{36})"/.exec(page)?.[1] ?? '';
    const retried = await browser.post(`/admin/outbox/${id}/retry`, { _csrf: csrfOf(page) });
    expect(retried.status).toBe(303);
    expect((await listMessages(db, { status: 'dead', limit: 10 })).messages).toHaveLength(0);
    const [row] = await queryRows<{ status: string }>(db, sql`select status from outbox_messages where idempotency_key = 'dead-one'`);
    expect(row?.status).toBe('pending');
    const viewer = await createDashboardUser(firebreak, 'viewer');
    expect((await (await logIn(firebreak, viewer)).browser.get('/admin/outbox')).status).toBe(403);
  });
});
