import { readFile } from 'node:fs/promises';
import { and, eq, notInArray } from 'drizzle-orm';
import { parse } from 'yaml';
import type { Config, Database } from '../../../platform/index.ts';
import { describeIssue, recordAudit, systemContext } from '../../../platform/index.ts';
import { forgetHeartbeats } from './hear-heartbeats.ts';
import type { HeartbeatInput } from './heartbeat-input.ts';
import { HeartbeatsFile, heartbeatValues } from './heartbeat-input.ts';
import { armHeartbeat, disarmHeartbeat, silentAfter } from './heartbeat-timer.ts';
import { heartbeats } from './schema/heartbeats.ts';

export class HeartbeatsFileError extends Error {
  constructor(path: string, problem: string) {
    super(`HEARTBEATS_FILE (${path}): ${problem}`);
    this.name = 'HeartbeatsFileError';
  }
}

/**
 * Applies HEARTBEATS_FILE (YAML, or JSON which is YAML too) at start: its heartbeats are created or
 * replaced by name, and file heartbeats no longer in it are removed. When it was last heard survives a
 * restart. A bad file stops the start.
 */
export async function loadHeartbeatsFile(db: Database, config: Config, path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HeartbeatsFileError(path, `cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new HeartbeatsFileError(path, `is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = HeartbeatsFile.safeParse(document);
  if (!parsed.success) throw new HeartbeatsFileError(path, parsed.error.issues.map(describeIssue).join('; '));
  const valuesOf = (input: HeartbeatInput) => {
    try {
      return heartbeatValues(input);
    } catch (error) {
      throw new HeartbeatsFileError(path, `heartbeat "${input.name}": ${(error as Error).message}`);
    }
  };
  const names = parsed.data.heartbeats.map((heartbeat) => heartbeat.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new HeartbeatsFileError(path, `heartbeat "${duplicate}" is listed twice`);
  await db.transaction(async (tx) => {
    for (const { name, ...input } of parsed.data.heartbeats.map(valuesOf)) {
      const values = { ...input, origin: 'file' as const, updatedAt: new Date() };
      const [stored] = await tx
        .insert(heartbeats)
        .values({ name, ...values })
        .onConflictDoUpdate({ target: heartbeats.name, set: values })
        .returning();
      if (!stored) continue;
      await disarmHeartbeat(tx, stored.id);
      if (!stored.incidentId) await armHeartbeat(tx, stored.id, silentAfter(stored));
    }
    const removed = await tx
      .delete(heartbeats)
      .where(and(eq(heartbeats.origin, 'file'), names.length > 0 ? notInArray(heartbeats.name, names) : undefined))
      .returning({ id: heartbeats.id });
    for (const row of removed) await disarmHeartbeat(tx, row.id);
    await recordAudit(tx, systemContext(tx, config), {
      action: 'alerts.heartbeat.load_file',
      targetType: 'heartbeat',
      details: { path, heartbeats: names.length, removed: removed.length },
    });
  });
  forgetHeartbeats(db);
  return names.length;
}
