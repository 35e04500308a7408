import { asc } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { BUILT_IN_PLAYBOOK } from './default-playbook.ts';
import { DEFAULT_SCOPE } from './playbook-checklists.ts';
import type { Playbook, PlaybookChecklists } from './schema/playbooks.ts';
import { playbooks } from './schema/playbooks.ts';

export interface PlaybookView {
  service: string | null;
  checklists: PlaybookChecklists;
  runbookUrl: string | null;
  /** 'built-in' when no default has been configured. */
  source: string;
  version: number;
  updatedAt: Date | null;
  updatedByName: string | null;
}

const view = (row: Playbook): PlaybookView => ({
  service: row.service,
  checklists: row.checklists,
  runbookUrl: row.runbookUrl,
  source: row.source,
  version: row.version,
  updatedAt: row.updatedAt,
  updatedByName: row.updatedByName,
});

/** The default playbook (configured or built in) and every service's. */
export async function listPlaybooks(db: Database): Promise<{ default: PlaybookView; services: PlaybookView[] }> {
  const rows = await db.select().from(playbooks).orderBy(asc(playbooks.scope));
  const stored = rows.find((row) => row.scope === DEFAULT_SCOPE);
  return {
    default: stored
      ? view(stored)
      : {
          service: null,
          checklists: BUILT_IN_PLAYBOOK,
          runbookUrl: null,
          source: 'built-in',
          version: 0,
          updatedAt: null,
          updatedByName: null,
        },
    services: rows.filter((row) => row.scope !== DEFAULT_SCOPE).map(view),
  };
}
