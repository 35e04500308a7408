import type { Database } from '../../platform/index.ts';
import { epochMs, preparedStatement } from '../../platform/index.ts';
import type { Matcher } from './matchers.ts';
import { matchesAll } from './matchers.ts';

/** A silence in force, as matching alerts against it needs it. */
export interface ActiveSilence {
  id: string;
  matchers: Matcher[];
  endsAt: Date;
}

const selectActive = preparedStatement<[now: string], { id: string; matchers: Matcher[]; ends_at: number }>(`
  select id::text as id, matchers, ${epochMs('ends_at')} as ends_at
  from silences where starts_at <= $1::text::timestamptz and ends_at > $1::text::timestamptz`);

/** Silences in force at `now`. */
export async function activeSilences(db: Database, now: Date): Promise<ActiveSilence[]> {
  const rows = await selectActive(db, now.toISOString());
  return rows.map((row) => ({ id: row.id, matchers: row.matchers, endsAt: new Date(row.ends_at) }));
}

/** The silence that mutes an alert with these labels, if any (the one that ends last). */
export function findSilence(active: readonly ActiveSilence[], labels: Readonly<Record<string, string>>): ActiveSilence | undefined {
  let found: ActiveSilence | undefined;
  for (const silence of active) {
    if (matchesAll(silence.matchers, labels) && (!found || silence.endsAt.getTime() > found.endsAt.getTime())) found = silence;
  }
  return found;
}
