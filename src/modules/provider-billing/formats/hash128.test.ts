import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hash128Builder, hash128base64url, murmur3x86_128 } from './hash128.js';

/** Byte-wise MurmurHash3_x86_128, written the way smhasher's C reference is (the oracle). */
function refX86_128(bytes: Uint8Array, seed = 0): number[] {
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const fmix = (h: number) => { h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); return h ^ (h >>> 16); };
  const c1 = 0x239b961b, c2 = 0xab0e9789, c3 = 0x38b34ae5, c4 = 0xa1e38b93;
  let h1 = seed | 0, h2 = h1, h3 = h1, h4 = h1;
  const len = bytes.length, nblocks = len >>> 4;
  const w = (o: number) => bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
  for (let i = 0; i < nblocks; i++) {
    let k1 = w(i * 16), k2 = w(i * 16 + 4), k3 = w(i * 16 + 8), k4 = w(i * 16 + 12);
    k1 = Math.imul(k1, c1); k1 = rotl(k1, 15); k1 = Math.imul(k1, c2); h1 ^= k1;
    h1 = rotl(h1, 19); h1 = (h1 + h2) | 0; h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2); k2 = rotl(k2, 16); k2 = Math.imul(k2, c3); h2 ^= k2;
    h2 = rotl(h2, 17); h2 = (h2 + h3) | 0; h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3); k3 = rotl(k3, 17); k3 = Math.imul(k3, c4); h3 ^= k3;
    h3 = rotl(h3, 15); h3 = (h3 + h4) | 0; h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4); k4 = rotl(k4, 18); k4 = Math.imul(k4, c1); h4 ^= k4;
    h4 = rotl(h4, 13); h4 = (h4 + h1) | 0; h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const t = nblocks * 16; let k1 = 0, k2 = 0, k3 = 0, k4 = 0;
  switch (len & 15) {
    case 15: k4 ^= bytes[t + 14]! << 16;
    case 14: k4 ^= bytes[t + 13]! << 8;
    case 13: k4 ^= bytes[t + 12]!; k4 = Math.imul(k4, c4); k4 = rotl(k4, 18); k4 = Math.imul(k4, c1); h4 ^= k4;
    case 12: k3 ^= bytes[t + 11]! << 24;
    case 11: k3 ^= bytes[t + 10]! << 16;
    case 10: k3 ^= bytes[t + 9]! << 8;
    case 9: k3 ^= bytes[t + 8]!; k3 = Math.imul(k3, c3); k3 = rotl(k3, 17); k3 = Math.imul(k3, c4); h3 ^= k3;
    case 8: k2 ^= bytes[t + 7]! << 24;
    case 7: k2 ^= bytes[t + 6]! << 16;
    case 6: k2 ^= bytes[t + 5]! << 8;
    case 5: k2 ^= bytes[t + 4]!; k2 = Math.imul(k2, c2); k2 = rotl(k2, 16); k2 = Math.imul(k2, c3); h2 ^= k2;
    case 4: k1 ^= bytes[t + 3]! << 24;
    case 3: k1 ^= bytes[t + 2]! << 16;
    case 2: k1 ^= bytes[t + 1]! << 8;
    case 1: k1 ^= bytes[t]!; k1 = Math.imul(k1, c1); k1 = rotl(k1, 15); k1 = Math.imul(k1, c2); h1 ^= k1;
  }
  h1 ^= len; h2 ^= len; h3 ^= len; h4 ^= len;
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4);
  h1 = (h1 + h2) | 0; h1 = (h1 + h3) | 0; h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const le = (h: ArrayLike<number>) => Buffer.concat(Array.from(h, (x) => { const b = Buffer.alloc(4); b.writeUInt32LE(x >>> 0); return b; })).toString('hex').toUpperCase();

describe('MurmurHash3 x86_128', () => {
  it('the oracle reproduces published vectors (seed 2538058380, output as little-endian words)', () => {
    expect(le(refX86_128(Buffer.from(''), 2538058380))).toBe('A1D5BEF71C6A575B1C6A575B1C6A575B');
    expect(le(refX86_128(Buffer.from('The quick brown fox jumps over the lazy dog'), 2538058380))).toBe('5ED5D48A7161B84C9C3AA78E3E79B6CD');
  });

  it('hashing a string equals the oracle on its UTF-16LE bytes, for every tail length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 70 }), fc.integer(), (s, seed) => {
        expect(le(murmur3x86_128(s, seed))).toBe(le(refX86_128(Buffer.from(s, 'utf16le'), seed)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its output (stored line keys depend on it)', () => {
    expect(hash128base64url('')).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(hash128base64url('11:nce_invoice10:G002297372')).toBe('KqIBezSfhdLKp-tE4l8Eew');
    expect(Buffer.from(le(refX86_128(Buffer.from('11:nce_invoice10:G002297372', 'utf16le'))), 'hex').toString('base64url')).toBe('KqIBezSfhdLKp-tE4l8Eew');
    expect(hash128base64url('x')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('the piecewise builder gives the hash of the concatenation, and resets after each digest', () => {
    const b = new Hash128Builder();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 12 }), (parts) => {
        for (const p of parts) b.add(p);
        expect(b.digest()).toBe(hash128base64url(parts.join('')));
        for (const p of parts) b.addPart(p);
        expect(b.digest()).toBe(hash128base64url(parts.map((p) => `${p.length}:${p}`).join('')));
      }),
      { numRuns: 1000 },
    );
  });
});
