import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../platform/index.ts';
import { formatMatcher, matchesAll, matchesLabels, parseMatchers } from './matchers.ts';

describe('Alertmanager matchers', () => {
  const labels = { alertname: 'DiskAlmostFull', service: 'db', instance: 'db-1:9100', severity: 'warning' };

  it('parses the four operators, quoted and bare values, with or without braces', () => {
    expect(parseMatchers('{alertname="DiskAlmostFull", service!="api", instance=~"db-.*", severity!~"crit.*"}')).toEqual([
      { name: 'alertname', value: 'DiskAlmostFull', isRegex: false, isEqual: true },
      { name: 'service', value: 'api', isRegex: false, isEqual: false },
      { name: 'instance', value: 'db-.*', isRegex: true, isEqual: true },
      { name: 'severity', value: 'crit.*', isRegex: true, isEqual: false },
    ]);
    expect(parseMatchers('service=db')).toEqual([{ name: 'service', value: 'db', isRegex: false, isEqual: true }]);
    expect(parseMatchers('summary="a \\"quoted\\", comma"')[0]?.value).toBe('a "quoted", comma');
  });

  it('matches all matchers, with regexes anchored at both ends', () => {
    expect(matchesAll(parseMatchers('alertname="DiskAlmostFull", instance=~"db-.*"'), labels)).toBe(true);
    expect(matchesAll(parseMatchers('instance=~"db"'), labels)).toBe(false);
    expect(matchesAll(parseMatchers('instance=~"1:9100"'), labels)).toBe(false);
    expect(matchesAll(parseMatchers('severity!~"crit.*|error"'), labels)).toBe(true);
    expect(matchesAll(parseMatchers('service!="db"'), labels)).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    const [absent] = parseMatchers('team=""');
    if (!absent) throw new Error('no matcher');
    expect(matchesLabels(absent, labels)).toBe(true);
    expect(matchesLabels(absent, { ...labels, team: 'storage' })).toBe(false);
    expect(matchesAll(parseMatchers('team!=""'), labels)).toBe(false);
  });

  it('prints matchers in Alertmanager notation', () => {
    expect(parseMatchers('instance=~"db-.*", service!="api"').map(formatMatcher)).toEqual(['instance=~"db-.*"', 'service!="api"']);
  });

  it('refuses what it cannot read, naming it', () => {
    expect(() => parseMatchers('service')).toThrow(InvalidInputError);
    expect(() => parseMatchers('service')).toThrow(/expected name, one of = != =~ !~/);
    expect(() => parseMatchers('1service="x"')).toThrow(/matcher/);
    expect(() => parseMatchers('instance=~"db-("')).toThrow(/invalid regular expression/);
    expect(() => parseMatchers('summary="bad \\q escape"')).toThrow(/unknown escape/);
  });

  it('uses RE2 semantics, as Prometheus and Alertmanager do: linear time, no backreferences or lookaround', () => {
    for (const pattern of ['(a)\\\\1', 'db(?=-1)', '(?<!x)db', 'a{1001}']) {
      expect(() => parseMatchers(`instance=~"${pattern}"`), pattern).toThrow(/invalid regular expression/);
    }
    expect(() => parseMatchers(`instance=~"${'a|'.repeat(600)}a"`)).toThrow(/longer than 1024/);
    // Backtracking engines take time exponential in the label's length on this pattern; RE2 does not.
    const [nested] = parseMatchers('instance=~"([a-z0-9.:-]+)+!"');
    if (!nested) throw new Error('no matcher');
    expect(matchesLabels(nested, { instance: `${'a'.repeat(40)}:9100` })).toBe(false);
    expect(matchesLabels(nested, { instance: 'db-1:9100!' })).toBe(true);
    // RE2's dot matches a line break inside a label value, as in Prometheus ((?s) is on).
    expect(matchesAll(parseMatchers('summary=~"a.b"'), { summary: 'a\nb' })).toBe(true);
    expect(matchesAll(parseMatchers('summary=~"\\\\d+"'), { summary: '42' })).toBe(true);
  });
});
