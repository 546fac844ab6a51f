import { murmur3x86_128 } from './hash128.js';

/**
 * A compact count of 128-bit keys: open addressing over typed arrays (20 bytes a slot, at most half
 * full), instead of a Map of strings (~100 bytes an entry, and a million long-lived strings for the
 * garbage collector to walk). Used by the direct import to number in-file repeats of a line key and
 * to count distinct customer and subscription ids without keeping them. Pure.
 *
 * Keys are 128-bit hashes already (line keys are MurmurHash3 x86_128; other strings go through it
 * here), so equal words are taken as equal keys: the same bet the line keys themselves make.
 */
export class KeyTable128 {
  private words: Uint32Array;
  /** occurrences per slot; 0 = empty */
  private counts: Uint32Array;
  private mask: number;
  /** distinct keys */
  size = 0;

  constructor(slots = 1 << 12) {
    const n = 1 << Math.max(4, Math.ceil(Math.log2(slots)));
    this.words = new Uint32Array(n * 4);
    this.counts = new Uint32Array(n);
    this.mask = n - 1;
  }

  /** One more occurrence of the key (four unsigned 32-bit words); returns its count so far (1 the first time). */
  add(a: number, b: number, c: number, d: number): number {
    const { words, counts, mask } = this;
    for (let i = (a ^ c) & mask; ; i = (i + 1) & mask) {
      const n = counts[i]!;
      const o = i * 4;
      if (n === 0) {
        words[o] = a;
        words[o + 1] = b;
        words[o + 2] = c;
        words[o + 3] = d;
        counts[i] = 1;
        if (++this.size * 2 > counts.length) this.grow();
        return 1;
      }
      if (words[o] === a && words[o + 1] === b && words[o + 2] === c && words[o + 3] === d) return (counts[i] = n + 1);
    }
  }

  has(a: number, b: number, c: number, d: number): boolean {
    const { words, counts, mask } = this;
    for (let i = (a ^ c) & mask; ; i = (i + 1) & mask) {
      if (counts[i] === 0) return false;
      const o = i * 4;
      if (words[o] === a && words[o + 1] === b && words[o + 2] === c && words[o + 3] === d) return true;
    }
  }

  /** A string, through MurmurHash3 x86_128. */
  addString(s: string): number {
    const h = murmur3x86_128(s);
    return this.add(h[0]!, h[1]!, h[2]!, h[3]!);
  }

  hasString(s: string): boolean {
    const h = murmur3x86_128(s);
    return this.has(h[0]!, h[1]!, h[2]!, h[3]!);
  }

  /**
   * A line key (`format:` + 22 base64url characters, hash128.ts) counted by its 128 hash bits,
   * decoded from the characters (no second hash). All keys of one table must share the format.
   */
  addLineKey(key: string): number {
    const s = key.length - 22;
    const c = (i: number) => B64[key.charCodeAt(s + i)]!;
    const w = (i: number) => c(i) | (c(i + 1) << 6) | (c(i + 2) << 12) | (c(i + 3) << 18) | (c(i + 4) << 24);
    // 21 characters carry 6 bits, the last one 2 (its value is a multiple of 16): 4 × 30 + 8 bits
    const x = c(20);
    const y = c(21) >>> 4;
    return this.add((w(0) | ((x & 3) << 30)) >>> 0, (w(5) | (((x >>> 2) & 3) << 30)) >>> 0, (w(10) | ((x >>> 4) << 30)) >>> 0, (w(15) | (y << 30)) >>> 0);
  }

  private grow(): void {
    const { words, counts } = this;
    const n = counts.length * 2;
    this.words = new Uint32Array(n * 4);
    this.counts = new Uint32Array(n);
    this.mask = n - 1;
    for (let i = 0; i < counts.length; i++) {
      const k = counts[i]!;
      if (k === 0) continue;
      const o = i * 4;
      let j = (words[o]! ^ words[o + 2]!) & this.mask;
      while (this.counts[j] !== 0) j = (j + 1) & this.mask;
      const p = j * 4;
      this.words[p] = words[o]!;
      this.words[p + 1] = words[o + 1]!;
      this.words[p + 2] = words[o + 2]!;
      this.words[p + 3] = words[o + 3]!;
      this.counts[j] = k;
    }
  }
}

const B64 = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((ch, i) => (B64[ch.charCodeAt(0)] = i));
