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
      context.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not a valid name: label names must match [a-zA-Z_][a-zA-Z0-9_]*`, path: [name] });
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
  .refine((annotations) => Object.keys(annotations).length <= ALERT_LIMITS.annotations, `at most ${ALERT_LIMITS.annotations} annotations are allowed`);

/** RFC 3339 as Go writes it (any fraction digits, Z or an offset). */
export const Timestamp = z.iso.datetime({ offset: true, message: 'expected an RFC 3339 timestamp such as 2026-11-21T04:16:24.881Z' });

export const GeneratorUrl = text(ALERT_LIMITS.url, LABEL_CONTROL, 'generatorURL');

/** Go's zero time.Time, which Alertmanager writes for "no end yet". */
export function parseTimestamp(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  return date.getTime() <= 0 && date.getUTCFullYear() <= 1 ? null : date;
}
