import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterValue } from '../../test/harness/metrics.ts';
import { loadConfig } from '../config.ts';
import { RedactionRulesError } from './load-redaction-rules.ts';
import type { Redactor } from './redactor.ts';
import { redactorFrom } from './redactor.ts';
import { isLuhnCardNumber, isValidSocialSecurityNumber } from './sensitive-numbers.ts';

const builtIn = (): Redactor => {
  const redactor = redactorFrom(loadConfig({ LOG_LEVEL: 'silent' }));
  if (!redactor) throw new Error('redaction is on by default');
  return redactor;
};

function rulesFile(name: string, text: string): string {
  const file = path.join(tmpdir(), `redaction-${process.pid}-${name}`);
  writeFileSync(file, text);
  return file;
}

describe('card numbers and social security numbers', () => {
  it('accepts card numbers that pass Luhn, and nothing else', () => {
    expect(isLuhnCardNumber('4111111111111111')).toBe(true); // Visa test number
    expect(isLuhnCardNumber('378282246310005')).toBe(true); // Amex, 15 digits
    expect(isLuhnCardNumber('4222222222222')).toBe(true); // 13 digits
    expect(isLuhnCardNumber('4111111111111112')).toBe(false); // one digit off
    expect(isLuhnCardNumber('411111111111')).toBe(false); // 12 digits: too short
    expect(isLuhnCardNumber('41111111111111111111')).toBe(false); // 20 digits: too long
    expect(isLuhnCardNumber('0000000000000000')).toBe(false); // passes Luhn, is no card
  });

  it('accepts SSNs only in the issued ranges', () => {
    expect(isValidSocialSecurityNumber('123', '45', '6789')).toBe(true);
    expect(isValidSocialSecurityNumber('000', '45', '6789')).toBe(false);
    expect(isValidSocialSecurityNumber('666', '45', '6789')).toBe(false);
    expect(isValidSocialSecurityNumber('900', '45', '6789')).toBe(false);
    expect(isValidSocialSecurityNumber('899', '45', '6789')).toBe(true);
    expect(isValidSocialSecurityNumber('123', '00', '6789')).toBe(false);
    expect(isValidSocialSecurityNumber('123', '45', '0000')).toBe(false);
  });

  it('redacts valid card numbers and SSNs as they are written, and leaves look-alikes', () => {
    const redactor = builtIn();
    const text = (value: string) => redactor.text(value, 'alert_annotation');
    expect(text('charge failed for 4111 1111 1111 1111 at checkout')).toBe('charge failed for [REDACTED:card] at checkout');
    expect(text('card=4111-1111-1111-1111')).toBe('card=[REDACTED:card]');
    expect(text('amex 378282246310005.')).toBe('amex [REDACTED:card].');
    expect(text('order 4111111111111112 failed')).toBe('order 4111111111111112 failed');
    expect(text('trace 41111111111111111111 failed')).toBe('trace 41111111111111111111 failed');
    expect(text('customer SSN 123-45-6789 on file')).toBe('customer SSN [REDACTED:ssn] on file');
    expect(text('ssn 123 45 6789')).toBe('ssn [REDACTED:ssn]');
    expect(text('ssn 666-45-6789 or 123-00-6789 or 123-45-0000 or 912-45-6789')).toBe(
      'ssn 666-45-6789 or 123-00-6789 or 123-45-0000 or 912-45-6789',
    );
    // Mixed separators, or a bare run of nine digits (an order number as often as not), are left.
    expect(text('ids 123-45 6789 and 123456789')).toBe('ids 123-45 6789 and 123456789');
    expect(text('released 2026-12-05, build 20261205')).toBe('released 2026-12-05, build 20261205');
  });
});

describe('tokens and secrets', () => {
  const redactor = builtIn();
  const text = (value: string) => redactor.text(value, 'span_attribute');

  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abc.def', 'Authorization: [REDACTED:authorization]'],
    ['authorization=Basic dXNlcjpwYXNzd29yZA==', 'authorization=[REDACTED:authorization]'],
    ['calling upstream with bearer abcdef0123456789xyz', 'calling upstream with bearer [REDACTED:bearer]'],
    ['key AKIAIOSFODNN7EXAMPLE leaked', 'key [REDACTED:aws_access_key] leaked'],
    [`token ghp_${'a1B2'.repeat(9)} pushed`, 'token [REDACTED:github_token] pushed'],
    ['slack xoxb-123456789012-abcdefABCDEF posted', 'slack [REDACTED:slack_token] posted'],
    ['hook https://hooks.slack.com/services/T000/B000/XXXXXXXX failed', 'hook [REDACTED:slack_token] failed'],
    [
      'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
      'jwt [REDACTED:jwt] ok',
    ],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', '[REDACTED:private_key]'],
    ['db connect password=hunter2 host=db', 'db connect password=[REDACTED:secret_pair] host=db'],
    ['GET /v1?api_key=abc123&page=2', 'GET /v1?api_key=[REDACTED:secret_pair]&page=2'],
    ['{"secret": "s3cr3t"}', '{"secret": "[REDACTED:secret_pair]"}'],
  ])('%s', (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it('leaves ordinary values alone, as the same string', () => {
    for (const value of ['api-1:9100', 'checkout 5xx ratio above 5%', 'https://runbooks.example.com/checkout', 'tokens used: 12']) {
      expect(text(value)).toBe(value);
    }
    const labels = { alertname: 'HighErrorRate', instance: 'api-1:9100' };
    expect(redactor.record(labels, 'alert_label')).toBe(labels);
  });

  it('judges a text seen before the same way: what it left stays left, what it replaced is replaced again', () => {
    const clean = 'checkout 5xx ratio above 5% on api-7';
    const sensitive = 'card 4111111111111111 declined';
    for (let round = 0; round < 3; round++) {
      expect(text(clean)).toBe(clean);
      expect(text(sensitive)).toBe('card [REDACTED:card] declined');
    }
    // A text left alone under an ordinary key is still replaced whole under a secret one.
    expect(redactor.record({ summary: 'hunter2hunter2', password: 'hunter2hunter2' }, 'alert_label')).toEqual({
      summary: 'hunter2hunter2',
      password: '[REDACTED:secret_pair]',
    });
  });

  it('replaces the whole value under a secret key, at any depth', () => {
    expect(redactor.record({ authorization: 'Basic abc', service: 'checkout' }, 'alert_label')).toEqual({
      authorization: '[REDACTED:authorization]',
      service: 'checkout',
    });
    expect(
      redactor.value(
        { 'http.request.header.authorization': ['Bearer x'], 'db.password': 'p', nested: { api_key: 'k', note: 'fine' } },
        'span_attribute',
      ),
    ).toEqual({
      'http.request.header.authorization': ['[REDACTED:authorization]'],
      'db.password': '[REDACTED:secret_pair]',
      nested: { api_key: '[REDACTED:secret_pair]', note: 'fine' },
    });
  });

  it('counts each replacement in firebreak_redactions_total by rule and source', async () => {
    const counted = () => counterValue('firebreak_redactions_total', { rule: 'card', source: 'span_status' });
    const before = await counted();
    // The same text twice: each time it is replaced, it is counted.
    redactor.text('cards 4111111111111111 and 5555555555554444', 'span_status');
    redactor.text('cards 4111111111111111 and 5555555555554444', 'span_status');
    const after = await counted();
    expect(after - before).toBe(4);
  });
});

describe('REDACTION_RULES_FILE', () => {
  it('adds rules (RE2, literal replacement), overrides and disables built-ins, in YAML or JSON', () => {
    const yaml = rulesFile(
      'rules.yaml',
      `rules:
  - name: employee_id
    pattern: 'EMP-[0-9]{6}'
    keywords: [emp-]
  - name: ssn
    enabled: false
  - name: internal_host
    pattern: '[a-z0-9]+\\.corp\\.example'
    replacement: '$host'
`,
    );
    const redactor = redactorFrom(loadConfig({ LOG_LEVEL: 'silent', REDACTION_RULES_FILE: yaml }));
    expect(redactor?.text('EMP-123456 on db1.corp.example, ssn 123-45-6789, card 4111111111111111', 'alert_annotation')).toBe(
      '[REDACTED:employee_id] on $host, ssn 123-45-6789, card [REDACTED:card]',
    );
    const json = rulesFile('rules.json', JSON.stringify({ rules: [{ name: 'card', pattern: 'CARD-[0-9]+' }] }));
    expect(
      redactorFrom(loadConfig({ LOG_LEVEL: 'silent', REDACTION_RULES_FILE: json }))?.text('CARD-42 4111111111111111', 'span_status'),
    ).toBe('[REDACTED:card] 4111111111111111');
  });

  it('refuses a bad pattern naming the rule, a rule without a pattern, and an unreadable file', () => {
    const load = (file: string) => () => redactorFrom(loadConfig({ LOG_LEVEL: 'silent', REDACTION_RULES_FILE: file }));
    const bad = rulesFile('bad.yaml', "rules:\n  - name: broken_rule\n    pattern: 'unclosed(['\n");
    expect(load(bad)).toThrow(RedactionRulesError);
    expect(load(bad)).toThrow(/rule "broken_rule": invalid RE2 pattern/);
    // RE2 has no backreferences: a pattern Perl would take is refused, not run slowly.
    expect(load(rulesFile('backref.yaml', "rules:\n  - name: repeated\n    pattern: '(a+)\\1'\n"))).toThrow(/rule "repeated"/);
    expect(load(rulesFile('nopattern.yaml', 'rules:\n  - name: lonely\n'))).toThrow(/rule "lonely": needs a pattern/);
    expect(load(rulesFile('badname.json', '{"rules": [{"name": "Bad Name", "pattern": "x"}]}'))).toThrow(/rules\.0\.name/);
    expect(load(path.join(tmpdir(), 'no-such-redaction-rules.yaml'))).toThrow(/cannot be read/);
  });

  it('is off with REDACTION_ENABLED=false', () => {
    expect(redactorFrom(loadConfig({ LOG_LEVEL: 'silent', REDACTION_ENABLED: 'false' }))).toBeNull();
  });
});
