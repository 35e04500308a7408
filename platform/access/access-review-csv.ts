import { csvLine } from '../text/index.ts';
import type { AccessReviewReport, ReviewedChange } from './access-review.ts';

const HEADER = [
  'type',
  'id',
  'name',
  'email_or_owner',
  'role',
  'status',
  'login',
  'mfa',
  'last_login_or_use',
  'created_at',
  'elevations_in_period',
  'changes_in_period',
];

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : '');

function describeChange(change: ReviewedChange): string {
  return `${iso(change.at)} ${change.action} by ${change.actorName}`;
}

/** The review as one table a spreadsheet opens: a row per person and per token (CRLF line ends). */
export function accessReviewCsv(report: AccessReviewReport): string {
  const changesAbout = (targetType: string, id: string) =>
    report.changes
      .filter((change) => change.targetType === targetType && change.targetId === id)
      .map(describeChange)
      .join('; ');
  const rows: (string | number | null)[][] = [];
  for (const person of report.people) {
    const elevations = report.elevations
      .filter((elevation) => elevation.userId === person.id)
      .map(
        (elevation) =>
          `${elevation.role} ${elevation.status} ${iso(elevation.startsAt ?? elevation.requestedAt)}–${iso(elevation.endedAt ?? elevation.endsAt)}` +
          ` (${elevation.selfApproved ? 'self-approved' : `decided by ${elevation.decidedByName ?? 'nobody yet'}`}, ${elevation.actionsTaken} actions): ${elevation.reason}`,
      )
      .join('; ');
    const elevationChanges = report.changes.filter(
      (change) => change.targetType === 'elevation' && report.elevations.some((e) => e.id === change.targetId && e.userId === person.id),
    );
    rows.push([
      'person',
      person.id,
      person.name,
      person.email,
      person.role,
      person.status,
      person.login,
      person.mfa,
      iso(person.lastLoginAt),
      iso(person.createdAt),
      elevations,
      [changesAbout('user', person.id), ...elevationChanges.map(describeChange)].filter(Boolean).join('; '),
    ]);
  }
  for (const token of report.tokens) {
    rows.push([
      `${token.kind} token`,
      token.id,
      token.name,
      token.ownerName ?? '',
      token.role,
      token.status,
      'bearer token',
      'none',
      iso(token.lastUsedAt),
      iso(token.createdAt),
      '',
      changesAbout('api_token', token.id),
    ]);
  }
  return [HEADER, ...rows].map((row) => csvLine(row)).join('');
}
