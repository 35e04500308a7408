import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { Slo } from './schema/slos.ts';
import { slos } from './schema/slos.ts';

/** Every SLO (or one service's), by service then name. */
export async function listSlos(db: Database, service?: string): Promise<Slo[]> {
  const query = db.select().from(slos);
  return (service ? query.where(eq(slos.service, service)) : query).orderBy(asc(slos.service), asc(slos.name));
}
