import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect } from 'vitest';
import type { DatabaseHandle } from '../../../platform/index.ts';
import { createLogger, loadConfig, openDatabase, queryRows, systemContext } from '../../../platform/index.ts';
import type { Firebreak } from '../../../server.ts';
import { createFirebreak } from '../../../server.ts';
import type { Backend } from '../../../test/harness/database.ts';
import { createEmptyPostgresDatabase, databaseBackends } from '../../../test/harness/database.ts';
import { describeOnBackends, it } from '../../../test/harness/fixtures.ts';
import { declareIncident } from '../../declare-incident.ts';
import { recordBreachFacts } from '../assessment/record-facts.ts';
import { getBreachStatus } from '../get-breach-status.ts';
import { applyRegime } from './apply-regime.ts';

const HOUR = 3_600_000;
const logger = createLogger('silent');

/** A database that outlives the app on it: a PGlite data folder, or a Postgres database by URL. */
async function persistentDatabase(backend: Backend): Promise<{ open(): Promise<DatabaseHandle>; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const folder = await mkdtemp(path.join(tmpdir(), 'firebreak-breach-'));
    return { open: () => openDatabase({ dataDirectory: folder }), drop: async () => undefined };
  }
  const database = await createEmptyPostgresDatabase();
  return { open: () => openDatabase({ url: database.url, poolSize: 5 }), drop: database.drop };
}

async function startFirebreak(database: DatabaseHandle): Promise<Firebreak> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-breach-app-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDirectory,
    SCHEDULER_ENABLED: 'false',
    FIREBREAK_BOOTSTRAP_TOKEN: `fbk_test_admin_${'y'.repeat(40)}`,
  });
  return createFirebreak(config, { database, logger });
}

/** An incident identified an hour before `start`, under contract-24h: due 23 h after `start`. */
async function breachUnderContract(firebreak: Firebreak, identifiedAt: Date): Promise<string> {
  const ctx = systemContext(firebreak.database.db, firebreak.config);
  const incident = await declareIncident(ctx, { title: 'Leaked customer export', severity: 'sev1' });
  await recordBreachFacts(ctx, incident.id, { anchors: { identifiedAt: identifiedAt.toISOString() } });
  await applyRegime(ctx, incident.id, { regimeId: 'contract-24h' });
  return incident.id;
}

async function warningsSent(db: DatabaseHandle['db']): Promise<{ total: number; distinct: number; timeline: number }> {
  const [row] = await queryRows<{ total: number; distinct: number }>(
    db,
    sql`select count(*)::int as total, count(distinct (obligation_id, due_at, point))::int as distinct from breach_warnings`,
  );
  const [events] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from timeline_events where type = 'breach.deadline_warning'`,
  );
  return { total: row?.total ?? 0, distinct: row?.distinct ?? 0, timeline: events?.count ?? 0 };
}

describeOnBackends('deadline enforcement', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('warns at 50/75/90 %, an hour before, at the deadline and every 4 h after; each once, the missed ones at once after downtime', async () => {
    const storage = await persistentDatabase(backend);
    cleanups.push(storage.drop);
    let firebreak = await startFirebreak(await storage.open());
    const start = new Date();
    const incidentId = await breachUnderContract(firebreak, new Date(start.getTime() - HOUR));
    const points = async () => {
      const status = await getBreachStatus(firebreak.database.db, incidentId, { publicUrl: 'http://x' }, start);
      return status.obligations[0]?.warningsSent.map((warning) => `${warning.point}${warning.overdue ? '!' : ''}`);
    };
    const at = (hours: number) => new Date(start.getTime() + hours * HOUR + 1000);

    expect(await firebreak.scheduler.runDueTimers(at(10))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(at(11))).toBe(1);
    expect(await firebreak.scheduler.runDueTimers(at(11))).toBe(0);
    expect(await points()).toEqual(['p50']);

    // A restart: the warnings already sent stay sent, the pending ones are still there.
    await firebreak.close();
    firebreak = await startFirebreak(await storage.open());
    expect(await firebreak.scheduler.runDueTimers(at(11))).toBe(0);

    // Down from 11 h to 30 h: p75, p90, 1 h before and the deadline fire at the next tick, once each.
    expect(await firebreak.scheduler.runDueTimers(at(30))).toBe(4);
    expect(await firebreak.scheduler.runDueTimers(at(30))).toBe(0);
    // Sent after the deadline, each of them says it is overdue (and so pages).
    expect(await points()).toEqual(['p50', 'p75!', 'p90!', 'before-1h!', 'due!']);
    // The next overdue reminder is in the future (due + 8 h = 31 h), not a burst of the missed ones.
    expect(await firebreak.scheduler.runDueTimers(at(31))).toBe(1);
    expect(await firebreak.scheduler.runDueTimers(at(35))).toBe(1);
    expect(await points()).toEqual(['p50', 'p75!', 'p90!', 'before-1h!', 'due!', 'overdue-2!', 'overdue-3!']);

    const timeline = await queryRows<{ data: { overdue: boolean; obligation: string; dueAt: string } }>(
      firebreak.database.db,
      sql`select data from timeline_events where type = 'breach.deadline_warning' order by id`,
    );
    expect(timeline).toHaveLength(7);
    expect(timeline[0]?.data).toMatchObject({
      overdue: false,
      obligation: expect.stringMatching(/contract-24h/),
      dueAt: new Date(start.getTime() + 23 * HOUR).toISOString(),
    });
    await firebreak.close();
  });

  it('stops warning once the obligation is submitted, and moves warnings with a moved deadline', async ({ firebreak }) => {
    const start = new Date();
    const incidentId = await breachUnderContract(firebreak, new Date(start.getTime() - HOUR));
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    // Identification was in fact 20 h ago: due in 4 h; the latest missed point (p75) is announced at once.
    await recordBreachFacts(ctx, incidentId, { anchors: { identifiedAt: new Date(start.getTime() - 20 * HOUR).toISOString() } });
    expect(await firebreak.scheduler.runDueTimers(new Date(start.getTime() + 1000))).toBe(1);
    const status = await getBreachStatus(firebreak.database.db, incidentId, { publicUrl: 'http://x' }, start);
    const obligation = status.obligations[0];
    expect(obligation?.warningsSent.map((warning) => warning.point)).toEqual(['p75']);
    expect(obligation?.nextWarning?.point).toBe('p90');
    if (!obligation) throw new Error('no obligation');
    const { submitObligation } = await import('./submit-obligation.ts');
    await submitObligation(ctx, obligation.id, { via: 'email' });
    expect(await firebreak.scheduler.runDueTimers(new Date(start.getTime() + 48 * HOUR))).toBe(0);
    expect((await warningsSent(firebreak.database.db)).total).toBe(1);
  });
});

describeOnBackends('concurrent breach writes', () => {
  it('never loses a submission to a recomputation running at the same time, and never deadlocks', async ({ firebreak }) => {
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    const start = new Date();
    const incidentId = await breachUnderContract(firebreak, new Date(start.getTime() - HOUR));
    await applyRegime(ctx, incidentId, { regimeId: 'contract-48h' });
    const { submitObligation } = await import('./submit-obligation.ts');
    const status = await getBreachStatus(firebreak.database.db, incidentId);
    const writes = [
      ...status.obligations.map((obligation) => submitObligation(ctx, obligation.id, { via: 'portal' })),
      ...[2, 3, 4].map((hours) =>
        recordBreachFacts(ctx, incidentId, { anchors: { identifiedAt: new Date(start.getTime() - hours * HOUR).toISOString() } }),
      ),
    ];
    await Promise.all(writes);
    const after = await getBreachStatus(firebreak.database.db, incidentId);
    expect(after.obligations.map((obligation) => obligation.status)).toEqual(['submitted', 'submitted']);
  });
});

describe.each(databaseBackends.filter((backend) => backend === 'postgres'))('deadline enforcement with two replicas on %s', (backend) => {
  it('fires each warning exactly once when two schedulers tick together', async () => {
    const storage = await persistentDatabase(backend);
    const one = await startFirebreak(await storage.open());
    const two = await startFirebreak(await storage.open());
    try {
      const start = new Date();
      for (let index = 0; index < 40; index++) await breachUnderContract(one, new Date(start.getTime() - HOUR));
      const due = new Date(start.getTime() + 30 * HOUR);
      const [firedByOne, firedByTwo] = await Promise.all([one.scheduler.runDueTimers(due), two.scheduler.runDueTimers(due)]);
      // 40 obligations × (p50, p75, p90, 1 h before, deadline).
      expect(firedByOne + firedByTwo).toBe(200);
      expect(await warningsSent(one.database.db)).toEqual({ total: 200, distinct: 200, timeline: 200 });
      const again = await Promise.all([one.scheduler.runDueTimers(due), two.scheduler.runDueTimers(due)]);
      expect(again).toEqual([0, 0]);
    } finally {
      await one.close();
      await two.close();
      await storage.drop();
    }
  });
});
