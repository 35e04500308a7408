import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { prometheusFixture, webhookFixture } from '../../test/harness/alert-fixtures.ts';
import { seededRandom } from '../../test/harness/seeded-random.ts';
import { acceptPostableAlerts, PostableAlerts } from './postable-alerts.ts';
import { acceptWebhookPayload, WebhookPayload } from './webhook-payload.ts';
import {
  ALERT_LIMITS,
  Annotations,
  acceptAnnotations,
  acceptLabels,
  GeneratorUrl,
  isGeneratorUrl,
  isTimestamp,
  Labels,
  parseTimestamp,
  Timestamp,
} from './wire-types.ts';

// The hand-written fast paths may decline anything; what they accept, zod must accept, with the same value.
// Whatever they do, the validator the routes use must answer exactly what zod answers.

const PROMETHEUS_FIXTURES = ['01-firing', '02-resolved-and-firing', '03-refired'];
const WEBHOOK_FIXTURES = ['01-firing', '02-firing', '03-resolved', '04-firing', '05-resolved', '06-firing'];

/** Checks one input both ways and says whether the fast path took it. */
function expectTwin(schema: z.ZodType, fastPath: (value: unknown) => unknown, input: unknown): boolean {
  const expected = schema.safeParse(input);
  const accepted = fastPath(input);
  const shown = inspect(input, { depth: 4, maxStringLength: 80 });
  if (accepted !== undefined) {
    expect(expected.success, `the fast path took what zod refuses: ${shown}`).toBe(true);
    expect(accepted, shown).toStrictEqual(expected.data);
    // toStrictEqual does not look at key order; JSON does.
    expect(JSON.stringify(accepted), shown).toBe(JSON.stringify(expected.data));
  }
  const validated = schema['~standard'].validate(input);
  expect(validated, shown).toStrictEqual(expected.success ? { value: expected.data } : { issues: expected.error.issues });
  return accepted !== undefined;
}

/** The same for a check that only says yes or "not sure". */
function expectTwinCheck(schema: z.ZodType, check: (value: unknown) => boolean, input: unknown): boolean {
  const accepted = check(input);
  if (accepted) expect(schema.safeParse(input).success, inspect(input, { maxStringLength: 80 })).toBe(true);
  return accepted;
}

const random = seededRandom(0x5eed);
function pick<T>(list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const GOOD_TIMES = [
  '2026-11-21T04:16:24Z',
  '2026-11-21T04:16:24.881Z',
  '2026-11-21T04:16:24.8Z',
  '2026-11-21T04:16:24.881234567Z',
  '2026-11-21T04:16:24.88123456789012345678901234567890Z',
  '2026-11-21T04:16:24+02:00',
  '2026-11-21T06:16:24.881+02:00',
  '2026-11-20T04:17:24.5-23:59',
  '2024-02-29T00:00:00Z',
  '2000-02-29T23:59:59Z',
  '0000-02-29T12:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999Z',
  '1969-12-31T23:59:59.9999Z',
  '1970-01-01T00:00:00Z',
];
const BAD_TIMES: unknown[] = [
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-11-31T00:00:00Z',
  '2026-11-00T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '1900-02-29T00:00:00Z',
  '2026-11-21t04:16:24Z',
  '2026-11-21T04:16:24z',
  '2026-11-21 04:16:24Z',
  '2026-11-21T24:00:00Z',
  '2026-11-21T23:60:00Z',
  '2026-11-21T23:59:60Z',
  '2026-11-21T04:16Z',
  '2026-11-21T04:16:24',
  '2026-11-21T04:16:24.Z',
  '2026-11-21T04:16:24+24:00',
  '2026-11-21T04:16:24+02:60',
  '2026-11-21T04:16:24+0200',
  '2026-11-21T04:16:24+2:00',
  '2026-11-21T04:16:24+02:00Z',
  '2026-11-21T04:16:24Z ',
  ' 2026-11-21T04:16:24Z',
  '2026-11-21T04:16:24Z\n',
  '２026-11-21T04:16:24Z',
  '2026-11-21T04:16:24.٨Z',
  '26-11-21T04:16:24Z',
  '+002026-11-21T04:16:24Z',
  '',
  'now',
  1795234584881,
  null,
  {},
  ['2026-11-21T04:16:24Z'],
];

// Characters at every edge of the checks: controls (some allowed in annotations), DEL, surrogates alone and
// paired, BMP and astral characters, and the characters that look like digits, letters or separators.
const CHARACTERS = [
  'a',
  'Z',
  '_',
  '0',
  '9',
  ' ',
  '-',
  '.',
  ':',
  '/',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u000b',
  '\u0010',
  '\u001f',
  '\u007f',
  '\u0080',
  'é',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '😀',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '٢',
  'ß',
];

/** Mostly plain letters; `oddness` of the characters from CHARACTERS. */
function randomText(maxLength: number, oddness = 0.2): string {
  let text = '';
  const length = Math.floor(random() * maxLength);
  for (let index = 0; index < length; index++) text += random() < oddness ? pick(CHARACTERS) : pick(['a', 'b', 'x', '1', ' ']);
  return text;
}

const GOOD_NAMES = [
  'alertname',
  'service',
  'instance',
  'severity',
  'cluster',
  '_private',
  'A_1',
  'x',
  '__name__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'n'.repeat(ALERT_LIMITS.labelName),
];
const BAD_NAMES = [
  '',
  '1abc',
  'a-b',
  'a.b',
  'a b',
  'é',
  'a\u007f',
  '\u007f',
  'a\u0010',
  '\u0010',
  'a\u0000',
  '😀',
  'n'.repeat(ALERT_LIMITS.labelName + 1),
  '__proto__',
  '0',
  '42',
];
function randomName(): string {
  if (random() < 0.5) return pick(GOOD_NAMES);
  if (random() < 0.5) return pick(BAD_NAMES);
  return pick(['a', '_', 'Z']) + randomText(6);
}

function randomValue(limit: number): unknown {
  const roll = random();
  if (roll < 0.6) return randomText(20);
  if (roll < 0.7) return pick(['', 'a'.repeat(limit), 'a'.repeat(limit + 1), `${'a'.repeat(limit - 1)}😀`, `${'a'.repeat(limit - 2)}😀`]);
  if (roll < 0.9)
    return pick([
      'checkout',
      'line one\nline two',
      'tab\there',
      'cr\r\n',
      'vt\u000b',
      'nul\u0000',
      'del\u007f',
      'lone \ud800',
      'lone \udc00',
      'reversed \udc00\ud800',
      'pair 😀',
      'end \ud83d',
    ]);
  return pick([42, 0, null, true, [], {}, ['a'], undefined]);
}

function randomRecord(limit: number, maxEntries: number): unknown {
  const roll = random();
  if (roll < 0.04) return pick([null, 'labels', 42, [], ['a'], true]);
  if (roll < 0.06) return Object.assign(Object.create(null) as object, { alertname: 'x' });
  if (roll < 0.07) return { [Symbol('hidden')]: 'x', alertname: 'x' };
  if (roll < 0.08) return Object.defineProperty({ alertname: 'x' }, 'hidden', { value: 'y', enumerable: false });
  if (roll < 0.09) return JSON.parse('{"__proto__": "x", "alertname": "y"}') as unknown;
  if (roll < 0.1)
    return new (class Labels {
      alertname = 'x';
    })();
  if (roll < 0.12)
    return Object.fromEntries(Array.from({ length: pick([maxEntries, maxEntries + 1]) }, (_, index) => [`name_${index}`, 'v']));
  const record: Record<string, unknown> = {};
  const count = Math.floor(random() * 7);
  for (let index = 0; index < count; index++)
    record[random() < 0.9 ? pick(GOOD_NAMES.slice(0, 5)) + (random() < 0.5 ? index : '') : randomName()] =
      random() < 0.9 ? randomText(30, 0.01) : randomValue(limit);
  return record;
}

function goodAlert(index: number): Record<string, unknown> {
  return {
    labels: { alertname: 'BenchNew', service: `svc-${index % 10}`, instance: `run-1-${index}`, severity: 'critical', cluster: 'bench' },
    annotations: { summary: `new alert ${index}`, description: 'a storm of new alerts' },
    startsAt: '2026-11-21T04:16:24Z',
    endsAt: `2026-11-21T04:21:24.${String(index % 1000).padStart(3, '0')}Z`,
    generatorURL: 'http://prometheus.bench:9090/graph?g0.expr=bench_new',
  };
}

/** A Prometheus alert with, most of the time, nothing wrong, and otherwise one or two fields anything at all. */
function randomPostableAlert(index: number): unknown {
  const roll = random();
  if (roll < 0.01) return pick([null, 'alert', 42, [], undefined]);
  const alert = goodAlert(index);
  if (random() < 0.3) alert.startsAt = pick(GOOD_TIMES);
  if (random() < 0.3) alert.endsAt = pick(GOOD_TIMES);
  if (random() < 0.1) delete alert.startsAt;
  if (random() < 0.1) delete alert.endsAt;
  if (random() < 0.05) delete alert.annotations;
  if (random() < 0.05) delete alert.generatorURL;
  if (random() < 0.05) Object.assign(alert, { status: 'firing', fingerprint: '07374bc745014510', extra: { nested: true } });
  if (random() < 0.02) Object.assign(alert, { startsAt: undefined, endsAt: undefined, generatorURL: undefined, annotations: undefined });
  for (let mutations = random() < 0.6 ? 0 : Math.ceil(random() * 2); mutations > 0; mutations--) {
    const field = pick(['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL']);
    if (field === 'labels') alert.labels = randomRecord(ALERT_LIMITS.labelValue, ALERT_LIMITS.labels);
    else if (field === 'annotations')
      alert.annotations = random() < 0.2 ? undefined : randomRecord(ALERT_LIMITS.annotationValue, ALERT_LIMITS.annotations);
    else if (field === 'generatorURL') alert.generatorURL = random() < 0.5 ? randomText(60) : randomValue(ALERT_LIMITS.url);
    else alert[field] = random() < 0.5 ? pick(GOOD_TIMES) : pick(BAD_TIMES);
  }
  return alert;
}

describe('the PostableAlerts fast path', () => {
  it('takes every captured Prometheus batch, and the webhook alerts in Prometheus form, as zod does', () => {
    for (const name of PROMETHEUS_FIXTURES)
      expect(expectTwin(PostableAlerts, acceptPostableAlerts, prometheusFixture(name)), name).toBe(true);
    for (const name of WEBHOOK_FIXTURES) {
      // Alertmanager's zero endsAt ("0001-01-01T00:00:00Z") for firing alerts, before a real startsAt.
      const alerts = webhookFixture(name).alerts.map(({ labels, annotations, startsAt, endsAt }) => ({
        labels,
        annotations,
        startsAt,
        endsAt,
      }));
      expect(expectTwin(PostableAlerts, acceptPostableAlerts, alerts), name).toBe(true);
    }
    expect(
      expectTwin(
        PostableAlerts,
        acceptPostableAlerts,
        Array.from({ length: 100 }, (_, index) => goodAlert(index)),
      ),
    ).toBe(true);
    expect(expectTwin(PostableAlerts, acceptPostableAlerts, [])).toBe(true);
  });

  it('answers as zod on wrong shapes', () => {
    const sparse: unknown[] = [];
    sparse.length = 2;
    sparse[1] = goodAlert(1);
    const inputs: unknown[] = [
      null,
      undefined,
      'alerts',
      42,
      {},
      { 0: goodAlert(0), length: 1 },
      sparse,
      [null],
      [[]],
      [goodAlert(0), 'x'],
    ];
    for (const field of ['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL']) {
      for (const value of [null, 42, 'x', [], {}, true]) inputs.push([{ ...goodAlert(0), [field]: value }]);
    }
    for (const input of inputs) expectTwin(PostableAlerts, acceptPostableAlerts, input);
  });

  it('orders startsAt and endsAt as zod does: UTC, offsets, fractions of any length, the zero time', () => {
    const pairs: [string, string][] = [];
    const times = [
      ...GOOD_TIMES,
      '2026-11-21T04:16:24.8811Z',
      '2026-11-21T04:16:24.8812Z',
      '2026-11-21T04:16:24.881Z',
      '2026-11-21T04:16:24.88Z',
      '2026-11-21T04:16:23.999999Z',
      '2026-11-21T04:16:24.000Z',
    ];
    for (const startsAt of times) for (const endsAt of times) pairs.push([startsAt, endsAt]);
    let refused = 0;
    for (const [startsAt, endsAt] of pairs) {
      const input = [{ labels: { alertname: 'x' }, startsAt, endsAt }];
      expectTwin(PostableAlerts, acceptPostableAlerts, input);
      if (!PostableAlerts.safeParse(input).success) refused++;
    }
    // Both outcomes were tried.
    expect(refused).toBeGreaterThan(20);
    expect(refused).toBeLessThan(pairs.length - 20);
  });

  it('reads a timestamp seen before to the same time, as a Date of its own; the zero time stays "none"', () => {
    for (let round = 0; round < 3; round++) {
      for (const text of ['2026-11-21T04:16:24.881Z', '2026-11-21T05:16:24.881+01:00']) {
        const first = parseTimestamp(text);
        const again = parseTimestamp(text);
        expect(first?.toISOString()).toBe('2026-11-21T04:16:24.881Z');
        expect(again).not.toBe(first);
        first?.setTime(0);
        expect(parseTimestamp(text)?.toISOString()).toBe('2026-11-21T04:16:24.881Z');
      }
      expect(parseTimestamp('0001-01-01T00:00:00Z')).toBeNull();
    }
    // A fraction of any length (RFC 3339 allows it), read again.
    const long = `2026-11-21T04:16:24.881${'9'.repeat(100_000)}Z`;
    expect(parseTimestamp(long)?.toISOString()).toBe('2026-11-21T04:16:24.881Z');
    expect(parseTimestamp(long)?.toISOString()).toBe('2026-11-21T04:16:24.881Z');
    // More texts than are remembered: each still reads right.
    for (let second = 0; second < 600; second++) {
      const text = new Date(Date.UTC(2026, 10, 21, 4, 0, second)).toISOString();
      expect(parseTimestamp(text)?.toISOString()).toBe(text);
    }
  });

  it('answers as zod on thousands of generated batches, good and bad', () => {
    let accepted = 0;
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const batch = Array.from({ length: Math.floor(random() * 6) }, (_, index) => randomPostableAlert(index));
      if (expectTwin(PostableAlerts, acceptPostableAlerts, batch)) accepted++;
      if (!PostableAlerts.safeParse(batch).success) refused++;
    }
    // Both outcomes were tried, and the fast path took nearly every batch zod accepts.
    expect(refused).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(0.95 * (3000 - refused));
  });
});

describe('the fast paths of the wire types', () => {
  it('reads timestamps exactly as z.iso.datetime({ offset: true })', () => {
    for (const time of GOOD_TIMES) expect(isTimestamp(time), time).toBe(true);
    for (const time of BAD_TIMES) expect(isTimestamp(time), String(time)).toBe(false);
    const same = (value: unknown) => expect(isTimestamp(value), String(value)).toBe(Timestamp.safeParse(value).success);
    for (const time of [...GOOD_TIMES, ...BAD_TIMES]) same(time);
    const two = (number: number) => String(number).padStart(2, '0');
    // Every month and day around the edges, in common, leap and century years.
    for (const year of ['0000', '0001', '0004', '0100', '0400', '1900', '1970', '2000', '2023', '2024', '2100', '9999']) {
      for (let month = 0; month <= 13; month++) for (let day = 0; day <= 32; day++) same(`${year}-${two(month)}-${two(day)}T12:00:00Z`);
    }
    for (let hour = 0; hour <= 25; hour++)
      for (const minute of [0, 59, 60, 99]) same(`2026-11-21T${two(hour)}:${two(minute)}:${two(minute)}Z`);
    for (let hour = 0; hour <= 25; hour++)
      for (const minute of [0, 30, 59, 60])
        for (const sign of ['+', '-', '~']) same(`2026-11-21T04:16:24.5${sign}${two(hour)}:${two(minute)}`);
    // Random edits of good timestamps: a character replaced, added or removed.
    const edits = ['0', '1', '2', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' ', '\n', '٢', 'Ｔ'];
    for (let round = 0; round < 20_000; round++) {
      let time = pick(GOOD_TIMES);
      for (let count = 1 + Math.floor(random() * 2); count > 0; count--) {
        const at = Math.floor(random() * (time.length + 1));
        const roll = random();
        time =
          time.slice(0, at) +
          (roll < 0.7 ? pick(edits) : roll < 0.85 ? pick(edits) + pick(edits) : '') +
          time.slice(roll < 0.7 || roll >= 0.85 ? at + 1 : at);
      }
      same(time);
    }
  });

  it('checks label sets, annotations and generatorURL exactly as their schemas', () => {
    let accepted = 0;
    let valid = 0;
    for (let round = 0; round < 5000; round++) {
      const labels = randomRecord(ALERT_LIMITS.labelValue, ALERT_LIMITS.labels);
      if (expectTwin(Labels, acceptLabels, labels)) accepted++;
      if (Labels.safeParse(labels).success) valid++;
      expectTwin(Annotations, acceptAnnotations, randomRecord(ALERT_LIMITS.annotationValue, ALERT_LIMITS.annotations));
      expectTwinCheck(GeneratorUrl, isGeneratorUrl, random() < 0.5 ? randomText(40) : randomValue(ALERT_LIMITS.url));
    }
    expect(valid).toBeGreaterThan(1000);
    expect(valid).toBeLessThan(4000);
    expect(accepted).toBeGreaterThan(0.9 * valid);
    for (const name of [...GOOD_NAMES, ...BAD_NAMES]) {
      expectTwin(Labels, acceptLabels, { [name]: 'v' });
      expectTwin(Annotations, acceptAnnotations, { [name]: 'v' });
    }
    for (const text of CHARACTERS.flatMap((character) => [
      character,
      `a${character}`,
      `${character}a`,
      `${character}😀`,
      `${character}${character}`,
    ])) {
      expectTwin(Labels, acceptLabels, { alertname: text });
      expectTwin(Annotations, acceptAnnotations, { summary: text });
      expectTwinCheck(GeneratorUrl, isGeneratorUrl, text);
    }
  });
});

/** A webhook delivery with, most of the time, nothing wrong, and otherwise a field or two anything at all. */
function randomWebhookPayload(): unknown {
  const payload: Record<string, unknown> = clone(webhookFixture(pick(WEBHOOK_FIXTURES)));
  const alerts = payload.alerts as Record<string, unknown>[];
  const changes: (() => void)[] = [
    () => (payload.version = pick(['4', '3', 4, undefined, ''])),
    () => (payload.groupKey = pick(['', 'g', 'g'.repeat(8192), 'g'.repeat(8193), 42, undefined])),
    () =>
      (payload.truncatedAlerts = pick([
        undefined,
        0,
        3,
        -1,
        1.5,
        -0,
        2 ** 53,
        2 ** 53 - 1,
        '1',
        null,
        Number.NaN,
        Number.POSITIVE_INFINITY,
      ])),
    () => (payload.status = pick(['firing', 'resolved', 'pending', undefined, 1])),
    () => (payload.receiver = pick(['', 'r'.repeat(1024), 'r'.repeat(1025), undefined, null])),
    () =>
      (payload[pick(['groupLabels', 'commonLabels', 'commonAnnotations', 'routeLabels'])] = pick([
        undefined,
        {},
        null,
        [],
        { a: 'b' },
        { ['k'.repeat(256)]: 'v' },
        { ['k'.repeat(257)]: 'v' },
        { 'not a label name': 'v\u0000' },
        { a: 'v'.repeat(65_537) },
        { a: 1 },
        JSON.parse('{"__proto__": "x"}') as unknown,
        { 1: 'a', b: 'c' },
        randomRecord(65_536, 100),
      ])),
    () => (payload.externalURL = pick(['', 'http://am', 'u'.repeat(8193), undefined, 1])),
    () => (payload.notification_reason = pick(['repeat', 'n'.repeat(257), undefined, 5])),
    () =>
      Reflect.deleteProperty(
        payload,
        pick([
          'version',
          'groupKey',
          'truncatedAlerts',
          'status',
          'receiver',
          'groupLabels',
          'commonLabels',
          'commonAnnotations',
          'externalURL',
          'alerts',
        ]),
      ),
    () => (payload.alerts = pick([null, {}, [], 'alerts', [null]])),
    () => {
      const alert = pick(alerts);
      if (!alert) return;
      const field = pick(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint', 'extra']);
      const values: Record<string, unknown[]> = {
        status: ['firing', 'resolved', 'pending', undefined],
        labels: [randomRecord(ALERT_LIMITS.labelValue, ALERT_LIMITS.labels)],
        annotations: [undefined, randomRecord(ALERT_LIMITS.annotationValue, ALERT_LIMITS.annotations)],
        startsAt: [undefined, ...GOOD_TIMES, ...BAD_TIMES],
        endsAt: [undefined, ...GOOD_TIMES, ...BAD_TIMES],
        generatorURL: [undefined, '', randomText(40), randomValue(ALERT_LIMITS.url)],
        fingerprint: [undefined, '', 'f'.repeat(64), 'f'.repeat(65), 7],
        extra: [{ nested: true }],
      };
      if (random() < 0.1) Reflect.deleteProperty(alert, field);
      else alert[field] = pick(values[field] ?? []);
    },
  ];
  for (let count = random() < 0.4 ? 0 : Math.ceil(random() * 2); count > 0; count--) pick(changes)();
  return payload;
}

describe('the WebhookPayload fast path', () => {
  it('takes every captured webhook delivery, as zod does', () => {
    for (const name of WEBHOOK_FIXTURES) expect(expectTwin(WebhookPayload, acceptWebhookPayload, webhookFixture(name)), name).toBe(true);
    const newer = { ...webhookFixture('01-firing'), notification_reason: 'repeat', routeLabels: { receiver: 'fb' }, truncatedAlerts: 2 };
    expect(expectTwin(WebhookPayload, acceptWebhookPayload, newer)).toBe(true);
  });

  it('answers as zod on thousands of generated deliveries, good and bad', () => {
    let accepted = 0;
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const payload = randomWebhookPayload();
      if (expectTwin(WebhookPayload, acceptWebhookPayload, payload)) accepted++;
      if (!WebhookPayload.safeParse(payload).success) refused++;
    }
    expect(refused).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(0.95 * (3000 - refused));
  });
});
