import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from './client-address.ts';

describe('client address behind proxies (TRUSTED_PROXIES)', () => {
  const trusted = parseTrustedProxies('10.0.0.0/8, 192.168.1.7, fd00::/8');

  it('believes X-Forwarded-For only from a trusted proxy, and only up to the first untrusted hop', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', trusted)).toBe('203.0.113.9');
    expect(clientAddress('10.1.2.3', '198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:10.1.2.3', '198.51.100.1', trusted)).toBe('198.51.100.1');
    // A client that writes its own header cannot choose its address: the rightmost untrusted hop wins.
    expect(clientAddress('10.1.2.3', '1.1.1.1, 198.51.100.1, 10.9.9.9', trusted)).toBe('198.51.100.1');
    expect(clientAddress('192.168.1.7', 'garbage, 198.51.100.2', trusted)).toBe('198.51.100.2');
    expect(clientAddress('10.1.2.3', 'not-an-ip', trusted)).toBe('10.1.2.3');
    expect(clientAddress('fd00::1', '2001:db8::5', trusted)).toBe('2001:db8::5');
    expect(clientAddress('10.1.2.3', '198.51.100.1', null)).toBe('10.1.2.3');
  });

  it('refuses entries it cannot read', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseTrustedProxies('proxy.internal')).toThrow(/not an IP/);
  });
});
