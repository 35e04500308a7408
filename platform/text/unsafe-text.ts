import { Counter } from 'prom-client';
import { defineMetric, metricsRegistry } from '../telemetry/index.ts';

/*
 * Text from outside is checked once, at the edge, for the two things a database refuses or a reader
 * cannot use: U+0000 (Postgres text and jsonb cannot hold it) and UTF-16 surrogates that are not part
 * of a pair (not Unicode at all). Where the protocol lets us say no, the request is refused with 400
 * naming the field; where it does not (OTLP from end users' exceptions), the character is replaced
 * with U+FFFD and counted.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const unsafeText = defineMetric(
  'firebreak_unsafe_text_total',
  () =>
    new Counter({
      name: 'firebreak_unsafe_text_total',
      help: 'Text from outside holding U+0000 or a lone surrogate, by source and what was done (refused, replaced).',
      labelNames: ['source', 'action'] as const,
      registers: [metricsRegistry],
    }),
);

/** True when the text holds U+0000 or a lone surrogate. */
export function isUnsafeText(text: string): boolean {
  return UNSAFE.test(text);
}

/** The text with each U+0000 and lone surrogate replaced by U+FFFD. */
export function replaceUnsafeText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, '\ufffd') : text;
}

/** Why a text is unsafe, for a 400 message. */
export function describeUnsafeText(text: string): string {
  return text.includes('\u0000') ? 'contains U+0000 (NUL)' : 'is not valid Unicode (lone surrogate)';
}

/**
 * The path ("alerts.0.labels.team", or the key itself when the key is the culprit) and reason of the
 * first unsafe string in a JSON-like value, or null. Keys are checked as well as values.
 */
export function findUnsafeText(value: unknown, path = ''): { path: string; reason: string } | null {
  if (typeof value === 'string') return isUnsafeText(value) ? { path: path || '(value)', reason: describeUnsafeText(value) } : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    if (isUnsafeText(key)) return { path: where, reason: `name ${describeUnsafeText(key)}` };
    const found = findUnsafeText(inner, where);
    if (found) return found;
  }
  return null;
}

/**
 * Replaces unsafe text in place throughout a JSON-like value (keys included); returns how many
 * strings changed. Objects are mutated; a changed key is re-set under its cleaned name.
 */
export function replaceUnsafeTextDeep(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let changed = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'string') {
        if (isUnsafeText(item)) {
          value[i] = replaceUnsafeText(item);
          changed++;
        }
      } else changed += replaceUnsafeTextDeep(item);
    }
    return changed;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    let cleanedItem = item;
    if (typeof item === 'string') {
      if (isUnsafeText(item)) {
        cleanedItem = replaceUnsafeText(item);
        changed++;
      }
    } else changed += replaceUnsafeTextDeep(item);
    if (isUnsafeText(key)) {
      Reflect.deleteProperty(record, key);
      record[replaceUnsafeText(key)] = cleanedItem;
      changed++;
    } else if (cleanedItem !== item) record[key] = cleanedItem;
  }
  return changed;
}
