import { readFile } from 'node:fs/promises';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Config, Database } from '../../platform/index.ts';
import { describeIssue, recordAudit, systemContext } from '../../platform/index.ts';
import { storeSlo } from './put-slo.ts';
import { slos } from './schema/slos.ts';
import { SloFile } from './slo-input.ts';

export class SloFileError extends Error {
  constructor(path: string, problem: string) {
    super(`SLO_CONFIG_FILE (${path}): ${problem}`);
    this.name = 'SloFileError';
  }
}

/**
 * Applies SLO_CONFIG_FILE at start: its SLOs are created or replaced, and SLOs that an earlier version
 * of the file defined but this one does not are removed. A bad file stops the start, naming the problem.
 */
export async function loadSloFile(db: Database, config: Config, path: string): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SloFileError(path, `cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = SloFile.safeParse(json);
  if (!parsed.success) throw new SloFileError(path, parsed.error.issues.slice(0, 10).map(describeIssue).join('; '));
  const seen = new Set<string>();
  for (const slo of parsed.data.slos) {
    const key = `${slo.service}/${slo.name}`;
    if (seen.has(key)) throw new SloFileError(path, `SLO "${slo.name}" of service "${slo.service}" appears twice`);
    seen.add(key);
  }
  const ctx = systemContext(db, config);
  return db.transaction(async (tx) => {
    const kept: string[] = [];
    for (const input of parsed.data.slos) kept.push((await storeSlo(tx, input, 'file')).slo.id);
    const stale = and(eq(slos.source, 'file'), kept.length ? notInArray(slos.id, kept) : sql`true`);
    const removed = await tx.delete(slos).where(stale).returning({ id: slos.id });
    await recordAudit(tx, ctx, {
      action: 'services.slo.load_file',
      targetType: 'slo',
      details: { path, slos: kept.length, removed: removed.length },
    });
    return kept.length;
  });
}
