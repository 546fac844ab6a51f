import { describe, expect, it } from 'vitest';
import { parseSecretKey, secretBox } from './secrets.js';

describe('secrets at rest', () => {
  const key = Buffer.alloc(32, 1);
  it('round-trips, with a fresh IV each time', () => {
    const box = secretBox(() => key);
    const a = box.encrypt('client-secret-ü');
    const b = box.encrypt('client-secret-ü');
    expect(a).not.toBe(b);
    expect(a).not.toContain('client-secret');
    expect(box.decrypt(a)).toBe('client-secret-ü');
  });

  it('refuses a wrong key and a tampered envelope', () => {
    const env = secretBox(() => key).encrypt('s3cret');
    expect(() => secretBox(() => Buffer.alloc(32, 2)).decrypt(env)).toThrow(expect.objectContaining({ code: 'secrets.wrong_key' }));
    const parts = env.split(':');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => secretBox(() => key).decrypt(parts.join(':'))).toThrow(expect.objectContaining({ code: 'secrets.wrong_key' }));
    expect(() => secretBox(() => key).decrypt('garbage')).toThrow(expect.objectContaining({ code: 'secrets.bad_envelope' }));
  });

  it('reads keys as base64 or hex, 32 bytes only', () => {
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(() => parseSecretKey('c2hvcnQ=')).toThrow(expect.objectContaining({ code: 'config.invalid' }));
  });
});
