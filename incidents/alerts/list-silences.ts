import type { SQL } from 'drizzle-orm';
import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/index.ts';
import { NotFoundError } from '../../platform/index.ts';
import type { Silence } from './schema/silences.ts';
import { silences } from './schema/silences.ts';

export const SilenceListQuery = z.object({
  status: z.enum(['pending', 'active', 'expired', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type SilenceListQuery = z.input<typeof SilenceListQuery>;

/** Silences, latest ending first. */
export async function listSilences(db: Database, rawQuery: SilenceListQuery): Promise<Silence[]> {
  const query = SilenceListQuery.parse(rawQuery);
  const now = new Date();
  const conditions: Record<SilenceListQuery['status'] & string, SQL | undefined> = {
    all: undefined,
    pending: gt(silences.startsAt, now),
    active: and(lte(silences.startsAt, now), gt(silences.endsAt, now)),
    expired: lte(silences.endsAt, now),
  };
  return db
    .select()
    .from(silences)
    .where(conditions[query.status])
    .orderBy(desc(silences.endsAt), desc(sql`${silences.createdAt}`))
    .limit(query.limit);
}

export async function getSilence(db: Database, id: string): Promise<Silence> {
  const [silence] = z.uuid().safeParse(id).success ? await db.select().from(silences).where(eq(silences.id, id)) : [];
  if (!silence) throw new NotFoundError(`No silence "${id}".`);
  return silence;
}
