import type { AccessAnnouncement, AccessAnnouncer, Config, Database, Person } from '../platform/index.ts';
import { findPerson, listAdminPeople } from '../platform/index.ts';
import { accessMessage } from './access-messages.ts';
import { enqueueSlackMessage, messagePerson } from './direct-messages.ts';

/** A stable name for an announcement, for idempotency keys: one message per announcement and recipient. */
function announcementKey(announcement: AccessAnnouncement): string {
  return announcement.kind === 'access_review.due'
    ? `access:review-due:${announcement.dueAt.toISOString()}`
    : `access:${announcement.kind}:${announcement.elevation.id}`;
}

/** Who is told personally (besides the ops channel): admins where they must act or watch, the person about their own. */
function personalRecipients(announcement: AccessAnnouncement, admins: Person[], subject: Person | null): Person[] {
  switch (announcement.kind) {
    case 'access_review.due':
      return admins;
    case 'elevation.requested':
      return admins.filter((admin) => admin.id !== announcement.elevation.userId);
    case 'elevation.granted':
      // Granted without a second person: every admin hears of it.
      return announcement.elevation.selfApproved ? admins : subject ? [subject] : [];
    case 'elevation.refused':
    case 'elevation.expired':
    case 'elevation.request_expired':
      return subject ? [subject] : [];
    default:
      return [];
  }
}

/**
 * The notifier's AccessAnnouncer: each elevation step and review reminder goes to the ops channel
 * (SLACK_BROADCAST_CHANNEL, when set), and personally (Slack DM, or e-mail) to whoever must act or
 * is concerned. Written in the caller's transaction: the outbox delivers after commit.
 */
export const announceAccess: AccessAnnouncer = async (tx: Database, config: Config, announcement: AccessAnnouncement) => {
  const message = accessMessage(announcement, config.publicUrl);
  const key = announcementKey(announcement);
  if (config.SLACK_BROADCAST_CHANNEL) {
    await enqueueSlackMessage(tx, config, { channel: config.SLACK_BROADCAST_CHANNEL, text: message.slackText }, `${key}:channel`);
  }
  const subject = announcement.kind === 'access_review.due' ? null : await findPerson(tx, announcement.elevation.userId);
  for (const recipient of personalRecipients(announcement, await listAdminPeople(tx), subject)) {
    await messagePerson(tx, config, recipient, message, `${key}:${recipient.id}`);
  }
};
