import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { createSecretBox, parseSecretKey, SECRET_KEY_FILE, SecretBoxError, secretBoxFrom } from './secret-box.ts';

const key = Buffer.alloc(32, 7);

describe('secret box', () => {
  it('seals a secret so that it opens only with its key and for what it is bound to', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    // A fresh nonce each time: the same seed seals differently.
    expect(box.seal('JBSWY3DPEHPK3PXP', 'user-1')).not.toBe(sealed);
    expect(box.open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.isCurrent(sealed, 'user-1')).toBe(true);

    expect(() => box.open(sealed, 'user-2')).toThrow(SecretBoxError);
    expect(() => createSecretBox(Buffer.alloc(32, 8)).open(sealed, 'user-1')).toThrow(/neither FIREBREAK_SECRET_KEY/);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => box.open(`v1:${bytes.toString('base64')}`, 'user-1')).toThrow(/altered/);
    expect(() => box.open('v1:AAAA', 'user-1')).toThrow(/truncated/);
    // A value stored before sealing existed reads as it is (and startup seals it).
    expect(box.open('JBSWY3DPEHPK3PXP', 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.isCurrent('JBSWY3DPEHPK3PXP', 'user-1')).toBe(false);
  });

  it('rotates: what a previous key sealed still opens, and is not current until sealed again', () => {
    const old = createSecretBox(key);
    const sealedBefore = old.seal('JBSWY3DPEHPK3PXP', 'user-1');
    const rotated = createSecretBox(Buffer.alloc(32, 8), [key]);
    expect(rotated.open(sealedBefore, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(rotated.isCurrent(sealedBefore, 'user-1')).toBe(false);
    const sealedAgain = rotated.seal(rotated.open(sealedBefore, 'user-1'), 'user-1');
    expect(rotated.isCurrent(sealedAgain, 'user-1')).toBe(true);
    // The old key alone no longer opens it.
    expect(() => old.open(sealedAgain, 'user-1')).toThrow(SecretBoxError);
    const fromConfig = secretBoxFrom(
      loadConfig({
        FIREBREAK_SECRET_KEY: '08'.repeat(32),
        FIREBREAK_SECRET_KEY_PREVIOUS: ` ${Buffer.alloc(32, 1).toString('base64')}, ${key.toString('hex')} `,
      }),
    );
    expect(fromConfig.open(sealedBefore, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => loadConfig({ FIREBREAK_SECRET_KEY_PREVIOUS: `${key.toString('hex')},nope` })).toThrow(
      /FIREBREAK_SECRET_KEY_PREVIOUS: must list 32-byte keys/,
    );
  });

  it('takes FIREBREAK_SECRET_KEY in hex or base64 and refuses anything else, naming the variable', () => {
    expect(parseSecretKey('07'.repeat(32))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    for (const bad of ['', 'short', '07'.repeat(31), Buffer.alloc(31).toString('base64'), `${key.toString('base64')}!`])
      expect(parseSecretKey(bad)).toBeNull();
    expect(() => loadConfig({ FIREBREAK_SECRET_KEY: 'not a key' })).toThrow(ConfigError);
    expect(() => loadConfig({ FIREBREAK_SECRET_KEY: 'not a key' })).toThrow(/FIREBREAK_SECRET_KEY: must be 32 bytes/);
    const box = secretBoxFrom(loadConfig({ FIREBREAK_SECRET_KEY: key.toString('base64') }));
    expect(createSecretBox(key).open(box.seal('seed', 'u'), 'u')).toBe('seed');
  });

  it('without FIREBREAK_SECRET_KEY makes a key once in DATA_DIR, readable by its owner only, and keeps it', async () => {
    const dataDirectory = path.join(await mkdtemp(path.join(tmpdir(), 'firebreak-key-')), 'data');
    const first = secretBoxFrom({ FIREBREAK_SECRET_KEY: undefined, dataDirectory });
    const file = path.join(dataDirectory, SECRET_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(await readFile(file, 'utf8'))).toHaveLength(32);
    const second = secretBoxFrom({ FIREBREAK_SECRET_KEY: undefined, dataDirectory });
    expect(second.open(first.seal('seed', 'u'), 'u')).toBe('seed');
  });
});
