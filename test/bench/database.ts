import { createEmptyPostgresDatabase } from '../harness/database.ts';

/** The Postgres server benchmarks run against: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one. */
export function benchServerUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A fresh, empty database on the benchmark server; drop() removes it. */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  process.env.TEST_DATABASE_URL ??= benchServerUrl();
  return createEmptyPostgresDatabase();
}
