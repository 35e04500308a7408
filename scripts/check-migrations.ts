// Committed migrations never change (STYLE.md: never edit an applied migration). A database that applied
// one keeps its old form, so an edit would leave two databases with the same history and different schemas.
// platform/database/migrations.lock holds the SHA-256 of each committed migration's SQL file and of its
// entry in meta/_journal.json (drizzle's migrator orders and skips by that entry). `npm run check` runs
// this file: every migration must be in the lock with the same checksums, and the lock's lines as
// committed at HEAD must still be there unchanged, so that editing a migration and its line together is
// caught too. `--record` (run by `npm run db:generate`) appends the lines of new migrations.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repository = path.resolve(import.meta.dirname, '..');
export const MIGRATIONS_FOLDER = path.join(repository, 'platform/database/migrations');
export const LOCK_FILE = path.join(repository, 'platform/database/migrations.lock');

/** One migration's line in the lock. */
export interface MigrationChecksum {
  tag: string;
  sql: string;
  journal: string;
}

const LOCK_HEADER = [
  '# SHA-256 of each committed migration: its SQL file, and its entry in meta/_journal.json.',
  '# Append only: a committed line never changes or goes (scripts/check-migrations.ts, in npm run check).',
  '# A schema change is a new migration; npm run db:generate appends its line.',
];
const LOCK_LINE = /^(\S+) sql=([0-9a-f]{64}) journal=([0-9a-f]{64})$/;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The checksums of the migrations in the folder, in the journal's order, and what is amiss in the folder. */
export function readMigrations(folder: string): { migrations: MigrationChecksum[]; problems: string[] } {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const problems: string[] = [];
  const migrations = journal.entries.map((entry) => {
    const file = path.join(folder, `${entry.tag}.sql`);
    if (!existsSync(file)) problems.push(`${entry.tag}.sql is in meta/_journal.json but not in the migrations folder.`);
    return { tag: entry.tag, sql: existsSync(file) ? sha256(readFileSync(file)) : 'missing', journal: sha256(JSON.stringify(entry)) };
  });
  const listed = new Set(journal.entries.map((entry) => `${entry.tag}.sql`));
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    if (!listed.has(file)) problems.push(`${file} is not in meta/_journal.json, so no database would ever apply it.`);
  }
  return { migrations, problems };
}

export function parseLock(text: string): MigrationChecksum[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = LOCK_LINE.exec(line.trim());
      if (!match?.[1] || !match[2] || !match[3]) throw new Error(`migrations.lock: cannot read the line "${line}".`);
      return { tag: match[1], sql: match[2], journal: match[3] };
    });
}

export function formatLock(migrations: MigrationChecksum[]): string {
  return (
    [...LOCK_HEADER, ...migrations.map((migration) => `${migration.tag} sql=${migration.sql} journal=${migration.journal}`)].join('\n') +
    '\n'
  );
}

function sameLine(a: MigrationChecksum | undefined, b: MigrationChecksum): boolean {
  return a !== undefined && a.tag === b.tag && a.sql === b.sql && a.journal === b.journal;
}

/**
 * What differs between the migrations now, the lock, and the lock as committed at HEAD (null when there is
 * no git or no committed lock): each problem a sentence saying what to do.
 */
export function compareMigrations(
  current: MigrationChecksum[],
  locked: MigrationChecksum[],
  committed: MigrationChecksum[] | null,
): string[] {
  const problems: string[] = [];
  locked.forEach((line, index) => {
    const now = current[index];
    if (now?.tag !== line.tag) {
      const instead = now ? `migration ${index} is now ${now.tag}` : 'it is no longer in meta/_journal.json';
      problems.push(`${line.tag} was committed, but ${instead}: committed migrations stay, in their order.`);
      return;
    }
    if (now.sql !== line.sql)
      problems.push(`${line.tag}.sql changed after it was committed: restore it, and make the change a new migration.`);
    if (now.journal !== line.journal)
      problems.push(`The meta/_journal.json entry of ${line.tag} changed after it was committed: restore it.`);
  });
  for (const migration of current.slice(locked.length)) {
    problems.push(
      `${migration.tag} is not in platform/database/migrations.lock: add it with \`npx tsx scripts/check-migrations.ts --record\`.`,
    );
  }
  committed?.forEach((line, index) => {
    if (!sameLine(locked[index], line))
      problems.push(`migrations.lock: the line of ${line.tag} committed at HEAD was changed or removed; committed lines stay as they are.`);
  });
  return problems;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

const lockPath = () => path.relative(repository, LOCK_FILE).split(path.sep).join('/');

/** The lock as committed at HEAD; null outside a git checkout, or before the lock was first committed. */
export function readCommittedLock(): MigrationChecksum[] | null {
  const text = git(['show', `HEAD:${lockPath()}`]);
  return text === null ? null : parseLock(text);
}

/**
 * Every line the lock has had in any commit of the main line of history (none outside git): a migration
 * edited and its line changed in one commit passes the comparison with HEAD, but not with the commits
 * before it. Only first parents count: a branch's migration that was renumbered when the branch was
 * merged (two branches each made a 0006) never reached a database of the main line.
 */
export function readHistoricalLockLines(): MigrationChecksum[] {
  const commits = git(['log', '--first-parent', '--format=%H', '--', lockPath()])?.split('\n').filter(Boolean) ?? [];
  const lines = new Map<string, MigrationChecksum>();
  for (const commit of commits) {
    const text = git(['show', `${commit}:${lockPath()}`]);
    if (text === null) continue;
    for (const line of parseLock(text)) lines.set(`${line.tag} ${line.sql} ${line.journal}`, line);
  }
  return [...lines.values()];
}

/** The lines of earlier commits' locks that the lock no longer holds exactly: each a sentence saying so. */
export function compareWithHistory(locked: MigrationChecksum[], history: MigrationChecksum[]): string[] {
  return history
    .filter((line) => !locked.some((kept) => sameLine(kept, line)))
    .map(
      (line) =>
        `migrations.lock: the line of ${line.tag} as an earlier commit had it is gone or changed; committed lines stay as they are.`,
    );
}

/** The lock with lines for migrations it lacks; the lines committed at HEAD (or, without git, all present ones) are kept as they are. */
export function recordMigrations(
  current: MigrationChecksum[],
  locked: MigrationChecksum[],
  committed: MigrationChecksum[] | null,
): MigrationChecksum[] {
  const kept = committed ?? locked;
  return [...kept, ...current.slice(kept.length)];
}

function main(): number {
  const { migrations, problems } = readMigrations(MIGRATIONS_FOLDER);
  const committed = readCommittedLock();
  let locked = existsSync(LOCK_FILE) ? parseLock(readFileSync(LOCK_FILE, 'utf8')) : [];
  if (process.argv.includes('--record')) {
    const recorded = recordMigrations(migrations, locked, committed);
    if (formatLock(recorded) !== (existsSync(LOCK_FILE) ? readFileSync(LOCK_FILE, 'utf8') : '')) {
      writeFileSync(LOCK_FILE, formatLock(recorded));
      console.log(`migrations.lock written: ${recorded.length} migrations, ${recorded.length - locked.length} new.`);
    }
    locked = recorded;
  } else if (!existsSync(LOCK_FILE)) {
    problems.push('platform/database/migrations.lock is missing: restore it (git checkout), or make it with --record.');
  }
  problems.push(...compareMigrations(migrations, locked, committed), ...compareWithHistory(locked, readHistoricalLockLines()));
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    return 1;
  }
  const against = committed ? 'migrations.lock and its lines in every commit' : 'migrations.lock (no committed lock to compare with)';
  console.log(`Migrations: ${migrations.length} unchanged against ${against}.`);
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) process.exitCode = main();
