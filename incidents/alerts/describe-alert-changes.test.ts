import { describe, expect, it } from 'vitest';
import { compactRuns, describeAlertChanges } from './describe-alert-changes.ts';

const alert = (alertname: string, instance?: string) => ({
  fingerprint: `${alertname}${instance ?? ''}`.padEnd(16, '0'),
  labels: instance ? { alertname, instance } : ({ alertname } as Record<string, string>),
});
const none = { joined: [], refired: [], resolved: [], expired: [] };

describe('the sentence of a delivery', () => {
  it('names a single alert naturally', () => {
    expect(describeAlertChanges({ ...none, joined: [alert('HighErrorRate', 'api-1')] })).toBe('HighErrorRate on api-1 joined');
    expect(describeAlertChanges({ ...none, refired: [alert('Watchdog')] })).toBe('Watchdog fired again');
  });

  it('compacts the label that varies into ranges and counts the rest', () => {
    expect(compactRuns(['api-3:9100', 'api-1:9100', 'api-2:9100', 'api-5:9100']).map((run) => run.text)).toEqual([
      'api-1:9100…api-3:9100',
      'api-5:9100',
    ]);
    expect(compactRuns(['node-a', 'node-b']).map((run) => run.text)).toEqual(['node-a', 'node-b']);
    const storm = Array.from({ length: 37 }, (_, index) => alert('HighErrorRate', `api-${index + 1}`));
    expect(describeAlertChanges({ ...none, joined: storm })).toBe('37 alerts joined: HighErrorRate on api-1…api-37');
    const scattered = Array.from({ length: 10 }, (_, index) => alert('DiskFull', `db-${index * 2}`));
    expect(describeAlertChanges({ ...none, resolved: scattered })).toBe(
      '10 alerts resolved: DiskFull on db-0, db-2, db-4, db-6 and 6 more',
    );
  });

  it('says when alerts expired: their source went silent, which is not a recovery', () => {
    expect(describeAlertChanges({ ...none, expired: [alert('HighErrorRate', 'api-1')] })).toBe(
      'HighErrorRate on api-1 expired: the source went silent',
    );
  });

  it('tells joins, re-fires and resolutions in one sentence, several alertnames side by side', () => {
    expect(
      describeAlertChanges({
        joined: [
          alert('HighErrorRate', 'api-1'),
          alert('HighErrorRate', 'api-2'),
          alert('HighErrorRate', 'api-3'),
          alert('SlowQueries', 'db-1'),
        ],
        refired: [],
        resolved: [alert('DiskFull', 'db-9')],
        expired: [],
      }),
    ).toBe('4 alerts joined: HighErrorRate on api-1…api-3, SlowQueries on db-1; DiskFull on db-9 resolved');
  });
});
