import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Config, Database } from '../../platform/index.ts';
import { DomainError, describeIssue, recordAudit, systemContext } from '../../platform/index.ts';
import { InhibitRuleInput, toInhibitRule } from './inhibit-rule-input.ts';
import { inhibitRules } from './schema/inhibit-rules.ts';

export class InhibitRulesFileError extends Error {
  constructor(path: string, problem: string) {
    super(`INHIBIT_RULES_FILE (${path}): ${problem}`);
    this.name = 'InhibitRulesFileError';
  }
}

// Alertmanager's file, or just its inhibit_rules section: other top-level keys (route, receivers) are ignored.
const InhibitRulesFile = z.object({ inhibit_rules: z.array(InhibitRuleInput).max(1000).default([]) });

/**
 * Applies INHIBIT_RULES_FILE at start (YAML, Alertmanager's `inhibit_rules:` list): its rules replace
 * those the file gave before; rules made through the API stay. A bad file stops the start.
 */
export async function loadInhibitRulesFile(db: Database, config: Config, path: string): Promise<number> {
  let document: unknown;
  try {
    document = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InhibitRulesFileError(path, `cannot be read as YAML: ${(error as Error).message}`);
  }
  const parsed = InhibitRulesFile.safeParse(document ?? {});
  if (!parsed.success) throw new InhibitRulesFileError(path, parsed.error.issues.map(describeIssue).join('; '));
  const specs = parsed.data.inhibit_rules.map((rule, index) => {
    try {
      return toInhibitRule(rule);
    } catch (error) {
      if (error instanceof DomainError) throw new InhibitRulesFileError(path, `inhibit_rules.${index}: ${error.message}`);
      throw error;
    }
  });
  return db.transaction(async (tx) => {
    await tx.delete(inhibitRules).where(eq(inhibitRules.origin, 'file'));
    if (specs.length > 0)
      await tx.insert(inhibitRules).values(specs.map((spec) => ({ ...spec, origin: 'file' as const, createdBy: 'INHIBIT_RULES_FILE' })));
    await recordAudit(tx, systemContext(tx, config), {
      action: 'alerts.inhibit_rule.load_file',
      targetType: 'inhibit_rule',
      details: { path, rules: specs.length },
    });
    return specs.length;
  });
}
