import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Database } from '../../../platform/index.ts';
import { describeIssue } from '../../../platform/index.ts';
import { builtInRegime } from './built-in-regimes.ts';
import { RegimeDefinition } from './regime-definition.ts';
import { breachRegimes } from './schema/breach-regimes.ts';

const RegimesFile = z.strictObject({ regimes: z.array(RegimeDefinition).max(200) });

export class RegimesFileError extends Error {
  constructor(path: string, problems: string[]) {
    super(`BREACH_REGIMES_FILE ${path}: ${problems.join('; ')}`);
    this.name = 'RegimesFileError';
  }
}

/**
 * Loads operator regimes from a JSON file ({"regimes": [...]}) into the catalog at start, replacing
 * what an earlier start loaded from it. A bad file stops the start with a message naming the problem.
 */
export async function loadRegimesFile(db: Database, path: string): Promise<string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RegimesFileError(path, [(error as Error).message]);
  }
  const parsed = RegimesFile.safeParse(raw);
  if (!parsed.success) throw new RegimesFileError(path, parsed.error.issues.slice(0, 10).map(describeIssue));
  const ids = parsed.data.regimes.map((regime) => regime.id);
  const clash = ids.find((id) => builtInRegime(id));
  if (clash) throw new RegimesFileError(path, [`regime "${clash}" is built in; give yours another id`]);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new RegimesFileError(path, [`regime "${duplicate}" appears twice`]);
  await db.transaction(async (tx) => {
    for (const definition of parsed.data.regimes) {
      await tx
        .insert(breachRegimes)
        .values({ id: definition.id, definition, source: 'file', updatedBy: `file ${path}` })
        .onConflictDoUpdate({
          target: breachRegimes.id,
          set: { definition, source: 'file', updatedBy: `file ${path}`, updatedAt: new Date() },
        });
    }
  });
  return ids;
}
