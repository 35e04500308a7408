import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './roles.ts';

describe('the role matrix', () => {
  it('is what README.md says it is', async () => {
    const readme = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const documented = new Map<string, string[]>();
    for (const line of readme.split('\n')) {
      const match = /^\| `([a-z]+:[a-z]+)` \|(.*)\|$/.exec(line);
      if (!match?.[1] || match[2] === undefined) continue;
      const cells = match[2].split('|').map((cell) => cell.trim());
      documented.set(
        match[1],
        ROLES.filter((_, index) => cells[index] === '✓'),
      );
    }
    const actual = new Map(PERMISSIONS.map((permission) => [permission, ROLES.filter((role) => ROLE_PERMISSIONS[role].has(permission))]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });

  it('keeps ingest tokens to ingestion', () => {
    expect([...ROLE_PERMISSIONS.ingest].sort()).toEqual(['alerts:ingest', 'traces:ingest']);
  });
});
