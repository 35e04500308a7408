import type { PersonalMessage } from '../../notifier/index.ts';
import type { ActionItem } from './schema/action-items.ts';

/** "2031-05-01 23:59 UTC" */
const shownTime = (at: Date) => `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)} UTC`;

/** "3 days", "5 hours", "20 minutes" */
function elapsed(milliseconds: number): string {
  const minutes = Math.max(1, Math.round(milliseconds / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  return `${Math.round(hours / 24)} days`;
}

/**
 * The reminder an overdue action item's owner gets: what, from which incident, when it was due, and
 * where to mark it done or give it a new date. A reminder of work that is late, not a countdown.
 */
export function overdueReminder(
  item: Pick<ActionItem, 'title' | 'ownerName' | 'remindersSent'> & { dueAt: Date },
  incident: { reference: string; title: string; link: string },
  now: Date,
): PersonalMessage {
  const due = shownTime(item.dueAt);
  const late = elapsed(now.getTime() - item.dueAt.getTime());
  const which = item.remindersSent > 1 ? ` (reminder ${item.remindersSent})` : '';
  const slackDue = `<!date^${Math.floor(item.dueAt.getTime() / 1000)}^{date_short_pretty} {time}|${due}>`;
  const page = `${incident.link}#action-items`;
  return {
    slackText: `:clipboard: Reminder${which}: your action item *${item.title}* from ${incident.reference} (${incident.title}) was due ${slackDue}, ${late} ago. Mark it done or give it a new due date on <${page}|the incident's page>.`,
    subject: `Reminder: your action item "${item.title}" (${incident.reference}) was due ${due.slice(0, 10)}`,
    text: [
      `Hello ${item.ownerName},`,
      `Reminder${which}: your action item "${item.title}" from ${incident.reference} (${incident.title}) was due ${due}, ${late} ago, and is not done yet.`,
      `Mark it done, or give it a new due date, on the incident's page:\n${page}`,
      '— Firebreak',
    ].join('\n\n'),
  };
}
