import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash128base64url, murmur3x86_128 } from './hash128.js';
import { KeyTable128 } from './key-table.js';

describe('KeyTable128', () => {
  it('counts line keys like a Map of their strings (through growth, with repeats in any order)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 2000 }), (picks) => {
        const table = new KeyTable128(16);
        const map = new Map<string, number>();
        for (const p of picks) {
          const key = `nce_invoice:${hash128base64url(`line ${p}`)}`;
          const n = (map.get(key) ?? 0) + 1;
          map.set(key, n);
          expect(table.addLineKey(key)).toBe(n);
        }
        expect(table.size).toBe(map.size);
      }),
    );
  });

  it('decodes all 128 bits of a line key: keys differing in any bit count apart', () => {
    // the 16 hash bytes of one key, each bit flipped in turn, re-encoded: every one is a new key
    const base = murmur3x86_128('some line');
    const table = new KeyTable128();
    const encode = (w: Uint32Array) => {
      const b = Buffer.alloc(16);
      for (let i = 0; i < 4; i++) b.writeUInt32LE(w[i]!, i * 4);
      return `x:${b.toString('base64url')}`;
    };
    expect(encode(base)).toBe(`x:${hash128base64url('some line')}`);
    expect(table.addLineKey(encode(base))).toBe(1);
    for (let bit = 0; bit < 128; bit++) {
      const w = Uint32Array.from(base);
      w[bit >> 5] ^= 1 << (bit & 31);
      expect(table.addLineKey(encode(w))).toBe(1);
    }
    expect(table.addLineKey(encode(base))).toBe(2);
    expect(table.size).toBe(129);
  });

  it('is a set of strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 500 }), fc.array(fc.string(), { maxLength: 50 }), (added, probes) => {
        const table = new KeyTable128(16);
        for (const s of added) table.addString(s);
        expect(table.size).toBe(new Set(added).size);
        for (const s of [...added, ...probes]) expect(table.hasString(s)).toBe(added.includes(s));
      }),
    );
  });
});
