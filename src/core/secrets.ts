import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors.js';

/**
 * Secrets at rest (provider client secrets, webhook secrets): AES-256-GCM with a key from the
 * environment (PARTNERDESK_SECRET_KEY) or, on the embedded store, a key file beside the data.
 * Envelope: `v1:<iv>:<tag>:<ciphertext>`, base64url parts. Pure: the key is passed in.
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(envelope: string): string;
}

export function parseSecretKey(raw: string): Buffer {
  const s = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (key.length !== 32) throw new AppError('bad_request', 'config.invalid', { name: 'PARTNERDESK_SECRET_KEY', value: '***', expected: '32 bytes, base64 or hex' });
  return key;
}

export function secretBox(getKey: () => Buffer): SecretBox {
  return {
    encrypt(plaintext) {
      const key = getKey();
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
    },
    decrypt(envelope) {
      const [v, iv, tag, ct] = envelope.split(':');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new AppError('internal', 'secrets.bad_envelope');
      try {
        const d = createDecipheriv('aes-256-gcm', getKey(), Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
      } catch (e) {
        throw new AppError('internal', 'secrets.wrong_key', {}, { cause: e });
      }
    },
  };
}
