import { RE2JS } from 're2js';
import { z } from 'zod';
import { InvalidInputError } from '../../platform/index.ts';

/** A label matcher in Alertmanager's API v2 shape (`isEqual: false` negates). */
export const Matcher = z.object({
  name: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)')
    .max(256),
  value: z.string().max(4096),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof Matcher>;

export type MatchOperator = '=' | '!=' | '=~' | '!~';

const MAX_MATCHERS = 64;

// Alertmanager's matcher grammar (pkg/labels/parse.go): name, operator, then a value that is either
// double-quoted (with \" \\ \n escapes) or bare up to the next comma.
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,"]*?)\s*(?:,|$)/s;

export function operatorOf(matcher: Matcher): MatchOperator {
  if (matcher.isRegex) return matcher.isEqual ? '=~' : '!~';
  return matcher.isEqual ? '=' : '!=';
}

/** `service="checkout"`, in Alertmanager's notation. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${operatorOf(matcher)}${JSON.stringify(matcher.value)}`;
}

function unquote(raw: string, source: string): string {
  if (!raw.startsWith('"')) return raw;
  return raw.slice(1, -1).replace(/\\(.)/gs, (_, character: string) => {
    if (character === 'n') return '\n';
    if (character === '"' || character === '\\') return character;
    throw new InvalidInputError(`matcher ${JSON.stringify(source)}: unknown escape "\\${character}" in the value.`);
  });
}

/**
 * Parses Alertmanager matcher syntax: `alertname="Disk", severity=~"warn|crit"`, optionally inside
 * braces. Throws InvalidInputError naming the part it could not read.
 */
export function parseMatchers(text: string): Matcher[] {
  let rest = text.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const matchers: Matcher[] = [];
  while (rest.trim() !== '') {
    const found = MATCHER.exec(rest);
    if (!found)
      throw new InvalidInputError(`matcher ${JSON.stringify(rest.trim().slice(0, 200))}: expected name, one of = != =~ !~, then a value.`);
    const [whole, name = '', operator = '=', rawValue = ''] = found;
    const matcher: Matcher = {
      name,
      value: unquote(rawValue, whole.trim()),
      isRegex: operator.endsWith('~'),
      isEqual: !operator.startsWith('!'),
    };
    matchers.push(checkMatcher(matcher));
    rest = rest.slice(whole.length);
    if (matchers.length > MAX_MATCHERS) throw new InvalidInputError(`at most ${MAX_MATCHERS} matchers are allowed.`);
  }
  return matchers;
}

/** Longest regex a matcher may hold; RE2 bounds the time of a match, this bounds the size of the program. */
export const MAX_REGEX_LENGTH = 1024;

const compiled = new Map<string, RE2JS | Error>();

/**
 * Compiles a matcher's regex with RE2 (re2js): the semantics Prometheus and Alertmanager use, and a
 * match in time linear in the label's length, whatever the pattern. Matching is anchored at both ends
 * (`=~"api-.*"` does not match "my-api-1") and `.` matches a line break, as in Prometheus.
 */
function compile(pattern: string): RE2JS | Error {
  let regex = compiled.get(pattern);
  if (!regex) {
    try {
      if (pattern.length > MAX_REGEX_LENGTH) throw new Error(`longer than ${MAX_REGEX_LENGTH} characters`);
      regex = RE2JS.compile(pattern, RE2JS.DOTALL);
    } catch (error) {
      regex = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Throws InvalidInputError if a regex matcher does not compile under RE2 or is too long. */
export function checkMatcher(matcher: Matcher): Matcher {
  if (matcher.isRegex) {
    const regex = compile(matcher.value);
    if (regex instanceof Error) {
      throw new InvalidInputError(`matcher ${formatMatcher(matcher).slice(0, 300)}: invalid regular expression (${regex.message}).`);
    }
  }
  return matcher;
}

/** A missing label matches as the empty string, as in Alertmanager (`team=""` matches alerts without a team). */
export function matchesLabels(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  if (!matcher.isRegex) return (value === matcher.value) === matcher.isEqual;
  const regex = compile(matcher.value);
  // A stored matcher that RE2 refuses (written before RE2) matches nothing, whether = or !=: a silence
  // holding it mutes nothing rather than everything.
  if (regex instanceof Error) return false;
  return regex.matches(value) === matcher.isEqual;
}

export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((matcher) => matchesLabels(matcher, labels));
}
