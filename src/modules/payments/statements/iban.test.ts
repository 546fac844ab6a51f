import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bbanFormat,
  formatIban,
  ibanLength,
  ibanProblem,
  isValidCreditorReference,
  isValidIban,
  makeCreditorReference,
  makeIban,
  normalizeIban,
} from './iban.js';

const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = DIGITS + LETTERS;

/** Countries whose BBAN fixes every position to digits or letters (no "c"), and those with free positions. */
const COUNTRIES = ['DE', 'NL', 'GB', 'AT', 'BE', 'ES', 'IE', 'DK', 'FI', 'NO', 'PL', 'PT', 'SE', 'SI', 'SK', 'CZ', 'HU', 'HR', 'LT', 'EE', 'MU', 'SC'];
const MIXED = ['FR', 'IT', 'CH', 'LI', 'LU', 'MT', 'CY', 'GR', 'RO', 'BG', 'LV', 'MC', 'SM', 'GI', 'AD', 'BR', 'QA'];

/** A BBAN following the registry structure, from a stream of picks. */
function bban(country: string): fc.Arbitrary<string> {
  const parts = [...bbanFormat(country)!.matchAll(/(\d+)([nac])/g)].map(([, n, cls]) => {
    const alphabet = cls === 'n' ? DIGITS : cls === 'a' ? LETTERS : ALNUM;
    return fc.array(fc.constantFrom(...alphabet), { minLength: Number(n), maxLength: Number(n) }).map((cs) => cs.join(''));
  });
  return fc.tuple(...parts).map((ps) => ps.join(''));
}

const validIban = (countries: string[]) => fc.constantFrom(...countries).chain((c) => bban(c).map((b) => makeIban(c, b)));

describe('IBAN', () => {
  it('accepts registry examples in print and electronic form', () => {
    for (const iban of ['DE89 3704 0044 0532 0130 00', 'GB29NWBK60161331926819', 'NL91ABNA0417164300', 'FR1420041010050500013M02606', 'ch93 0076 2011 6238 5295 7']) {
      expect(isValidIban(iban)).toBe(true);
    }
    expect(normalizeIban(' de89 3704\u00a00044 0532 0130 00 ')).toBe('DE89370400440532013000');
    expect(formatIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
    expect(ibanLength('DE')).toBe(22);
    expect(ibanLength('NL')).toBe(18);
  });

  it('says what is wrong', () => {
    expect(ibanProblem('DE89370400440532013001')).toBe('checksum');
    expect(ibanProblem('DE8937040044053201300')).toBe('length');
    expect(ibanProblem('XX89370400440532013000')).toBe('country');
    expect(ibanProblem('NL91ABNA041716430A')).toBe('structure');
    expect(ibanProblem('DE89-3704-0044')).toBe('format');
    expect(ibanProblem('')).toBe('format');
  });

  it('builds check digits that validate', () => {
    expect(makeIban('DE', '370400440532013000')).toBe('DE89370400440532013000');
    expect(makeIban('NL', 'RABO0300065264')).toBe('NL39RABO0300065264');
  });

  it('property: generated IBANs validate; any single-character change is rejected', () => {
    fc.assert(
      fc.property(validIban(COUNTRIES), fc.nat(), fc.constantFrom(...ALNUM), (iban, at, ch) => {
        expect(isValidIban(iban)).toBe(true);
        const i = at % iban.length;
        fc.pre(iban[i] !== ch);
        expect(isValidIban(iban.slice(0, i) + ch + iban.slice(i + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: where the registry allows letters or digits, any change within the class is still caught', () => {
    fc.assert(
      fc.property(validIban(MIXED), fc.nat(), fc.nat(), (iban, at, pick) => {
        expect(isValidIban(iban)).toBe(true);
        const i = at % iban.length;
        const same = DIGITS.includes(iban[i]!) ? DIGITS : LETTERS;
        const ch = same[pick % same.length]!;
        fc.pre(iban[i] !== ch);
        expect(isValidIban(iban.slice(0, i) + ch + iban.slice(i + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('RF creditor reference (ISO 11649)', () => {
  it('checks and builds references', () => {
    expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidCreditorReference('RF18539007547035')).toBe(false);
    expect(isValidCreditorReference('RF18')).toBe(false);
    expect(isValidCreditorReference('RF1853900754703412345678901')).toBe(false);
    expect(makeCreditorReference('INV2026000046')).toBe('RF43INV2026000046');
    expect(() => makeCreditorReference('INV-2026-000046')).toThrow(RangeError);
  });

  it('property: built references validate; a changed character does not', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 21 }), fc.nat(), fc.nat(), (body, at, pick) => {
        const ref = makeCreditorReference(body.join(''));
        expect(isValidCreditorReference(ref)).toBe(true);
        const i = 2 + (at % (ref.length - 2));
        const same = DIGITS.includes(ref[i]!) ? DIGITS : LETTERS;
        const ch = same[pick % same.length]!;
        fc.pre(ref[i] !== ch);
        expect(isValidCreditorReference(ref.slice(0, i) + ch + ref.slice(i + 1))).toBe(false);
      }),
    );
  });
});
