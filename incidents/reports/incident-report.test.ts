import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { databaseBackends } from '../../test/harness/database.ts';
import { advanceTo, personContext } from '../../test/harness/incidents.ts';
import { createActionItem } from '../action-items/index.ts';
import { receiveAlerts } from '../alerts/index.ts';
import { addNote, editNote } from '../notes/index.ts';
import { approveRca, writeRca } from '../rca/index.ts';
import { assignRole } from '../roles/index.ts';

describe.each(databaseBackends)('incident report on %s', (backend) => {
  let firebreak: TestFirebreak;
  beforeEach(async () => {
    firebreak = await createTestFirebreak(backend);
  });
  afterEach(async () => {
    await firebreak.close();
  });

  it('tells the whole story of an alert-driven incident, in Markdown and in JSON', async () => {
    const db = firebreak.database.db;
    const startsAt = new Date(Date.now() - 10 * 60_000);
    const summary = await receiveAlerts(
      systemContext(db, firebreak.config),
      [
        {
          labels: { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical' },
          annotations: { summary: '5xx above 5%' },
          startsAt,
          endsAt: null,
        },
      ],
      { groupKey: '{}:{alertname="HighErrorRate"}' },
    );
    const incidentId = summary.incidentsOpened[0];
    if (!incidentId) throw new Error('no incident opened');
    const ana = personContext(db, 'commander', 'Ana');
    await assignRole(ana, incidentId, { role: 'commander', name: 'Ana', userId: ana.actor.userId });
    const note = await addNote(ana, incidentId, { text: 'Suspect deploy 4711' });
    await editNote(ana, incidentId, String(note.data.noteId), { text: 'Confirmed: deploy 4711' });
    await advanceTo(ana, incidentId, 'root_cause_analysis');
    await writeRca(ana, incidentId, {
      summary: 'Deploy 4711 broke checkout.',
      impact: '10 minutes of failed checkouts.',
      rootCauses: ['Missing migration in deploy 4711'],
      fiveWhys: [{ question: 'Why did checkout fail?', answer: 'A column was missing.' }],
      lessonsLearned: 'Run migrations before the code that needs them.',
    });
    await approveRca(personContext(db, 'commander', 'Bo'), incidentId);
    await createActionItem(ana, incidentId, { title: 'Gate deploys on migrations', ownerName: 'Cy', dueAt: new Date(Date.now() - 60_000) });

    const markdown = await (await firebreak.request('GET', `/api/incidents/${incidentId}/report?format=markdown`)).text();
    for (const expected of [
      '## Milestones',
      '| identified | 20',
      '| time to detect | 10 min |',
      '- **commander:** Ana',
      '| HighErrorRate (checkout) | sev1 | firing |',
      'Status: **approved** — written by Ana, approved by Bo',
      '- Missing migration in deploy 4711',
      '1. **Why did checkout fail?** A column was missing.',
      '| Gate deploys on migrations | Cy |',
      '(overdue)',
      'Note: Suspect deploy 4711',
      'Note edited (revision 2): Confirmed: deploy 4711',
      'Phase recovery → root cause analysis',
      '### containment (2/2)',
      'HighErrorRate on checkout joined',
      'Analysis approved (written by Ana)',
    ]) {
      expect(markdown).toContain(expected);
    }
    expect(markdown.indexOf('Note: Suspect deploy 4711')).toBeLessThan(markdown.indexOf('Note edited (revision 2)'));

    const json = (await (await firebreak.request('GET', `/api/incidents/${incidentId}/report?format=json`)).json()) as {
      incident: { reference: string; source: string };
      notes: { text: string; revisions: { revision: number; text: string }[] }[];
      alerts: { labels: Record<string, string> }[];
      rca: Record<string, unknown>;
      figures: { timeToDetectSeconds: number };
    };
    expect(json.incident.source).toBe('alert');
    expect(json.notes[0]).toMatchObject({
      text: 'Confirmed: deploy 4711',
      revisions: [{ revision: 1, text: 'Suspect deploy 4711' }, { revision: 2 }],
    });
    expect(json.alerts[0]?.labels.alertname).toBe('HighErrorRate');
    expect(json.rca).toMatchObject({ status: 'approved', approvedByName: 'Bo' });
    // Internal identity keys of authors stay out of exports.
    expect(json.rca).not.toHaveProperty('contributorKeys');
    expect(json.figures.timeToDetectSeconds).toBeGreaterThanOrEqual(599);
  });
});
