import { readFile } from 'node:fs/promises';
import type { Config, Database } from '../../platform/index.ts';
import { describeIssue, recordAudit, systemContext } from '../../platform/index.ts';
import type { PlaybookInput } from './playbook-input.ts';
import { PlaybooksFile } from './playbook-input.ts';
import { storePlaybook } from './put-playbook.ts';

export class PlaybooksFileError extends Error {
  constructor(path: string, problem: string) {
    super(`PLAYBOOKS_FILE (${path}): ${problem}`);
    this.name = 'PlaybooksFileError';
  }
}

/** Applies PLAYBOOKS_FILE at start: each playbook in it replaces the stored one. A bad file stops the start. */
export async function loadPlaybooksFile(db: Database, config: Config, path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PlaybooksFileError(path, `cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlaybooksFileError(path, `is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = PlaybooksFile.safeParse(json);
  if (!parsed.success) throw new PlaybooksFileError(path, parsed.error.issues.map(describeIssue).join('; '));
  const file = parsed.data;
  const ctx = systemContext(db, config);
  return db.transaction(async (tx) => {
    const entries: [string | null, PlaybookInput][] = Object.entries(file.services);
    if (file.default) entries.unshift([null, file.default]);
    for (const [service, playbook] of entries) await storePlaybook(tx, 'PLAYBOOKS_FILE', service, playbook, 'file');
    await recordAudit(tx, ctx, {
      action: 'incidents.playbook.load_file',
      targetType: 'playbook',
      details: { path, playbooks: entries.length },
    });
    return entries.length;
  });
}
