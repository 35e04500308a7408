import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OperatorError } from '../operator-errors.ts';
import type { RedactionRule } from './builtin-rules.ts';
import { BUILT_IN_RULES, placeholder } from './builtin-rules.ts';

const MAX_PATTERN_LENGTH = 1024;

const RuleEntry = z.strictObject({
  /** The rule's name: the `rule` label of firebreak_redactions_total; a built-in's name replaces or disables it. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _, starting with a letter'),
  /** An RE2 pattern; every match is replaced. Required unless the rule only disables a built-in. */
  pattern: z.string().min(1).max(MAX_PATTERN_LENGTH).optional(),
  /** What a match becomes; default [REDACTED:<name>]. Taken literally ($1 is not a group). */
  replacement: z.string().max(200).optional(),
  /** Words of which a value must contain one (any case) to be searched at all: a cheap first test. */
  keywords: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** false: a built-in rule of this name is switched off. */
  enabled: z.boolean().default(true),
});
const RulesFile = z.strictObject({ rules: z.array(RuleEntry).max(500) });

export class RedactionRulesError extends OperatorError {
  constructor(path: string, problem: string) {
    super(`REDACTION_RULES_FILE (${path}): ${problem}`);
    this.name = 'RedactionRulesError';
  }
}

function compiledRule(path: string, entry: z.infer<typeof RuleEntry> & { pattern: string }): RedactionRule {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(entry.pattern);
  } catch (error) {
    throw new RedactionRulesError(
      path,
      `rule "${entry.name}": invalid RE2 pattern ${JSON.stringify(entry.pattern)} (${(error as Error).message})`,
    );
  }
  const replacement = entry.replacement ?? placeholder(entry.name);
  const keywords = entry.keywords?.map((keyword) => keyword.toLowerCase());
  return {
    name: entry.name,
    mayMatch: keywords
      ? (text) => {
          const lower = text.toLowerCase();
          return keywords.some((keyword) => lower.includes(keyword));
        }
      : () => true,
    replace(text, count) {
      const matcher = regex.matcher(text);
      if (!matcher.find()) return text;
      return regex.matcher(text).replaceAll(() => {
        count();
        return replacement;
      });
    },
  };
}

/**
 * The rules in force: the built-in ones, with REDACTION_RULES_FILE's (YAML or JSON) replacing those of
 * the same name, switching them off (`enabled: false`) or adding to them, in the file's order after
 * the built-ins. A file that cannot be read, parsed or compiled stops the start, naming the rule.
 */
export function loadRedactionRules(path: string | undefined): RedactionRule[] {
  if (!path) return [...BUILT_IN_RULES];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RedactionRulesError(path, `cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    document = parseYaml(text);
  } catch (error) {
    throw new RedactionRulesError(path, `is neither valid YAML nor JSON: ${(error as Error).message}`);
  }
  const parsed = RulesFile.safeParse(document);
  if (!parsed.success) {
    throw new RedactionRulesError(
      path,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; '),
    );
  }
  const rules = new Map(BUILT_IN_RULES.map((rule) => [rule.name, rule]));
  for (const entry of parsed.data.rules) {
    if (!entry.enabled) {
      rules.delete(entry.name);
      continue;
    }
    const { pattern } = entry;
    if (pattern === undefined) throw new RedactionRulesError(path, `rule "${entry.name}": needs a pattern (or enabled: false)`);
    rules.delete(entry.name);
    rules.set(entry.name, compiledRule(path, { ...entry, pattern }));
  }
  return [...rules.values()];
}
