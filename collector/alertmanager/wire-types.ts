import { z } from 'zod';

/** Limits on what one alert may carry; beyond them a request is refused whole (400), not trimmed. */
export const ALERT_LIMITS = {
  labels: 100,
  labelName: 256,
  labelValue: 4096,
  annotations: 100,
  annotationValue: 65_536,
  url: 8192,
} as const;

// Postgres text cannot hold NUL, and other control characters in a label are a sign of a broken or
// hostile sender; annotations may carry tabs and line breaks.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LABEL_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANNOTATION_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Cs}/u;

const text = (max: number, control: RegExp, what: string) =>
  z
    .string()
    .max(max, `${what} longer than ${max} characters`)
    .refine((value) => !control.test(value), `${what} contains a control character`)
    .refine((value) => !LONE_SURROGATE.test(value), `${what} is not valid Unicode (lone surrogate)`);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label names as Alertmanager 0.25 accepts them; the message quotes the offending name. */
function checkNames(record: Record<string, string>, context: z.core.$RefinementCtx<Record<string, string>>) {
  for (const name of Object.keys(record)) {
    if (name.length > ALERT_LIMITS.labelName) {
      context.addIssue({ code: 'custom', message: `name longer than ${ALERT_LIMITS.labelName} characters`, path: [name.slice(0, 64)] });
    } else if (!LABEL_NAME.test(name)) {
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(name)} is not a valid name: label names must match [a-zA-Z_][a-zA-Z0-9_]*`,
        path: [name],
      });
    }
  }
}

export const Labels = z
  .record(z.string(), text(ALERT_LIMITS.labelValue, LABEL_CONTROL, 'label value'))
  .superRefine(checkNames)
  .refine((labels) => Object.keys(labels).length > 0, 'at least one label is required')
  .refine((labels) => Object.keys(labels).length <= ALERT_LIMITS.labels, `at most ${ALERT_LIMITS.labels} labels are allowed`);

export const Annotations = z
  .record(z.string(), text(ALERT_LIMITS.annotationValue, ANNOTATION_CONTROL, 'annotation value'))
  .superRefine(checkNames)
  .refine(
    (annotations) => Object.keys(annotations).length <= ALERT_LIMITS.annotations,
    `at most ${ALERT_LIMITS.annotations} annotations are allowed`,
  );

/** RFC 3339 as Go writes it (any fraction digits, Z or an offset). */
export const Timestamp = z.iso.datetime({ offset: true, message: 'expected an RFC 3339 timestamp such as 2026-11-21T04:16:24.881Z' });

export const GeneratorUrl = text(ALERT_LIMITS.url, LABEL_CONTROL, 'generatorURL');

// The alerts of a request mostly share a few startsAt and endsAt texts: each is parsed once (new Date()
// of a text took 270 ns, a lookup here 80), and the table is emptied when it is full. Only texts of a
// usual length are kept: RFC 3339 allows a fraction of any length, and a few hundred texts of megabytes
// would stay in memory.
const parsedTimes = new Map<string, number>();
const PARSED_TIMES = 256;
const PARSED_TIME_LENGTH = 40;

/** The time of an RFC 3339 text; null for Go's zero time.Time, which Alertmanager writes for "no end yet". */
export function parseTimestamp(value: string | undefined): Date | null {
  if (value === undefined) return null;
  let time = parsedTimes.get(value);
  if (time === undefined) {
    time = new Date(value).getTime();
    if (value.length <= PARSED_TIME_LENGTH) {
      if (parsedTimes.size >= PARSED_TIMES) parsedTimes.clear();
      parsedTimes.set(value, time);
    }
  }
  const date = new Date(time);
  return time <= 0 && date.getUTCFullYear() <= 1 ? null : date;
}

/**
 * A schema that, used as a Standard Schema (as the routes' `validate()` uses it), first tries `fastPath`: a
 * hand-written check of the common, valid body that returns what the schema would, or undefined when it is
 * not sure. Anything it is not sure of goes to the schema, so every refusal, message and path is zod's.
 * `.parse()` and `.safeParse()` stay zod's alone; /openapi.json still describes the schema.
 */
export function withFastPath<Schema extends z.ZodType>(schema: Schema, fastPath: (value: unknown) => z.output<Schema> | undefined): Schema {
  const standard = schema['~standard'];
  // zod gives `~standard` a setter for wrappers such as this one.
  schema['~standard'] = {
    ...standard,
    validate: (value: unknown) => {
      const accepted = fastPath(value);
      return accepted === undefined ? standard.validate(value) : { value: accepted };
    },
  };
  return schema;
}

// The fast paths' parts, each a twin of a schema above: it accepts only what that schema accepts, and returns
// the same value (a new object, keys in the same order), or undefined for anything else, valid or not.

/** Twin of Labels. */
export function acceptLabels(value: unknown): Record<string, string> | undefined {
  return acceptTextRecord(value, 1, ALERT_LIMITS.labels, ALERT_LIMITS.labelValue, false);
}

/** Twin of Annotations (without its default). */
export function acceptAnnotations(value: unknown): Record<string, string> | undefined {
  return acceptTextRecord(value, 0, ALERT_LIMITS.annotations, ALERT_LIMITS.annotationValue, true);
}

/** Twin of GeneratorUrl. */
export function isGeneratorUrl(value: unknown): value is string {
  return typeof value === 'string' && isCleanText(value, ALERT_LIMITS.url, false);
}

/**
 * Twin of Timestamp: zod's RFC 3339 pattern (`z.iso.datetime({ offset: true })`) spelled out. A real calendar
 * date (29 February in Gregorian leap years only, year 0000 among them), an upper-case T, hours to 23, minutes
 * and seconds to 59, any number of fraction digits, then Z or an offset up to ±23:59. No lower-case t or z.
 */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 20) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(10) !== 0x54) return false;
  if (value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a) return false;
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let index = 19;
  if (value.charCodeAt(index) === 0x2e) {
    index++;
    if (digits(value, index, 1) < 0) return false;
    while (digits(value, index, 1) >= 0) index++;
  }
  const zone = value.charCodeAt(index);
  if (zone === 0x5a) return index === value.length - 1;
  if (zone !== 0x2b && zone !== 0x2d) return false;
  const offsetHour = digits(value, index + 1, 2);
  const offsetMinute = digits(value, index + 4, 2);
  return (
    index + 6 === value.length &&
    value.charCodeAt(index + 3) === 0x3a &&
    offsetHour >= 0 &&
    offsetHour <= 23 &&
    offsetMinute >= 0 &&
    offsetMinute <= 59
  );
}

/** The number written in ASCII digits at value[start, start + count), or -1 if any of them is not a digit. */
function digits(value: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index++) {
    const digit = value.charCodeAt(index) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An object as JSON.parse makes them; others (arrays, class instances, null prototypes) are left to zod. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** A plain object whose keys are all strings: zod's records refuse symbol keys, which Object.keys() does not show. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.getOwnPropertySymbols(value).length === 0;
}

function acceptTextRecord(
  value: unknown,
  minEntries: number,
  maxEntries: number,
  maxLength: number,
  lineBreaks: boolean,
): Record<string, string> | undefined {
  if (!isPlainRecord(value)) return undefined;
  // A spread copies the own enumerable keys in zod's order, several times faster than assigning them one by one.
  const record = { ...value };
  const names = Object.keys(record);
  if (names.length < minEntries || names.length > maxEntries) return undefined;
  for (const name of names) {
    const text = record[name];
    if (!isLabelName(name) || typeof text !== 'string' || !isCleanText(text, maxLength, lineBreaks)) return undefined;
  }
  return record as Record<string, string>;
}

/** LABEL_NAME and the length limit. `__proto__` is a valid name, but zod's records drop it: left to zod. */
function isLabelName(name: string): boolean {
  if (name.length === 0 || name.length > ALERT_LIMITS.labelName || name === '__proto__') return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    const letter = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
    if (!letter && !(index > 0 && code >= 0x30 && code <= 0x39)) return false;
  }
  return true;
}

/**
 * The length limit, LABEL_CONTROL (ANNOTATION_CONTROL with `lineBreaks`) and LONE_SURROGATE. zod measures
 * length in code points: a text within the limit in UTF-16 units is within it, and one beyond is left to zod.
 */
function isCleanText(text: string, maxLength: number, lineBreaks: boolean): boolean {
  if (text.length > maxLength) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20) {
      if (!lineBreaks || (code !== 0x09 && code !== 0x0a && code !== 0x0d)) return false;
    } else if (code === 0x7f) {
      return false;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A high surrogate followed by a low one is one character beyond the BMP; any other is alone.
      const next = text.charCodeAt(index + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    }
  }
  return true;
}
