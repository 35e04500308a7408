import { Counter } from 'prom-client';
import type { Config } from '../config.ts';
import { defineMetric, metricsRegistry } from '../telemetry/metrics.ts';
import type { RedactionRule } from './builtin-rules.ts';
import { digitCount, KEYWORD_TRIGGER, placeholder, secretKeyRule } from './builtin-rules.ts';
import { loadRedactionRules } from './load-redaction-rules.ts';

/** Where a redacted value came from: the `source` label of firebreak_redactions_total. */
export type RedactionSource = 'alert_label' | 'alert_annotation' | 'span_attribute' | 'span_event' | 'span_status' | 'span_resource';

/** A JSON-like value, as span attributes hold. */
export type RedactableValue = string | number | boolean | null | RedactableValue[] | { [key: string]: RedactableValue };

const redactions = defineMetric(
  'firebreak_redactions_total',
  () =>
    new Counter({
      name: 'firebreak_redactions_total',
      help: 'Sensitive values replaced before storage, by rule (card, ssn, bearer, ...) and where they were (alert_label, span_attribute, ...).',
      labelNames: ['rule', 'source'] as const,
      registers: [metricsRegistry],
    }),
);

// Nothing shorter can hold a match of a built-in rule ("pwd=x").
const SHORTEST_BUILT_IN_MATCH = 5;
// The fewest digits a card number (13) or an SSN (9) has.
const SHORTEST_NUMBER_DIGITS = 9;
// What Redactor remembers of the texts it left as they were: at most about 20 MB.
const CLEAN_TEXTS = 10_000;
const CLEAN_TEXT_LENGTH = 1024;

/**
 * Replaces card numbers, social security numbers, tokens and secrets in what Firebreak is about to
 * store (REDACTION_RULES_FILE adds and overrides rules). Replacement is deterministic: the same value
 * always redacts the same, so what is computed from redacted values (an alert's fingerprint) stays stable.
 */
export class Redactor {
  private readonly shortest: number;
  /**
   * Texts no rule changed, up to CLEAN_TEXTS of at most CLEAN_TEXT_LENGTH characters: the same labels
   * and annotations come back with every refresh of an alert, and looking a text up here costs less
   * than the shared tests below (under the alerts benchmark: 4.00 to 3.69 ms of Node CPU per request).
   */
  private readonly clean = new Set<string>();

  constructor(
    private readonly rules: readonly RedactionRule[],
    private readonly builtInOnly: boolean,
  ) {
    this.shortest = builtInOnly ? SHORTEST_BUILT_IN_MATCH : 1;
  }

  /** The text with every match of every rule replaced (the same string when nothing matched). */
  text(value: string, source: RedactionSource): string {
    if (value.length < this.shortest) return value;
    if (this.clean.has(value)) return value;
    // One pass each decides for every built-in rule: most values pass neither and stop here.
    const keyword = KEYWORD_TRIGGER.test(value);
    const digits = digitCount(value, SHORTEST_NUMBER_DIGITS);
    let result = value;
    if (keyword || digits || !this.builtInOnly) {
      for (const rule of this.rules) {
        if (rule.needs === 'keyword' ? !keyword : rule.needs === 'digits' ? !digits : false) continue;
        if (!rule.mayMatch(result)) continue;
        result = rule.replace(result, () => redactions.inc({ rule: rule.name, source }));
      }
    }
    if (result === value && value.length <= CLEAN_TEXT_LENGTH) {
      if (this.clean.size >= CLEAN_TEXTS) this.clean.clear();
      this.clean.add(value);
    }
    return result;
  }

  /** A string map (labels, annotations) with its values redacted; the same object when nothing changed. */
  record(values: Readonly<Record<string, string>>, source: RedactionSource): Record<string, string> {
    let copy: Record<string, string> | null = null;
    for (const key in values) {
      const value = values[key] as string;
      const redacted = this.keyed(key, value, source);
      if (redacted === value) continue;
      copy ??= { ...values };
      copy[key] = redacted;
    }
    return copy ?? values;
  }

  /** An attribute value at any depth; a value under a secret key (authorization, password, ...) goes whole. */
  value<T extends RedactableValue>(value: T, source: RedactionSource, key = ''): T {
    if (typeof value === 'string') return this.keyed(key, value, source) as T;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let changed = false;
      const items = value.map((item) => {
        const redacted = this.value(item, source, key);
        changed ||= redacted !== item;
        return redacted;
      });
      return (changed ? items : value) as T;
    }
    let copy: Record<string, RedactableValue> | null = null;
    for (const inner in value) {
      const item = value[inner] as RedactableValue;
      const redacted = this.value(item, source, inner);
      if (redacted === item) continue;
      copy ??= { ...value };
      copy[inner] = redacted;
    }
    return (copy ?? value) as T;
  }

  private keyed(key: string, value: string, source: RedactionSource): string {
    const rule = key ? secretKeyRule(key) : null;
    if (rule && value !== '' && !value.startsWith('[REDACTED:')) {
      redactions.inc({ rule, source });
      return placeholder(rule);
    }
    return this.text(value, source);
  }
}

// The rules are read and compiled once per configuration (REDACTION_RULES_FILE is read at start).
const redactors = new WeakMap<object, Redactor | null>();

/** The redactor of a configuration, or null with REDACTION_ENABLED=false. A bad REDACTION_RULES_FILE throws. */
export function redactorFrom(config: Pick<Config, 'REDACTION_ENABLED' | 'REDACTION_RULES_FILE'>): Redactor | null {
  const known = redactors.get(config);
  if (known !== undefined) return known;
  const redactor = config.REDACTION_ENABLED
    ? new Redactor(loadRedactionRules(config.REDACTION_RULES_FILE), config.REDACTION_RULES_FILE === undefined)
    : null;
  redactors.set(config, redactor);
  return redactor;
}
