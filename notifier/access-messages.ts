import type { AccessAnnouncement } from '../platform/index.ts';
import type { PersonalMessage } from './direct-messages.ts';
import { escapeSlack } from './slack/blocks.ts';

/** "2031-05-01 14:05 UTC" */
const shownTime = (at: Date | null) => (at ? `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)} UTC` : '—');

/** One access announcement, worded for Slack (the ops channel, a DM) and for e-mail. */
export function accessMessage(announcement: AccessAnnouncement, publicUrl: string): PersonalMessage {
  if (announcement.kind === 'access_review.due') {
    const last = announcement.lastReview;
    const page = `${publicUrl}/admin/access-review`;
    const since = last
      ? `The last one was recorded ${shownTime(last.reviewedAt)} by ${last.reviewerName}.`
      : 'No review has been recorded yet.';
    return {
      slackText: `:mag: An access review is due (${shownTime(announcement.dueAt)}). ${escapeSlack(since)} Review who has access and record it on <${page}|the access review page>.`,
      subject: `Access review due ${shownTime(announcement.dueAt).slice(0, 10)}`,
      text: [
        `An access review is due (${shownTime(announcement.dueAt)}). ${since}`,
        `Review every person and token, their roles, elevations and the changes of the period, then record the review:\n${page}`,
        '— Firebreak',
      ].join('\n\n'),
    };
  }
  const elevation = announcement.elevation;
  const who = elevation.userName;
  const page = `${publicUrl}/admin/elevations`;
  const asked = `${who} (${elevation.fromRole}) to ${elevation.role} for ${elevation.minutes} minutes`;
  const reason = `Reason: ${elevation.reason}`;
  const wording: Record<typeof announcement.kind, { emoji: string; line: string; subject: string }> = {
    'elevation.requested': {
      emoji: ':key:',
      line: `Elevation requested: ${asked}. Another admin approves or refuses it.`,
      subject: `Elevation requested: ${who} to ${elevation.role}`,
    },
    'elevation.granted': elevation.selfApproved
      ? {
          emoji: ':rotating_light:',
          line: `BREAK-GLASS: ${who} elevated themselves from ${elevation.fromRole} to ${elevation.role} until ${shownTime(elevation.endsAt)}, without a second admin (ELEVATION_SELF_APPROVE). Everything they do until then is marked in the audit trail.`,
          subject: `BREAK-GLASS: ${who} self-elevated to ${elevation.role}`,
        }
      : {
          emoji: ':unlock:',
          line: `Elevation approved by ${elevation.decidedByName ?? 'an admin'}: ${who} is ${elevation.role} (from ${elevation.fromRole}) until ${shownTime(elevation.endsAt)}.`,
          subject: `Elevation approved: ${who} is ${elevation.role} until ${shownTime(elevation.endsAt)}`,
        },
    'elevation.refused': {
      emoji: ':no_entry:',
      line: `Elevation refused by ${elevation.decidedByName ?? 'an admin'}: ${asked}.${elevation.decisionNote ? ` Note: ${elevation.decisionNote}` : ''}`,
      subject: `Elevation refused: ${who} to ${elevation.role}`,
    },
    'elevation.withdrawn': {
      emoji: ':leftwards_arrow_with_hook:',
      line: `Elevation request withdrawn by ${who}: ${elevation.role}.`,
      subject: `Elevation withdrawn: ${who}`,
    },
    'elevation.ended': {
      emoji: ':lock:',
      line: `Elevation ended early by ${elevation.endedByName ?? 'someone'}: ${who} is ${elevation.fromRole} again.`,
      subject: `Elevation ended: ${who} is ${elevation.fromRole} again`,
    },
    'elevation.expired': {
      emoji: ':lock:',
      line: `Elevation expired: ${who} is ${elevation.fromRole} again (was ${elevation.role} until ${shownTime(elevation.endsAt)}).`,
      subject: `Elevation expired: ${who} is ${elevation.fromRole} again`,
    },
    'elevation.request_expired': {
      emoji: ':hourglass:',
      line: `Elevation request expired unanswered: ${asked}. Nobody decided it in time; ${who} asks again if it is still needed.`,
      subject: `Elevation request expired: ${who} to ${elevation.role}`,
    },
  };
  const { emoji, line, subject } = wording[announcement.kind];
  return {
    slackText: `${emoji} ${escapeSlack(line)}\n>${escapeSlack(reason)}\n<${page}|Elevations>`,
    subject,
    text: [line, reason, `Elevations: ${page}`, '— Firebreak'].join('\n\n'),
  };
}
