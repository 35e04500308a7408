import { and, eq, inArray, sql } from 'drizzle-orm';
import { messagePerson, notifyIncidentChange } from '../../notifier/index.ts';
import type { Config, Database, Timer } from '../../platform/index.ts';
import { cancelTimers, findPerson, SYSTEM_ACTOR, scheduleTimer } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { currentCommander } from '../roles/index.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { overdueReminder } from './reminder-message.ts';
import type { ActionItem } from './schema/action-items.ts';
import { actionItems } from './schema/action-items.ts';

/**
 * The durable timer kind of overdue reminders: one timer per reminder, keyed
 * "<item id>:v<item version>:r<reminder number>", since a timer that fired keeps its key for good and a
 * re-planned item (new due date) must get fresh ones.
 */
export const ACTION_ITEM_OVERDUE_TIMER = 'incidents.action_item_overdue';

const reminderKey = (item: ActionItem, reminder: number) => `${item.id}:v${item.version}:r${reminder}`;

/** (Re)plans an item's next reminder in the caller's transaction: at its due date, while it is open. */
export async function planActionItemReminder(tx: Database, item: ActionItem): Promise<void> {
  await cancelTimers(tx, ACTION_ITEM_OVERDUE_TIMER, `${item.id}:`);
  if (!item.dueAt || item.status === 'done' || item.status === 'cancelled') return;
  await scheduleTimer(tx, {
    kind: ACTION_ITEM_OVERDUE_TIMER,
    key: reminderKey(item, item.remindersSent + 1),
    dueAt: item.dueAt,
    payload: { actionItemId: item.id },
  });
}

/**
 * The timer handler: an item still open past its due date gets an 'action_item.overdue' event and a
 * reminder to its owner (a Slack direct message when they have a Slack id, otherwise an e-mail; in the
 * incident's channel when the owner has no account), then another one every
 * ACTION_ITEM_REMINDER_INTERVAL_HOURS until it is done or cancelled.
 */
export function remindOverdueActionItem(config: Config) {
  const intervalMs = config.ACTION_ITEM_REMINDER_INTERVAL_HOURS * 3600 * 1000;
  return async (tx: Database, timer: Timer, now: Date): Promise<void> => {
    const actionItemId = typeof timer.payload.actionItemId === 'string' ? timer.payload.actionItemId : null;
    if (!actionItemId) return;
    const [item] = await tx
      .update(actionItems)
      .set({ remindersSent: sql`${actionItems.remindersSent} + 1` })
      .where(
        and(eq(actionItems.id, actionItemId), inArray(actionItems.status, ['open', 'in_progress']), sql`${actionItems.dueAt} <= ${now}`),
      )
      .returning();
    // Done, cancelled or moved to a later date since the timer was set: nothing is owed.
    if (!item?.dueAt) return;
    const incident = await getIncident(tx, item.incidentId);
    const reference = incidentReference(incident);
    // The owner is reminded directly (Slack DM or e-mail); an owner known only by name, in the incident's channel.
    const owner = item.ownerUserId ? await findPerson(tx, item.ownerUserId) : null;
    const reminded = owner
      ? await messagePerson(
          tx,
          config,
          owner,
          overdueReminder(
            { ...item, dueAt: item.dueAt },
            { reference, title: incident.title, link: `${config.publicUrl}/incidents/${reference}` },
            now,
          ),
          `action-item:${item.id}:v${item.version}:r${item.remindersSent}`,
        )
      : null;
    const details = {
      subject: 'action_item',
      name: `Overdue action item "${item.title}" (owner ${item.ownerName})`,
      actionItemId: item.id,
      title: item.title,
      ownerName: item.ownerName,
      ownerUserId: item.ownerUserId,
      dueAt: item.dueAt.toISOString(),
      overdueSeconds: Math.round((now.getTime() - item.dueAt.getTime()) / 1000),
      reminder: item.remindersSent,
      remindedVia: reminded?.via ?? 'incident_channel',
    };
    await appendTimelineEvent(tx, SYSTEM_ACTOR, { incidentId: incident.id, type: 'action_item.overdue', occurredAt: now, data: details });
    // A reminder, not a page: overdue follow-up work does not wake anyone.
    if (!reminded) {
      await notifyIncidentChange(tx, config, {
        kind: 'deadline_warning',
        incident: incidentSnapshot(incident, await currentCommander(tx, incident.id)),
        at: now,
        actorName: SYSTEM_ACTOR.name,
        deadline: {
          subject: 'action_item',
          actionItemId: item.id,
          title: item.title,
          ownerName: item.ownerName,
          reminder: item.remindersSent,
          dueAt: item.dueAt,
        },
      });
    }
    await scheduleTimer(tx, {
      kind: ACTION_ITEM_OVERDUE_TIMER,
      key: reminderKey(item, item.remindersSent + 1),
      dueAt: new Date(now.getTime() + intervalMs),
      payload: { actionItemId: item.id },
    });
  };
}
