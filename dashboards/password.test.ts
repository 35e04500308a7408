import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { listAuditEntries } from '../platform/index.ts';
import type { TestFirebreak } from '../test/harness/app.ts';
import { createDashboardUser, csrfOf, logIn, totpCode } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

/**
 * A test logs in more than once within one 30-second step, and a code is accepted once: forgetting the
 * last step used lets the next form take the current code, as it would half a minute later.
 */
async function nextCodeAllowed(firebreak: TestFirebreak, userId: string): Promise<void> {
  await firebreak.database.db.execute(sql`update users set totp_last_time_step = null where id = ${userId}`);
}

describeOnBackends('password change and reset', () => {
  it('changes a password with the current one and a code, refusing plainly, and ends the other sessions', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const { browser, secret } = await logIn(firebreak, user);
    const other = await logIn(firebreak, user, secret);
    await nextCodeAllowed(firebreak, user.id);

    const page = await (await browser.get('/account')).text();
    expect(page).toContain('Change your password');
    const submit = async (fields: Record<string, string>) =>
      browser.follow(await browser.post('/account/password', { _csrf: csrfOf(page), _form: 'password', ...fields }));

    const wrongPassword = await submit({
      currentPassword: 'not my password',
      code: await totpCode(secret),
      newPassword: 'a brand new passphrase',
    });
    expect(wrongPassword.location).toBe('/account#form-password');
    expect(wrongPassword.html).toContain('Your current password is not right; nothing was changed.');
    const wrongCode = await submit({ currentPassword: user.password, code: '000000', newPassword: 'a brand new passphrase' });
    expect(wrongCode.html).toContain('That code is not right');
    const tooShort = await submit({ currentPassword: user.password, code: await totpCode(secret), newPassword: 'short' });
    expect(tooShort.html).toContain('at least 12 characters');
    // Nothing typed in a password field comes back in the page.
    expect(tooShort.html).not.toContain(user.password);

    const done = await submit({ currentPassword: user.password, code: await totpCode(secret), newPassword: 'a brand new passphrase' });
    expect(done.location).toBe('/account?done=password-changed');
    expect(done.html).toContain('Your password is changed');
    expect((await browser.get('/incidents')).status).toBe(200);
    expect((await other.browser.get('/incidents')).status).toBe(303);

    await expect(logIn(firebreak, user, secret)).rejects.toThrow(/password step answered 401/);
    await nextCodeAllowed(firebreak, user.id);
    await logIn(firebreak, { email: user.email, password: 'a brand new passphrase' }, secret);
    const audit = await listAuditEntries(firebreak.database.db, { action: 'auth.password.change', limit: 10 });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ actorId: user.id, targetId: user.id, details: { forced: false, endedSessions: 1 } });
  });

  it('lets an admin reset a password; the user must change it before any page opens', async ({ firebreak }) => {
    const admin = await createDashboardUser(firebreak, 'admin');
    const user = await createDashboardUser(firebreak, 'commander');
    const { browser: adminBrowser } = await logIn(firebreak, admin);
    const { browser: userBrowser, secret } = await logIn(firebreak, user);

    const usersPage = await (await adminBrowser.get('/admin/users')).text();
    expect(usersPage).toContain('Reset a password');
    const answer = await adminBrowser.post('/admin/users/password-reset', {
      _csrf: csrfOf(usersPage),
      _form: 'password-reset',
      userId: user.id,
      password: '',
    });
    expect(answer.status).toBe(200);
    const html = await answer.text();
    const temporary = /id="temporary-password">([^<]+)</.exec(html)?.[1] ?? '';
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect(html).toContain('must change password');
    // The reset ended the user's sessions.
    expect((await userBrowser.get('/incidents')).status).toBe(303);

    await nextCodeAllowed(firebreak, user.id);
    const { browser } = await logIn(firebreak, { email: user.email, password: temporary }, secret);
    for (const path of ['/incidents', '/alerts', '/admin']) {
      const page = await browser.get(path);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/account#form-password');
    }
    const account = await (await browser.get('/account')).text();
    expect(account).toContain('An admin reset your password');
    const refused = await browser.post('/incidents', { _csrf: csrfOf(account), title: 'x', severity: 'SEV3' });
    expect(refused.status).toBe(403);
    // The API, called with the session's cookie, is closed too.
    expect((await browser.get('/api/incidents')).status).toBe(403);

    await nextCodeAllowed(firebreak, user.id);
    const changed = await browser.post('/account/password', {
      _csrf: csrfOf(account),
      _form: 'password',
      currentPassword: temporary,
      code: await totpCode(secret),
      newPassword: 'my own new passphrase',
    });
    expect(changed.headers.get('location')).toBe('/account?done=password-changed');
    expect((await browser.get('/incidents')).status).toBe(200);

    const audit = await listAuditEntries(firebreak.database.db, { action: 'users.user.password_reset', limit: 10 });
    expect(audit.entries[0]).toMatchObject({ actorId: admin.id, targetId: user.id, details: { generated: true, endedSessions: 1 } });
    const change = await listAuditEntries(firebreak.database.db, { action: 'auth.password.change', limit: 10 });
    expect(change.entries[0]).toMatchObject({ details: { forced: true } });
  });

  it('refuses a short temporary password and a reset of oneself', async ({ firebreak }) => {
    const admin = await createDashboardUser(firebreak, 'admin');
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, admin);
    const page = await (await browser.get('/admin/users')).text();
    const short = await browser.follow(
      await browser.post('/admin/users/password-reset', {
        _csrf: csrfOf(page),
        _form: 'password-reset',
        userId: user.id,
        password: 'short',
      }),
    );
    expect(short.html).toContain('at least 12 characters');
    const self = await browser.follow(
      await browser.post('/admin/users/password-reset', { _csrf: csrfOf(page), _form: 'password-reset', userId: admin.id, password: '' }),
    );
    expect(self.html).toContain('Change your own password on your account page');
  });

  it('offers the same through the API: a reset by an admin, a change refused without the right code', async ({ firebreak }) => {
    const user = await createDashboardUser(firebreak, 'responder');
    const reset = await firebreak.request('POST', `/api/users/${user.id}/password-reset`, { json: { password: 'temporary passphrase' } });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ temporaryPassword: 'temporary passphrase', generated: false, email: user.email });
    const viewer = await firebreak.tokenFor('viewer');
    const forbidden = await firebreak.request('POST', `/api/users/${user.id}/password-reset`, { token: viewer, json: {} });
    expect(forbidden.status).toBe(403);
    // A service token is no person: it has no password to change.
    const change = await firebreak.request('POST', '/api/me/password', {
      json: { currentPassword: 'x', code: '123456', newPassword: 'a brand new passphrase' },
    });
    expect(change.status).toBe(400);
  });
});
