import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createPostgresTemplate, dropPostgresDatabase, dumpMigratedPglite, TEST_DATABASE_PREFIX } from './database.ts';

const STALE_AFTER_SECONDS = 3600;

/** Drops test databases that a crashed run left on the server more than an hour ago. */
async function dropStaleDatabases(url: string): Promise<void> {
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

/**
 * Migrates once for the whole run: a PGlite dump in a file and a Postgres template database, which
 * every test file's databases start from (test/harness/database.ts). Migrating them per test file
 * cost each file seconds: a new PGlite alone takes three to five seconds of CPU before it migrates.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) await dropStaleDatabases(url);
  const folder = await mkdtemp(path.join(tmpdir(), 'firebreak-test-run-'));
  const snapshotFile = path.join(folder, 'migrated-pglite.tar');
  const [snapshot, template] = await Promise.all([dumpMigratedPglite(), url ? createPostgresTemplate() : null]);
  await writeFile(snapshotFile, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('pgliteSnapshotFile', snapshotFile);
  project.provide('postgresTemplate', template);
  return async () => {
    if (template) await dropPostgresDatabase(template);
    await rm(folder, { recursive: true, force: true });
  };
}
