import { describe, expect, it } from 'vitest';
import { prometheusFixture, webhookFixture } from '../../test/harness/alert-fixtures.ts';
import { seededRandom } from '../../test/harness/seeded-random.ts';
import { alertFingerprint } from './fingerprint.ts';

/** FNV-1a 64 the slow, obvious way, to check the fast path on inputs Alertmanager did not print for us. */
function referenceFingerprint(labels: Record<string, string>): string {
  const bytes: number[] = [];
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) bytes.push(...Buffer.from(name), 0xff, ...Buffer.from(labels[name] ?? ''), 0xff);
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

describe('alertFingerprint', () => {
  it('matches every fingerprint Alertmanager 0.25 printed in the captured webhooks', () => {
    const seen = new Set<string>();
    for (const name of ['01-firing', '02-firing', '03-resolved', '04-firing', '05-resolved', '06-firing']) {
      for (const alert of webhookFixture(name).alerts) {
        expect(alertFingerprint(alert.labels)).toBe(alert.fingerprint);
        seen.add(alert.fingerprint);
      }
    }
    expect([...seen].sort()).toEqual(['07374bc745014510', '7087ed00a57347e7', 'eaa2c0810570653c']);
  });

  it('gives the alerts Prometheus posts to /api/v2/alerts the same identity (no fingerprint there)', () => {
    const fromPrometheus = prometheusFixture('01-firing').map((alert) => alertFingerprint(alert.labels));
    expect(fromPrometheus.sort()).toEqual(['07374bc745014510', '7087ed00a57347e7', 'eaa2c0810570653c']);
  });

  it('does not depend on the order of the labels', () => {
    expect(alertFingerprint({ b: '2', a: '1' })).toBe(alertFingerprint({ a: '1', b: '2' }));
    expect(alertFingerprint({ a: '1', b: '2' })).not.toBe(alertFingerprint({ a: '2', b: '1' }));
  });

  it('hashes UTF-8 bytes, as Go does, for values beyond ASCII', () => {
    const cases: Record<string, string>[] = [
      { alertname: 'Überlast', service: 'zahlung' },
      { alertname: 'x', emoji: '🔥 fire', tab: 'a\tb' },
      { a: '' },
      {},
    ];
    for (const labels of cases) {
      expect(alertFingerprint(labels)).toBe(referenceFingerprint(labels));
    }
    // Go's FNV-1a offset basis for the empty label set.
    expect(alertFingerprint({})).toBe('cbf29ce484222325');
  });

  it('matches the obvious implementation on characters of every UTF-8 length, beyond the BMP and lone surrogates', () => {
    const cases: Record<string, string>[] = [
      { alertname: 'é', service: 'ÿ' }, // two bytes, from U+0080 on
      { alertname: '\u07ff', x: '\u0800' }, // the last two-byte and the first three-byte character
      { alertname: '警报', team: '支付', region: 'ﬁ\uffff' },
      { alertname: '\u{10000}', emoji: '🔥🚒', last: '\u{10ffff}' },
      { a: '\ud800', b: 'x\udfff', c: '\udc00\ud800', d: '\ud83d' }, // lone surrogates hash as U+FFFD, as TextEncoder writes them
      // Names where UTF-16 order and Go's byte order differ: U+FF5E sorts before an astral character in UTF-16, after it in UTF-8.
      { '\uff5e': '1', '\u{1f525}': '2', '\ue000': '3', z: '4' },
      { zeta: '1', alpha: '2', Mu: '3', _x: '4', a1: '5' }, // unsorted ASCII
    ];
    for (const labels of cases) {
      expect(alertFingerprint(labels), JSON.stringify(labels)).toBe(referenceFingerprint(labels));
    }
  });

  it('matches the obvious implementation on thousands of random label sets', () => {
    const random = seededRandom(20261121);
    const alphabet = [
      'a',
      'Z',
      '_',
      '0',
      ' ',
      '\t',
      '\u007f',
      '\u0080',
      'é',
      '\u07ff',
      '\u0800',
      '€',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '😀',
      '\u{10000}',
      '\u{10ffff}',
      '\ud800',
      '\udfff',
    ];
    const text = (maxLength: number) => {
      let value = '';
      const length = Math.floor(random() * maxLength);
      for (let index = 0; index < length; index++) value += alphabet[Math.floor(random() * alphabet.length)] ?? '';
      return value;
    };
    for (let round = 0; round < 3000; round++) {
      const labels: Record<string, string> = {};
      const count = Math.floor(random() * 8);
      for (let index = 0; index < count; index++) labels[random() < 0.5 ? `n${text(6)}` : text(6)] = text(40);
      expect(alertFingerprint(labels), JSON.stringify(labels)).toBe(referenceFingerprint(labels));
    }
  });
});
