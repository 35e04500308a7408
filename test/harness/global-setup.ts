import postgres from 'postgres';
import { TEST_DATABASE_PREFIX } from './database.ts';

const STALE_AFTER_SECONDS = 3600;

/** Drops test databases that a crashed run left on the server more than an hour ago. */
export async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${TEST_DATABASE_PREFIX}%`}`;
    const cutoff = Date.now() / 1000 - STALE_AFTER_SECONDS;
    for (const { datname } of rows) {
      const created = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
      if (Number.isFinite(created) && created < cutoff) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
