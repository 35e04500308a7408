import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { addNote, appendTimelineEvent, declareIncident, getIncident } from '../incidents/index.ts';
import { queryRows, SYSTEM_ACTOR, systemContext } from '../platform/index.ts';
import type { TestFirebreak } from '../test/harness/app.ts';
import type { Browser } from '../test/harness/dashboard-session.ts';
import { createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

/** Reads a server-sent event stream until `until` matches what arrived (or the time runs out). */
async function readStream(response: Response, until: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(text)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

function openLive(firebreak: TestFirebreak, browser: Browser, path: string): Promise<Response> {
  return Promise.resolve(firebreak.app.request(path, { headers: { cookie: browser.jar.header(), accept: 'text/event-stream' } }));
}

describeOnBackends('dashboard pages', () => {
  it('lists open incidents most severe first, filters them, and serves the rows alone for live refresh', async ({ firebreak }) => {
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    await declareIncident(ctx, { title: 'Slow search', severity: 'sev3', services: ['search'] });
    await declareIncident(ctx, { title: 'Payments down', severity: 'sev1', services: ['payments'] });
    await declareIncident(ctx, { title: 'Login errors', severity: 'sev2', services: ['auth'] });
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);

    const html = await (await browser.get('/incidents')).text();
    const order = [...html.matchAll(/data-incident="(INC-\d+)"/g)].map((match) => match[1]);
    expect(order).toEqual(['INC-2', 'INC-3', 'INC-1']);
    expect(html).toContain('data-live="/incidents/live"');

    const filtered = await (await browser.get('/incidents?severity=sev3&phase=&service=search')).text();
    expect([...filtered.matchAll(/data-incident="(INC-\d+)"/g)].map((match) => match[1])).toEqual(['INC-1']);
    expect(await (await browser.get('/incidents?service=nothing')).text()).toContain('No incidents match these filters.');

    const rows = await (await browser.get('/incidents?fragment=rows')).text();
    expect(rows.startsWith('<tr')).toBe(true);
    expect(rows).not.toContain('<html');
    expect((await browser.get('/incidents?severity=sev9')).status).toBe(400);
  });

  it('runs an incident from its page: acknowledge, note, assign, severity, phase (with checklist override)', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Checkout errors',
      severity: 'sev2',
      services: ['checkout'],
    });
    const reference = `INC-${incident.number}`;
    const user = await createDashboardUser(firebreak, 'commander');
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/${reference}`)).text();
    expect(page).toContain('Checkout errors');
    expect(page).toContain('aria-current="step"');
    const csrf = csrfOf(page);

    expect((await browser.post(`/incidents/${reference}/acknowledge`, { _csrf: csrf })).headers.get('location')).toBe(
      `/incidents/${reference}?done=acknowledged`,
    );
    const item = /action="(\/incidents\/INC-\d+\/checklist\/[0-9a-f-]{36})"/.exec(page)?.[1] ?? '';
    expect(item).not.toBe('');
    expect((await browser.post(item, { _csrf: csrf, done: 'true' })).status).toBe(303);
    expect(await (await browser.get(`/incidents/${reference}`)).text()).toMatch(/of \d+ done/);
    expect(await (await browser.get(`/incidents/${reference}`)).text()).toContain('aria-label="Reopen: ');
    expect((await browser.post(`/incidents/${reference}/notes`, { _csrf: csrf, text: 'Rolled back 4.2.1' })).status).toBe(303);
    expect((await browser.post(`/incidents/${reference}/roles`, { _csrf: csrf, role: 'commander', name: '' })).status).toBe(303);
    const version = (await getIncident(firebreak.database.db, incident.id)).version;
    expect(
      (
        await browser.post(`/incidents/${reference}/severity`, {
          _csrf: csrf,
          severity: 'sev1',
          reason: 'all regions',
          expectedVersion: String(version),
        })
      ).status,
    ).toBe(303);

    // A stale form (an older version) is refused with the reason, on the page.
    const stale = await browser.post(`/incidents/${reference}/severity`, {
      _csrf: csrf,
      severity: 'sev3',
      expectedVersion: String(version),
    });
    // Post/Redirect/Get: back to the page, which says why and shows the form again.
    expect(stale.status).toBe(303);
    const staleShown = await browser.follow(stale);
    expect(staleShown.location).toBe(`/incidents/${reference}#form-form`);
    expect(staleShown.html).toContain('class="flash error"');
    expect(staleShown.html).toContain('changed since you loaded it');

    const moved = await browser.post(`/incidents/${reference}/phase`, {
      _csrf: csrf,
      to: 'identification',
      reason: 'cause unknown yet',
      override: 'true',
    });
    expect(moved.status).toBe(303);
    const after = await getIncident(firebreak.database.db, incident.id);
    expect(after).toMatchObject({ phase: 'identification', severity: 'sev1' });
    expect(after.acknowledgedAt).not.toBeNull();

    const final = await (await browser.get(`/incidents/${reference}?done=phase`)).text();
    expect(final).toContain('Phase changed.');
    expect(final).toContain('Rolled back 4.2.1');
    expect(final).toContain('Moved from preparation to identification');
    expect(final).toContain(`${user.name}`);
    expect(final).toMatch(/<dt>Commander<\/dt><dd>Commander Person<\/dd>/);

    const invalid = await browser.follow(
      await browser.post(`/incidents/${reference}/phase`, { _csrf: csrf, _form: 'phase', to: 'nowhere', reason: 'testing the refusal' }),
    );
    expect(invalid.location).toBe(`/incidents/${reference}#form-phase`);
    // The refused form is open again, with what was typed and a message in plain words next to the field.
    expect(invalid.html).toMatch(/<span class="field-error" id="phase-to-error">must be one of: preparation, identification/);
    expect(invalid.html).toContain('value="testing the refusal"');
    // A reload shows the page as it is: the refusal was for one view.
    expect(await (await browser.get(`/incidents/${reference}`)).text()).not.toContain('field-error');
  });

  it('declares an incident from the list page', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, user);
    const list = await (await browser.get('/incidents')).text();
    const declared = await browser.post('/incidents', {
      _csrf: csrfOf(list),
      title: 'Checkout is slow',
      severity: 'sev2',
      services: 'checkout, payments',
      summary: 'p99 above 2 s',
    });
    expect(declared.status).toBe(303);
    const page = await (await browser.get(declared.headers.get('location') ?? '')).text();
    expect(page).toContain('Checkout is slow');
    expect(page).toContain('checkout, payments');
    const empty = await browser.follow(
      await browser.post('/incidents', {
        _csrf: csrfOf(list),
        _form: 'declare',
        title: '',
        severity: 'sev1',
        summary: 'Card payments fail',
      }),
    );
    expect(empty.location).toBe('/incidents#form-declare');
    expect(empty.html).toMatch(/<span class="field-error" id="declare-title-error">can&#39;t be empty<\/span>/);
    expect(empty.html).toContain('Card payments fail</textarea>');
    expect(empty.html).toMatch(/<option value="sev1" selected="">SEV1<\/option>/);
  });

  it('shows a viewer the incident without action forms and refuses their actions', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Disk full',
      severity: 'sev3',
    });
    const viewer = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, viewer);
    const page = await (await browser.get(`/incidents/INC-${incident.number}`)).text();
    expect(page).toContain('can follow this incident but not change it');
    expect(page).not.toContain('/acknowledge"');
    expect(await (await browser.get('/incidents')).text()).not.toContain('Declare an incident');
    const declared = await browser.follow(await browser.post('/incidents', { _csrf: csrfOf(page), title: 'x', severity: 'sev1' }));
    expect(declared.html).toContain('lacks the permission');
    const csrf = csrfOf(page);
    for (const [path, form] of [
      ['acknowledge', {}],
      ['notes', { text: 'hello' }],
      ['phase', { to: 'identification', reason: 'x', override: 'true' }],
      ['severity', { severity: 'sev1' }],
      ['roles', { role: 'commander', name: '' }],
    ] as const) {
      const refused = await browser.post(`/incidents/INC-${incident.number}/${path}`, { _csrf: csrf, ...form });
      expect(refused.status, path).toBe(303);
      expect((await browser.follow(refused)).html).toContain('lacks the permission');
    }
    const unchanged = await getIncident(firebreak.database.db, incident.id);
    expect(unchanged).toMatchObject({ phase: 'preparation', severity: 'sev3', acknowledgedAt: null, version: incident.version });
    expect((await browser.get('/admin/users')).status).toBe(403);
    expect((await browser.get('/admin/audit')).status).toBe(403);
  });

  it('pages a long timeline: the newest events first, older ones a page at a time', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Long one', severity: 'sev4' });
    await firebreak.database.db.transaction(async (tx) => {
      for (let index = 1; index <= 250; index++) {
        await appendTimelineEvent(tx, SYSTEM_ACTOR, { incidentId: incident.id, type: 'test.tick', data: { tick: index } });
      }
    });
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/INC-${incident.number}`)).text();
    const ticks = [...page.matchAll(/tick: (\d+)/g)].map((match) => Number(match[1]));
    expect(ticks).toHaveLength(100);
    expect(ticks[0]).toBe(250);
    const older = /href="(\/incidents\/INC-\d+\?before=\d+)#timeline-title"/.exec(page)?.[1] ?? '';
    expect(older).not.toBe('');
    const second = await (await browser.get(older)).text();
    const secondTicks = [...second.matchAll(/tick: (\d+)/g)].map((match) => Number(match[1]));
    expect(secondTicks[0]).toBe(150);
    expect(second).toContain('Older events (not live).');
  });

  it('streams new timeline events to every live viewer, from one LISTEN', async ({ firebreak, backend }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Live one', severity: 'sev2' });
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, user);
    const path = `/incidents/INC-${incident.number}/live`;
    const first = await openLive(firebreak, browser, path);
    const second = await openLive(firebreak, browser, path);
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const listList = await openLive(firebreak, browser, '/incidents/live');

    const [one, two, list] = await Promise.all([
      readStream(first, (text) => text.includes('Database failover started')),
      readStream(second, (text) => text.includes('Database failover started')),
      readStream(listList, (text) => text.includes('event: changed')),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await addNote({ ...systemContext(firebreak.database.db, firebreak.config) }, incident.id, {
          text: 'Database failover started',
          source: 'api',
        });
      })(),
    ]);
    for (const text of [one, two]) {
      expect(text).toContain('event: timeline');
      expect(text).toMatch(/id: \d+/);
      expect(text).toContain('Database failover started');
    }
    expect(list).toContain('event: changed');
    if (backend === 'postgres') {
      const [row] = await queryRows<{ listeners: number }>(
        firebreak.database.db,
        sql`select count(*)::int as listeners from pg_stat_activity where datname = current_database() and query ilike 'listen%'`,
      );
      expect(row?.listeners).toBe(1);
    }
  });

  it('sends a reconnecting viewer the events it missed (Last-Event-ID)', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Flaky network',
      severity: 'sev3',
    });
    const note = await addNote(systemContext(firebreak.database.db, firebreak.config), incident.id, { text: 'first note' });
    await addNote(systemContext(firebreak.database.db, firebreak.config), incident.id, { text: 'missed while away' });
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const response = await firebreak.app.request(`/incidents/INC-${incident.number}/live`, {
      headers: { cookie: browser.jar.header(), accept: 'text/event-stream', 'last-event-id': String(note.id) },
    });
    const text = await readStream(response, (received) => received.includes('missed while away'));
    expect(text).toContain('missed while away');
    expect(text).not.toContain('first note');
  });

  it('lets an admin manage users and tokens and read and verify the audit log', async ({ firebreak }) => {
    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser } = await logIn(firebreak, admin);
    const usersPage = await (await browser.get('/admin/users')).text();
    expect(usersPage).toContain(admin.email);
    const csrf = csrfOf(usersPage);
    const weak = await browser.follow(
      await browser.post('/admin/users', {
        _csrf: csrf,
        _form: 'new-user',
        email: 'ana@example.com',
        name: 'Ana',
        role: 'commander',
        password: 'short',
      }),
    );
    expect(weak.location).toBe('/admin/users#form-new-user');
    expect(weak.html).toContain('<span class="field-error" id="new-user-password-error">must be at least 12 characters</span>');
    // What was typed comes back, except the password.
    expect(weak.html).toContain('value="ana@example.com"');
    expect(weak.html).not.toContain('value="short"');
    expect(
      (
        await browser.post('/admin/users', {
          _csrf: csrf,
          email: 'ana@example.com',
          name: 'Ana',
          role: 'commander',
          password: 'a long enough password',
        })
      ).status,
    ).toBe(303);
    expect(await (await browser.get('/admin/users')).text()).toContain('ana@example.com');

    const created = await browser.post('/admin/tokens', { _csrf: csrf, name: 'prometheus', role: 'ingest', service: 'prometheus' });
    const createdPage = await created.text();
    const token = /id="new-token">(fbk_[A-Za-z0-9_-]+)</.exec(createdPage)?.[1] ?? '';
    expect(token).toMatch(/^fbk_/);
    const tokensPage = await (await browser.get('/admin/tokens')).text();
    expect(tokensPage).not.toContain(token);
    // An ingest token belongs to its service, as the bootstrap token does; a token the admin makes for nobody else is theirs.
    expect(tokensPage).toContain('service: prometheus');
    expect(tokensPage).toContain('service: bootstrap');
    const mine = await browser.post('/admin/tokens', { _csrf: csrf, name: 'mine', role: 'viewer' });
    expect(await mine.text()).toMatch(/data-token="mine">[\s\S]*?admin-[a-z0-9]+@example\.com/);

    const audit = await (await browser.get('/admin/audit?action=users.user.create')).text();
    expect(audit).toContain('ana@example.com');
    expect(audit).not.toContain('tokens.token.create</code>');
    const verified = await (await browser.get('/admin/audit?verify=1')).text();
    expect(verified).toMatch(/Intact: all \d+ entries verified/);
  });
});
