import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { NotFoundError } from '../../../platform/index.ts';
import { BUILT_IN_REGIMES, builtInRegime } from './built-in-regimes.ts';
import { RegimeDefinition } from './regime-definition.ts';
import { breachRegimes } from './schema/breach-regimes.ts';

export type RegimeSource = 'built-in' | 'api' | 'file';

export interface CatalogRegime {
  source: RegimeSource;
  definition: RegimeDefinition;
  updatedBy: string | null;
  updatedAt: Date | null;
}

function fromRow(row: typeof breachRegimes.$inferSelect): CatalogRegime {
  // Stored definitions were validated on the way in; parsing again fills defaults added since.
  return { source: row.source, definition: RegimeDefinition.parse(row.definition), updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}

/** Every regime: the built-in ones, then those operators defined (API or regimes file). */
export async function listRegimes(db: Database): Promise<CatalogRegime[]> {
  const rows = await db.select().from(breachRegimes).orderBy(asc(breachRegimes.id));
  return [
    ...BUILT_IN_REGIMES.map((definition) => ({ source: 'built-in' as const, definition, updatedBy: null, updatedAt: null })),
    ...rows.map(fromRow),
  ];
}

/** One regime by id; NotFoundError naming the ids there are. */
export async function getRegime(db: Database, id: string): Promise<CatalogRegime> {
  const builtIn = builtInRegime(id);
  if (builtIn) return { source: 'built-in', definition: builtIn, updatedBy: null, updatedAt: null };
  const [row] = await db.select().from(breachRegimes).where(eq(breachRegimes.id, id));
  if (row) return fromRow(row);
  const known = (await listRegimes(db)).map((regime) => regime.definition.id);
  throw new NotFoundError(`No regime "${id}"; there are: ${known.join(', ')}.`);
}
