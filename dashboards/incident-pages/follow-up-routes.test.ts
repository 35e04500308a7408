import { expect } from 'vitest';
import { createActionItem, declareIncident, getIncident, listActionItems, listEvidence } from '../../incidents/index.ts';
import { systemContext } from '../../platform/index.ts';
import { createDashboardUser, csrfOf, logIn } from '../../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

describeOnBackends('incident page: edit, evidence, action items', () => {
  it('refuses bad input in plain words, keeping what was typed, and changes nothing', async ({ firebreak }) => {
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Disk full',
      severity: 'sev3',
    });
    const reference = `INC-${incident.number}`;
    const user = await createDashboardUser(firebreak, 'commander');
    const { browser } = await logIn(firebreak, user);
    const csrf = csrfOf(await (await browser.get(`/incidents/${reference}`)).text());
    const submit = async (path: string, form: Record<string, string>) =>
      browser.follow(await browser.post(`/incidents/${reference}/${path}`, { _csrf: csrf, ...form }));

    const noOwner = await submit('action-items', { _form: 'action-item', title: 'Add a canary', ownerUserId: '', dueOn: '2031-05-01' });
    expect(noOwner.location).toBe(`/incidents/${reference}#form-action-item`);
    expect(noOwner.html).toContain('pick the owner from the list of people');
    expect(noOwner.html).toMatch(/id="action-item-ownerUserId-error">pick a person</);
    expect(noOwner.html).toContain('value="Add a canary"');

    const badDay = await submit('action-items', { _form: 'action-item', title: 'Add a canary', ownerUserId: user.id, dueOn: '2031-02-30' });
    expect(badDay.html).toMatch(/id="action-item-dueOn-error">must be a date, such as 2026-12-31</);

    const stranger = await submit('action-items', {
      _form: 'action-item',
      title: 'Add a canary',
      ownerUserId: '00000000-0000-4000-8000-000000000000',
    });
    expect(stranger.html).toContain('The owner must be a person with an enabled account');

    const noTitle = await submit('edit', { _form: 'edit', title: '', summary: 'Keep this', services: 'disk' });
    expect(noTitle.html).toMatch(/id="edit-title-error">can&#39;t be empty</);
    expect(noTitle.html).toContain('Keep this</textarea>');

    const badLink = await submit('evidence', { _form: 'evidence', title: 'Log export', url: 'not a link' });
    expect(badLink.html).toMatch(/id="evidence-url-error">must be a web address/);

    expect(await listActionItems(firebreak.database.db, incident.id)).toEqual([]);
    expect(await listEvidence(firebreak.database.db, incident.id)).toEqual([]);
    expect((await getIncident(firebreak.database.db, incident.id)).version).toBe(incident.version);
  });

  it('edits an action item: another owner, a new due date, a status', async ({ firebreak }) => {
    const system = systemContext(firebreak.database.db, firebreak.config);
    const incident = await declareIncident(system, { title: 'Disk full', severity: 'sev3' });
    const reference = `INC-${incident.number}`;
    const user = await createDashboardUser(firebreak, 'commander');
    const owner = await createDashboardUser(firebreak, 'responder');
    const item = await createActionItem(system, incident.id, { title: 'Alert on disk', ownerName: 'Someone without an account' });
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/${reference}`)).text();
    // An owner without an account is shown as such until someone picks a person.
    expect(page).toContain('Someone without an account (no account: not reminded directly)');
    const saved = await browser.follow(
      await browser.post(`/incidents/${reference}/action-items/${item.id}`, {
        _csrf: csrfOf(page),
        _form: `item-${item.id}`,
        expectedVersion: String(item.version),
        title: 'Alert on disk at 80%',
        ownerUserId: owner.id,
        dueOn: '2031-01-15',
        status: 'in_progress',
        description: '',
      }),
    );
    expect(saved.location).toBe(`/incidents/${reference}?done=action_item_updated`);
    expect(saved.html).toContain('Action item saved.');
    const [updated] = await listActionItems(firebreak.database.db, incident.id);
    expect(updated).toMatchObject({ title: 'Alert on disk at 80%', ownerUserId: owner.id, ownerName: owner.name, status: 'in_progress' });
    expect(updated?.dueAt?.toISOString()).toBe('2031-01-15T23:59:59.999Z');
  });

  it('shows a viewer no forms and refuses their posts', async ({ firebreak }) => {
    const system = systemContext(firebreak.database.db, firebreak.config);
    const incident = await declareIncident(system, { title: 'Disk full', severity: 'sev3' });
    const item = await createActionItem(system, incident.id, { title: 'Alert on disk', ownerName: 'Bo' });
    const reference = `INC-${incident.number}`;
    const viewer = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, viewer);
    const page = await (await browser.get(`/incidents/${reference}`)).text();
    expect(page).toContain('Alert on disk');
    for (const form of ['form-edit', 'form-evidence', 'form-action-item', `form-done-${item.id}`])
      expect(page).not.toContain(`id="${form}"`);
    const csrf = csrfOf(page);
    for (const [path, form] of [
      ['edit', { title: 'x' }],
      ['evidence', { title: 'x' }],
      ['action-items', { title: 'x', ownerUserId: viewer.id }],
      [`action-items/${item.id}/done`, {}],
    ] as const) {
      const refused = await browser.post(`/incidents/${reference}/${path}`, { _csrf: csrf, ...form });
      expect(refused.status, path).toBe(303);
      expect((await browser.follow(refused)).html, path).toContain('lacks the permission');
    }
    expect((await listActionItems(firebreak.database.db, incident.id))[0]?.status).toBe('open');
  });
});
