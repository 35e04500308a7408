import { expect } from 'vitest';
import { systemContext } from '../platform/index.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { declareIncident } from './declare-incident.ts';
import { containsPattern, hasAnyIncident, listIncidents } from './list-incidents.ts';
import { assignRole } from './roles/index.ts';

const references = (page: { incidents: { number: number }[] }) => page.incidents.map((incident) => `INC-${incident.number}`);

describeOnBackends('the incident list', () => {
  it('searches title, reference, services and labels, and matches parts of service and commander names', { timeout: 90_000 }, async ({
    database,
    firebreak,
  }) => {
    const ctx = systemContext(database.db, firebreak.config);
    expect(await hasAnyIncident(database.db)).toBe(false);
    const checkout = await declareIncident(ctx, {
      title: 'Checkout latency above 2s',
      severity: 'sev2',
      services: ['checkout-api'],
      labels: { team: 'payments', region: 'eu-west-1' },
    });
    const login = await declareIncident(ctx, { title: 'Login errors', severity: 'sev3', services: ['auth'], labels: { team: 'identity' } });
    const odd = await declareIncident(ctx, { title: '100% of 5xx_errors', severity: 'sev4', services: ['edge_proxy'] });
    await assignRole(ctx, login.id, { role: 'commander', name: 'Robin Quinn' });
    expect(await hasAnyIncident(database.db)).toBe(true);

    const search = async (q: string) => references(await listIncidents(database.db, { q }));
    expect(await search('LATENCY')).toEqual([`INC-${checkout.number}`]);
    expect(await search(`INC-${login.number}`)).toEqual([`INC-${login.number}`]);
    expect(await search(`inc-${login.number}`)).toEqual([`INC-${login.number}`]);
    expect(await search('team=payments')).toEqual([`INC-${checkout.number}`]);
    expect(await search('eu-west')).toEqual([`INC-${checkout.number}`]);
    expect(await search('identity')).toEqual([`INC-${login.number}`]);
    expect(await search('nothing like this')).toEqual([]);
    // % and _ are the characters typed, not wildcards.
    expect(await search('100%')).toEqual([`INC-${odd.number}`]);
    expect(await search('%')).toEqual([`INC-${odd.number}`]);
    expect(await search('5xx_')).toEqual([`INC-${odd.number}`]);
    expect(await search('0_o')).toEqual([]);

    expect(references(await listIncidents(database.db, { service: 'CHECKOUT' }))).toEqual([`INC-${checkout.number}`]);
    // As a wildcard, _ would match the '-' of checkout-api.
    expect(references(await listIncidents(database.db, { service: 'checkout_api' }))).toEqual([]);
    expect(references(await listIncidents(database.db, { service: 'edge_' }))).toEqual([`INC-${odd.number}`]);
    expect(references(await listIncidents(database.db, { commander: 'quinn' }))).toEqual([`INC-${login.number}`]);
    expect(references(await listIncidents(database.db, { commander: 'casey' }))).toEqual([]);
    expect(containsPattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%');
  });

  it('pages with cursors in a stable order, newest first or most urgent first, without gaps or repeats', { timeout: 90_000 }, async ({
    database,
    firebreak,
  }) => {
    const ctx = systemContext(database.db, firebreak.config);
    const severities = ['sev3', 'sev1', 'sev2', 'sev1', 'sev4', 'sev3', 'sev2'] as const;
    const declared = [];
    for (const [index, severity] of severities.entries())
      declared.push(await declareIncident(ctx, { title: `Incident ${index}`, severity, services: ['api'] }));

    const walk = async (order: 'newest' | 'urgency') => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listIncidents(database.db, { status: 'open', order, limit: 3, cursor });
        seen.push(...references(page));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 10);
      return { seen, pages };
    };

    const newest = await walk('newest');
    expect(newest.pages).toBe(3);
    expect(newest.seen).toEqual([...declared].reverse().map((incident) => `INC-${incident.number}`));

    const urgency = await walk('urgency');
    const expected = [...declared]
      .sort((a, b) => a.severity.localeCompare(b.severity) || a.detectedAt.getTime() - b.detectedAt.getTime() || a.id.localeCompare(b.id))
      .map((incident) => `INC-${incident.number}`);
    expect(urgency.seen).toEqual(expected);

    // A cursor continues only the order it came from.
    const first = await listIncidents(database.db, { order: 'urgency', limit: 2 });
    await expect(listIncidents(database.db, { order: 'newest', cursor: first.nextCursor ?? '' })).rejects.toThrow(/cursor/);
    await expect(listIncidents(database.db, { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
  });
});
