import { and, gt, lte } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { matchesAll } from './matchers.ts';
import { silences } from './schema/silences.ts';
import type { Silence } from './schema/silences.ts';

/** Silences in force at `now`. */
export async function activeSilences(db: Database, now: Date): Promise<Silence[]> {
  return db
    .select()
    .from(silences)
    .where(and(lte(silences.startsAt, now), gt(silences.endsAt, now)));
}

/** The silence that mutes an alert with these labels, if any (the one that ends last). */
export function findSilence(active: readonly Silence[], labels: Readonly<Record<string, string>>): Silence | undefined {
  let found: Silence | undefined;
  for (const silence of active) {
    if (matchesAll(silence.matchers, labels) && (!found || silence.endsAt.getTime() > found.endsAt.getTime())) found = silence;
  }
  return found;
}
