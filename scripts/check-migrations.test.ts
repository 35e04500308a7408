import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compareMigrations,
  compareWithHistory,
  formatLock,
  LOCK_FILE,
  MIGRATIONS_FOLDER,
  parseLock,
  readHistoricalLockLines,
  readMigrations,
  recordMigrations,
} from './check-migrations.ts';

const copies: string[] = [];

/** A copy of the committed migrations folder, to change. */
function copyOfMigrations(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'firebreak-migrations-'));
  copies.push(folder);
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  return folder;
}

function editJournal(folder: string, edit: (journal: { entries: Record<string, unknown>[] }) => void): void {
  const file = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown>[] };
  edit(journal);
  writeFileSync(file, JSON.stringify(journal, null, 2));
}

const locked = parseLock(readFileSync(LOCK_FILE, 'utf8'));

afterEach(() => {
  for (const folder of copies.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the migrations check', () => {
  it('passes on the migrations as committed', () => {
    const { migrations, problems } = readMigrations(MIGRATIONS_FOLDER);
    expect(problems).toEqual([]);
    expect(compareMigrations(migrations, locked, locked)).toEqual([]);
    expect(migrations.map((migration) => migration.tag)).toContain('0000_initial');
  });

  it('refuses an edited migration file', () => {
    const folder = copyOfMigrations();
    appendFileSync(path.join(folder, '0001_alerts_without_label_index.sql'), '\nselect 1;\n');
    const { migrations } = readMigrations(folder);
    expect(compareMigrations(migrations, locked, locked)).toEqual([
      '0001_alerts_without_label_index.sql changed after it was committed: restore it, and make the change a new migration.',
    ]);
  });

  it('refuses an edited journal entry, a removed migration, and a file the journal does not list', () => {
    const folder = copyOfMigrations();
    let removed = '';
    editJournal(folder, (journal) => {
      const first = journal.entries[0];
      if (first) first.when = 1;
      removed = String(journal.entries.pop()?.tag);
    });
    writeFileSync(path.join(folder, '0099_stray.sql'), 'select 1;\n');
    const { migrations, problems } = readMigrations(folder);
    expect(problems).toEqual([
      `${removed}.sql is not in meta/_journal.json, so no database would ever apply it.`,
      '0099_stray.sql is not in meta/_journal.json, so no database would ever apply it.',
    ]);
    expect(compareMigrations(migrations, locked, locked)).toEqual([
      'The meta/_journal.json entry of 0000_initial changed after it was committed: restore it.',
      `${removed} was committed, but it is no longer in meta/_journal.json: committed migrations stay, in their order.`,
    ]);
  });

  it('asks for a new migration to be recorded, and --record appends its line only', () => {
    const folder = copyOfMigrations();
    writeFileSync(path.join(folder, '0003_new_index.sql'), 'create index "x" on "alerts" ("id");\n');
    editJournal(folder, (journal) =>
      journal.entries.push({ idx: 3, version: '7', when: 1795300000000, tag: '0003_new_index', breakpoints: true }),
    );
    const { migrations } = readMigrations(folder);
    expect(compareMigrations(migrations, locked, locked)).toEqual([
      '0003_new_index is not in platform/database/migrations.lock: add it with `npx tsx scripts/check-migrations.ts --record`.',
    ]);
    const recorded = recordMigrations(migrations, locked, locked);
    expect(recorded.slice(0, locked.length)).toEqual(locked);
    expect(recorded.map((line) => line.tag).at(-1)).toBe('0003_new_index');
    expect(compareMigrations(migrations, recorded, locked)).toEqual([]);
  });

  it('catches a migration edited together with its line, against the lock committed at HEAD', () => {
    const folder = copyOfMigrations();
    appendFileSync(path.join(folder, '0000_initial.sql'), '\nselect 1;\n');
    const { migrations } = readMigrations(folder);
    const relocked = recordMigrations(migrations, locked, null).map((line, index) => migrations[index] ?? line);
    expect(compareMigrations(migrations, relocked, null)).toEqual([]);
    expect(compareMigrations(migrations, relocked, locked)).toEqual([
      'migrations.lock: the line of 0000_initial committed at HEAD was changed or removed; committed lines stay as they are.',
    ]);
    // --record never rewrites a committed line: the edit still shows.
    expect(compareMigrations(migrations, recordMigrations(migrations, relocked, locked), locked)).toEqual([
      '0000_initial.sql changed after it was committed: restore it, and make the change a new migration.',
    ]);
    expect(compareMigrations(migrations, relocked.slice(1), locked)).toContain(
      'migrations.lock: the line of 0000_initial committed at HEAD was changed or removed; committed lines stay as they are.',
    );
  });

  it('holds every lock line of the history, so that an edit committed with its new line is still caught', () => {
    const history = readHistoricalLockLines();
    // This checkout's history has the lock as first committed; the lines it has now are among them.
    expect(history.length).toBeGreaterThanOrEqual(locked.length);
    expect(compareWithHistory(locked, history)).toEqual([]);
    // A migration edited and its line rewritten in one commit: HEAD agrees with it, an earlier commit does not.
    const rewritten = locked.map((line, index) => (index === 0 ? { ...line, sql: 'f'.repeat(64) } : line));
    expect(
      compareMigrations(
        readMigrations(MIGRATIONS_FOLDER).migrations.map((line, index) => (index === 0 ? { ...line, sql: 'f'.repeat(64) } : line)),
        rewritten,
        rewritten,
      ),
    ).toEqual([]);
    expect(compareWithHistory(rewritten, history)).toEqual([
      'migrations.lock: the line of 0000_initial as an earlier commit had it is gone or changed; committed lines stay as they are.',
    ]);
  });

  it('reads the lock it writes, and refuses a line it cannot read', () => {
    expect(parseLock(formatLock(locked))).toEqual(locked);
    expect(() => parseLock('0000_initial sql=abc journal=def')).toThrow(/cannot read the line/);
  });
});
