import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { changeKey } from './change-key.ts';
import type { ChangedAlert, IncidentChange, IncidentSnapshot } from './incident-change.ts';

const incident: IncidentSnapshot = {
  id: '00000000-0000-4000-8000-0000000000aa',
  reference: 'INC-7',
  title: 'Checkout errors',
  severity: 'sev2',
  phase: 'identification',
  services: ['checkout'],
  commander: null,
  acknowledgedAt: null,
  recoveredAt: null,
  closedAt: null,
};
const at = new Date('2030-01-02T03:04:05.678Z');
const base = { incident, at, actorName: 'Ana' };

const alert = (fingerprint: string, alertname: string | null): ChangedAlert => ({
  fingerprint,
  alertname,
  severity: 'sev2',
  summary: 'checkout 5xx above 5%',
  labels: alertname ? { alertname, service: 'checkout' } : { service: 'checkout' },
  startsAt: '2030-01-02T03:00:00.000Z',
  endsAt: null,
  generatorUrl: null,
});

/** The key as it was made when changes carried an untyped `details` object. */
function keyFromDetails(change: IncidentChange, details: Record<string, unknown> | undefined): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(details ?? {}))
    .digest('hex')
    .slice(0, 12);
  return `incident:${incident.id}:${change.kind}:${at.toISOString()}:${digest}`;
}

describe('idempotency keys of incident changes', () => {
  // Each change beside the `details` its call site wrote before the kinds were typed: messages queued
  // before an upgrade must keep their keys, or a change notified again would send them twice.
  const cases: [name: string, change: IncidentChange, details: Record<string, unknown> | undefined][] = [
    ['opened', { ...base, kind: 'opened' }, undefined],
    ['acknowledged', { ...base, kind: 'acknowledged', via: 'slack' }, { via: 'slack' }],
    [
      'phase_changed',
      { ...base, kind: 'phase_changed', from: 'containment', to: 'identification', reason: 'wrong guess', override: false },
      { from: 'containment', to: 'identification', reason: 'wrong guess', override: false },
    ],
    [
      'severity_changed',
      { ...base, kind: 'severity_changed', from: 'sev1', to: 'sev2', reason: null },
      { from: 'sev1', to: 'sev2', reason: null },
    ],
    [
      'roles_changed (assigned)',
      {
        ...base,
        kind: 'roles_changed',
        released: false,
        role: 'commander',
        name: 'Ana',
        userId: null,
        previous: { name: 'Bo', userId: 'u-1' },
      },
      { role: 'commander', name: 'Ana', userId: null, previous: { name: 'Bo', userId: 'u-1' } },
    ],
    [
      'roles_changed (released)',
      { ...base, kind: 'roles_changed', released: true, role: 'responder', name: 'Bo', userId: 'u-1' },
      { role: 'responder', name: 'Bo', userId: 'u-1', released: true },
    ],
    [
      'alert_joined',
      { ...base, kind: 'alert_joined', alerts: [alert('f1', 'DiskFull'), alert('f2', null)], count: 3 },
      { alertname: 'DiskFull', fingerprint: 'f1', count: 3, alerts: [alert('f1', 'DiskFull'), alert('f2', null)] },
    ],
    [
      'resolved (alerts)',
      { ...base, kind: 'resolved', via: 'alerts', alerts: [alert('f1', 'DiskFull')] },
      { via: 'alerts', alerts: [alert('f1', 'DiskFull')] },
    ],
    ['resolved (recovery)', { ...base, kind: 'resolved', via: 'recovery' }, { via: 'recovery' }],
    ['reopened', { ...base, kind: 'reopened', alerts: [alert('f1', 'DiskFull')] }, { alerts: [alert('f1', 'DiskFull')] }],
    ['closed', { ...base, kind: 'closed', reason: null }, { reason: null }],
    [
      'note_added',
      { ...base, kind: 'note_added', noteId: 'n-1', text: 'Rolled back deploy 1234', source: 'web' },
      { noteId: 'n-1', text: 'Rolled back deploy 1234', source: 'web' },
    ],
  ];

  it.each(cases)('keeps the key a %s change had before the kinds were typed', (_name, change, details) => {
    expect(changeKey(change)).toBe(keyFromDetails(change, details));
  });

  it('tells apart deadline warnings of one tick: other points, other obligations, other reminders', () => {
    const dueAt = new Date('2030-01-03T00:00:00.000Z');
    const obligation = {
      subject: 'breach_obligation',
      obligationId: 'o-1',
      title: 'Notify the regulator',
      regime: 'gdpr',
      dueAt,
      overdue: false,
    } as const;
    const reminder = { subject: 'action_item', actionItemId: 'a-1', title: 'Add an index', ownerName: 'Bo', dueAt } as const;
    const keys = [
      changeKey({ ...base, kind: 'deadline_warning', deadline: { ...obligation, point: '50%' } }),
      changeKey({ ...base, kind: 'deadline_warning', deadline: { ...obligation, point: '75%' } }),
      changeKey({ ...base, kind: 'deadline_warning', deadline: { ...obligation, obligationId: 'o-2', point: '75%' } }),
      changeKey({ ...base, kind: 'deadline_warning', deadline: { ...reminder, reminder: 1 } }),
      changeKey({ ...base, kind: 'deadline_warning', deadline: { ...reminder, reminder: 2 } }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(changeKey({ ...base, kind: 'deadline_warning', deadline: { ...obligation, point: '50%' } })).toBe(keys[0]);
  });
});
