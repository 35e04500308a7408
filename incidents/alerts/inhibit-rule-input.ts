import { z } from 'zod';
import { checkMatcher, Matcher, parseMatchers } from './matchers.ts';

const LabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)')
  .max(256);
const MatcherStrings = z.array(z.string().min(1).max(10_000)).max(64);
const LabelValues = z.record(LabelName, z.string().max(4096));

/**
 * An inhibition rule in Alertmanager's own form (its `inhibit_rules:` entries), so that a rule copied
 * from alertmanager.yml works as it is: `source_matchers` and `target_matchers` (matcher strings),
 * `equal` (label names), and the deprecated `source_match`, `source_match_re`, `target_match`,
 * `target_match_re` maps. A `comment` says why.
 */
export const InhibitRuleInput = z
  .object({
    source_matchers: MatcherStrings.optional(),
    target_matchers: MatcherStrings.optional(),
    source_match: LabelValues.optional(),
    source_match_re: LabelValues.optional(),
    target_match: LabelValues.optional(),
    target_match_re: LabelValues.optional(),
    equal: z.array(LabelName).max(64).default([]),
    comment: z.string().trim().max(2000).default(''),
  })
  .strict();
export type InhibitRuleInput = z.input<typeof InhibitRuleInput>;

/** An inhibition rule as stored: matchers in Alertmanager's API v2 shape. */
export interface InhibitRuleSpec {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  comment: string;
}

function sideOf(strings: string[] | undefined, plain: Record<string, string> | undefined, regex: Record<string, string> | undefined) {
  return [
    ...(strings ?? []).flatMap((text) => parseMatchers(text)),
    ...Object.entries(plain ?? {}).map(([name, value]) => Matcher.parse({ name, value })),
    ...Object.entries(regex ?? {}).map(([name, value]) => checkMatcher(Matcher.parse({ name, value, isRegex: true }))),
  ];
}

/** The rule's matchers, each side from both its forms; throws InvalidInputError for a matcher that does not parse. */
export function toInhibitRule(input: z.output<typeof InhibitRuleInput>): InhibitRuleSpec {
  return {
    sourceMatchers: sideOf(input.source_matchers, input.source_match, input.source_match_re),
    targetMatchers: sideOf(input.target_matchers, input.target_match, input.target_match_re),
    equal: [...new Set(input.equal)],
    comment: input.comment,
  };
}
