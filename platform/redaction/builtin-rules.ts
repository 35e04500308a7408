import { isLuhnCardNumber, isValidSocialSecurityNumber } from './sensitive-numbers.ts';

/** One way of finding something sensitive in a text, and what it becomes. */
export interface RedactionRule {
  /** The `rule` label of firebreak_redactions_total, and the name a rules file overrides it by. */
  name: string;
  /**
   * Built-in rules only: the shared first test the rule needs to pass (KEYWORD_TRIGGER, or nine digits
   * at least), run once per value for all of them; a value that passes neither skips them all.
   */
  needs?: 'keyword' | 'digits';
  /** A cheap test that is false for every text the rule cannot match: most values stop here. */
  mayMatch(text: string): boolean;
  /** The text with every match replaced; `count` is called once per replacement. */
  replace(text: string, count: () => void): string;
}

/** What a match becomes: visible, so that a reader knows something was there and what kind. */
export function placeholder(name: string): string {
  return `[REDACTED:${name}]`;
}

/** Any text a keyword rule can match contains one of these (a superset: any case, looser shapes). */
export const KEYWORD_TRIGGER =
  /PRIVATE KEY|authorization|bearer|eyJ|A[KSGIRN][A-Z]{2}[A-Z0-9]{16}|gh[pousr]_|github_pat_|xox|hooks\.slack\.com|pass|pwd|secret|api[_-]?key|token/i;

/** Whether the text holds at least `atLeast` digits (a card number 13, an SSN 9). */
export function digitCount(text: string, atLeast: number): boolean {
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57 && ++digits >= atLeast) return true;
  }
  return false;
}

/** A rule that replaces every match of a built-in pattern (JavaScript's engine: these patterns are ours and backtrack boundedly). */
function patternRule(
  name: string,
  trigger: RegExp,
  pattern: RegExp,
  replacement: (match: string, groups: string[]) => string | null = () => placeholder(name),
): RedactionRule {
  return {
    name,
    needs: 'keyword',
    mayMatch: (text) => trigger.test(text),
    replace(text, count) {
      return text.replace(pattern, (match: string, ...rest: unknown[]) => {
        const groups = rest.filter((part): part is string => typeof part === 'string');
        const replaced = replacement(match, groups);
        if (replaced === null) return match;
        count();
        return replaced;
      });
    },
  };
}

const card: RedactionRule = {
  name: 'card',
  needs: 'digits',
  // 13 digits at least, or it cannot be a card number.
  mayMatch: (text) => digitCount(text, 13),
  replace(text, count) {
    // 13-19 digits, each group separated by at most one space or dash, not inside a longer number.
    return text.replace(/(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g, (match) => {
      if (!isLuhnCardNumber(match.replace(/[ -]/g, ''))) return match;
      count();
      return placeholder('card');
    });
  },
};

const ssn: RedactionRule = {
  name: 'ssn',
  needs: 'digits',
  mayMatch: (text) => digitCount(text, 9),
  replace(text, count) {
    // Written as SSNs are (123-45-6789 or 123 45 6789): a bare run of nine digits is as often an order number.
    return text.replace(
      /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g,
      (match, area: string, _separator: string, group: string, serial: string) => {
        if (!isValidSocialSecurityNumber(area, group, serial)) return match;
        count();
        return placeholder('ssn');
      },
    );
  },
};

/** The built-in rules, in the order they run: the broad ones (a whole header value) before the narrow. */
export const BUILT_IN_RULES: readonly RedactionRule[] = [
  patternRule(
    'private_key',
    /PRIVATE KEY/,
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  ),
  // "Authorization: Basic dXNlcjpwYXNz", in a header dump or a log line: the whole value, whatever its scheme.
  patternRule(
    'authorization',
    /authorization/i,
    /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:basic|bearer|token|digest|negotiate|apikey)\s+)?[^\s"',;]+/gi,
    (_match, [prefix]) => `${prefix}${placeholder('authorization')}`,
  ),
  patternRule('bearer', /bearer/i, /\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, (_match, [prefix]) => `${prefix}${placeholder('bearer')}`),
  patternRule('jwt', /eyJ/, /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g),
  patternRule('aws_access_key', /A[KSGIRN][A-Z]{2}[A-Z0-9]{16}/, /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g),
  patternRule('github_token', /gh[pousr]_|github_pat_/, /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g),
  patternRule(
    'slack_token',
    /xox|hooks\.slack\.com/,
    /\bxox[abposre]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]+/g,
  ),
  // password=..., secret: ..., api_key=...: the name stays, the value goes.
  patternRule(
    'secret_pair',
    /pass|pwd|secret|api[_-]?key|apikey|token/i,
    /\b((?:password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"']+)/gi,
    (_match, [prefix, value = '']) => {
      if (value.startsWith('[REDACTED:')) return null;
      // A quoted value keeps its quotes, so that JSON or a config line stays well-formed.
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${prefix}${quote}${placeholder('secret_pair')}${quote}`;
    },
  ),
  card,
  ssn,
];

/**
 * Keys whose whole value is a secret, in labels and attributes (`authorization`,
 * `http.request.header.authorization`, `db.password`, `api_key`): the value goes whatever it looks like.
 */
export const SECRET_KEY =
  /(?:^|[._-])(?:(authorization|cookie)|(password|passwd|secret|client_secret|api_?key|access_?token|auth_?token|token))$/i;

// Label and attribute names repeat from one alert or span to the next: each is judged once.
const judgedKeys = new Map<string, string | null>();

/** The rule a secret key counts under: `authorization` for header-like keys, `secret_pair` for the rest. */
export function secretKeyRule(key: string): string | null {
  const known = judgedKeys.get(key);
  if (known !== undefined) return known;
  const match = SECRET_KEY.exec(key);
  const rule = match ? (match[1] ? 'authorization' : 'secret_pair') : null;
  if (judgedKeys.size >= 10_000) judgedKeys.clear();
  judgedKeys.set(key, rule);
  return rule;
}
