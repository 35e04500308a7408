import { expect } from 'vitest';
import { createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

describeOnBackends('elevation and access review pages', () => {
  it('asks, refuses bad input with the typed values, decides as another admin, and guards each page', async ({ firebreak }) => {
    const commander = await createDashboardUser(firebreak, 'commander');
    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser: asker } = await logIn(firebreak, commander);
    const { browser: approver } = await logIn(firebreak, admin);

    // Without a session the pages send to the login; forms are refused.
    const anonymous = await firebreak.app.request('/admin/elevations', { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    expect((await firebreak.app.request('/account/elevations', { method: 'POST', headers: { accept: 'text/html' } })).status).toBe(401);
    // A commander has no admin pages of these.
    expect((await asker.get('/admin/elevations')).status).toBe(403);
    expect((await asker.get('/admin/access-review')).status).toBe(403);

    const account = await (await asker.get('/account')).text();
    const csrf = csrfOf(account);
    const refused = await asker.follow(
      await asker.post('/account/elevations', { _csrf: csrf, _form: 'elevation', role: 'admin', minutes: '5', reason: 'Fix routing' }),
    );
    expect(refused.location).toBe('/account#form-elevation');
    expect(refused.html).toContain('must be at least 15 minutes');
    expect(refused.html).toContain('Fix routing');
    const asked = await asker.follow(
      await asker.post('/account/elevations', {
        _csrf: csrf,
        _form: 'elevation',
        role: 'admin',
        minutes: '30',
        reason: 'Fix the payments routing rule',
      }),
    );
    expect(asked.location).toBe('/account?done=elevation-requested#elevation');
    expect(asked.html).toContain('waiting for another admin');

    const pending = await (await approver.get('/admin/elevations')).text();
    const id = /id="elevation-([0-9a-f-]{36})"/.exec(pending)?.[1] ?? '';
    expect(id).not.toBe('');
    // The asker cannot decide (a commander); the admin can.
    const notAllowed = await asker.follow(await asker.post(`/admin/elevations/${id}/decide`, { _csrf: csrf, decision: 'approve' }));
    expect(notAllowed.status).toBe(403);
    const approved = await approver.follow(
      await approver.post(`/admin/elevations/${id}/decide`, { _csrf: csrfOf(pending), _form: `decide-${id}`, decision: 'approve' }),
    );
    expect(approved.location).toBe('/admin/elevations?done=approved');
    // Deciding again is refused back on the page, in words.
    const again = await approver.follow(
      await approver.post(`/admin/elevations/${id}/decide`, { _csrf: csrfOf(pending), _form: `decide-${id}`, decision: 'refuse' }),
    );
    expect(again.html).toContain('This elevation is active already');

    const elevatedPage = await (await asker.get('/admin/access-review')).text();
    expect(elevatedPage).toMatch(/Elevated to admin until (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/);
    const review = await approver.follow(
      await approver.post('/admin/access-review', { _csrf: csrfOf(pending), _form: 'access-review', notes: '   ' }),
    );
    expect(review.location).toBe('/admin/access-review#form-access-review');
    expect(review.html).toContain('must say what was reviewed and found');
    const recorded = await approver.follow(
      await approver.post('/admin/access-review', { _csrf: csrfOf(pending), _form: 'access-review', notes: 'All as expected.' }),
    );
    expect(recorded.location).toBe('/admin/access-review?done=recorded');
    expect(recorded.html).toContain('All as expected.');
  });
});
