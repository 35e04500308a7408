import { expect } from 'vitest';
import { describeOnBackends, it, test } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext, timelineTypes } from '../../test/harness/incidents.ts';
import { listTimeline } from '../timeline/index.ts';
import { createActionItem } from './create-action-item.ts';
import { listActionItems } from './list-action-items.ts';
import { updateActionItem } from './update-action-item.ts';

describeOnBackends('action items', () => {
  test.override({ firebreakEnv: { ACTION_ITEM_REMINDER_INTERVAL_HOURS: '24' } });
  const hours = (count: number) => count * 3600 * 1000;

  it('reminds the owner when an item is overdue, then every interval until it is done', async ({ firebreak }) => {
    const ctx = personContext(firebreak, 'commander', 'Ana');
    const incident = await declareTestIncident(ctx);
    const now = Date.now();
    const item = await createActionItem(ctx, incident.id, { title: 'Add a canary', ownerName: 'Bo', dueAt: new Date(now + hours(48)) });

    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(47)))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(49)))).toBe(1);
    const overdue = (await listTimeline(firebreak.database.db, incident.id, { limit: 100 })).events.filter(
      (event) => event.type === 'action_item.overdue',
    );
    expect(overdue).toHaveLength(1);
    expect(overdue[0]?.data).toMatchObject({ actionItemId: item.id, title: 'Add a canary', ownerName: 'Bo', reminder: 1 });
    expect(overdue[0]?.actorName).toBe('Firebreak');
    expect((await listActionItems(firebreak.database.db, incident.id, new Date(now + hours(49))))[0]).toMatchObject({
      overdue: true,
      remindersSent: 1,
    });

    // Ticking again within the interval fires nothing; after it, a second reminder.
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(60)))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(74)))).toBe(1);

    await updateActionItem(ctx, incident.id, item.id, { status: 'done' });
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(200)))).toBe(0);
    expect((await timelineTypes(firebreak.database.db, incident.id)).filter((type) => type === 'action_item.overdue')).toHaveLength(2);
  });

  it('moves the reminder with the due date, and a done item is never reminded', async ({ firebreak }) => {
    const ctx = personContext(firebreak, 'commander', 'Ana');
    const incident = await declareTestIncident(ctx);
    const now = Date.now();
    const item = await createActionItem(ctx, incident.id, { title: 'Rotate keys', ownerName: 'Bo', dueAt: new Date(now + hours(1)) });
    const moved = await updateActionItem(ctx, incident.id, item.id, { dueAt: new Date(now + hours(10)), expectedVersion: item.version });
    expect(moved.version).toBe(2);
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(2)))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(11)))).toBe(1);

    // Reminded once, then given more time: reminded again at the new date, not before.
    await updateActionItem(ctx, incident.id, item.id, { dueAt: new Date(now + hours(30)) });
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(29)))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(31)))).toBe(1);

    const other = await createActionItem(ctx, incident.id, { title: 'Write docs', ownerName: 'Cy', dueAt: new Date(now + hours(1)) });
    await updateActionItem(ctx, incident.id, other.id, { status: 'done' });
    expect(await firebreak.scheduler.runDueTimers(new Date(now + hours(5)))).toBe(0);
    await expect(updateActionItem(ctx, incident.id, other.id, { status: 'open', expectedVersion: 1 })).rejects.toMatchObject({
      code: 'stale_version',
    });
  });

  it('records each change as one timeline event naming what changed', async ({ firebreak }) => {
    const ctx = personContext(firebreak, 'commander', 'Ana');
    const incident = await declareTestIncident(ctx);
    const item = await createActionItem(ctx, incident.id, { title: 'Fix alert', ownerName: 'Bo' });
    await updateActionItem(ctx, incident.id, item.id, { ownerName: 'Cy', status: 'in_progress' });
    // The same values again change nothing.
    await updateActionItem(ctx, incident.id, item.id, { ownerName: 'Cy' });
    const events = (await listTimeline(firebreak.database.db, incident.id, { limit: 100 })).events.filter((event) =>
      event.type.startsWith('action_item.'),
    );
    expect(events.map((event) => event.type)).toEqual(['action_item.created', 'action_item.updated']);
    expect(events[1]?.data.changes).toEqual({ ownerName: { from: 'Bo', to: 'Cy' }, status: { from: 'open', to: 'in_progress' } });
  });

  it('serves action items over the API with validation', async ({ firebreak }) => {
    const incident = await declareTestIncident(personContext(firebreak, 'commander', 'Ana'));
    const created = await firebreak.request('POST', `/api/incidents/INC-${incident.number}/action-items`, {
      json: { title: 'Add canary', ownerName: 'Bo', dueAt: '2031-05-01T12:00:00Z' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const patched = await firebreak.request('PATCH', `/api/incidents/INC-${incident.number}/action-items/${id}`, {
      json: { status: 'done' },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: 'done', completedAt: expect.any(String) });
    expect(
      (await firebreak.request('PATCH', `/api/incidents/INC-${incident.number}/action-items/${id}`, { json: { status: 'finished' } }))
        .status,
    ).toBe(400);
    expect((await firebreak.request('PATCH', `/api/incidents/INC-${incident.number}/action-items/${id}`, { json: {} })).status).toBe(400);
    expect(
      (await firebreak.request('PATCH', `/api/incidents/INC-${incident.number}/action-items/nope`, { json: { status: 'open' } })).status,
    ).toBe(404);
    const list = (await (await firebreak.request('GET', `/api/incidents/INC-${incident.number}/action-items`)).json()) as {
      actionItems: unknown[];
    };
    expect(list.actionItems).toHaveLength(1);
  });
});
