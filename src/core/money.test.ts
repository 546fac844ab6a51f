import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currencyExponent, isCurrency } from './currencies.js';
import { divRound, formatScaled, moneyToDecimalString, parseDecimal, parseMoney, rescale, sumMoney, type Rounding } from './money.js';

const modes: Rounding[] = ['down', 'up', 'floor', 'ceiling', 'half_up', 'half_even'];

describe('ISO 4217 exponents', () => {
  it('uses the ISO minor unit, not Intl display digits', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('HUF')).toBe(2); // Intl says 0
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => currencyExponent('XYZ')).toThrow(/unknown currency/);
  });
});

describe('divRound', () => {
  it('implements each named mode on known values', () => {
    const cases: [bigint, bigint, Record<Rounding, bigint>][] = [
      [25n, 10n, { down: 2n, up: 3n, floor: 2n, ceiling: 3n, half_up: 3n, half_even: 2n }],
      [-25n, 10n, { down: -2n, up: -3n, floor: -3n, ceiling: -2n, half_up: -3n, half_even: -2n }],
      [35n, 10n, { down: 3n, up: 4n, floor: 3n, ceiling: 4n, half_up: 4n, half_even: 4n }],
      [24n, 10n, { down: 2n, up: 3n, floor: 2n, ceiling: 3n, half_up: 2n, half_even: 2n }],
      [-26n, 10n, { down: -2n, up: -3n, floor: -3n, ceiling: -2n, half_up: -3n, half_even: -3n }],
    ];
    for (const [n, d, want] of cases) for (const m of modes) expect(divRound(n, d, m), `${n}/${d} ${m}`).toBe(want[m]);
  });

  it('stays within one unit of the exact quotient and brackets it (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.constantFrom(...modes), (n, d, m) => {
        const q = divRound(n, d, m);
        // q*d is within d of n
        const diff = n - q * d;
        expect(diff < d && diff > -d).toBe(true);
        if (m === 'floor') expect(q * d <= n).toBe(true);
        if (m === 'ceiling') expect(q * d >= n).toBe(true);
        if (m === 'down') expect((q < 0n ? -q : q) * d <= (n < 0n ? -n : n)).toBe(true);
        if (m === 'half_up' || m === 'half_even') expect(2n * (diff < 0n ? -diff : diff) <= d).toBe(true);
      }),
    );
  });

  it('is exact when the division is exact (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.constantFrom(...modes), (q, d, m) => {
        expect(divRound(q * d, d, m)).toBe(q);
      }),
    );
  });
});

describe('decimals', () => {
  it('parses and formats without floats (round trip, property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 8 }), (value, scale) => {
        const text = formatScaled({ value, scale });
        expect(parseDecimal(text)).toEqual({ value, scale });
      }),
    );
  });

  it('keeps digits a float would lose', () => {
    expect(parseDecimal('12345678901234567.891234')).toEqual({ value: 12345678901234567891234n, scale: 6 });
    expect(formatScaled(rescale(parseDecimal('0.1'), 2, 'down'))).toBe('0.10');
  });

  it('refuses what is not a plain decimal', () => {
    for (const bad of ['1e3', '', 'abc', '1.2.3', '--1', ' ', 'NaN']) expect(() => parseDecimal(bad)).toThrow(/not a decimal/);
  });

  it('parses money in minor units and refuses extra digits unless a rounding is named', () => {
    expect(parseMoney('12.34', 'EUR')).toEqual({ amount: 1234n, currency: 'EUR' });
    expect(parseMoney('12.340', 'EUR')).toEqual({ amount: 1234n, currency: 'EUR' });
    expect(parseMoney('100', 'JPY')).toEqual({ amount: 100n, currency: 'JPY' });
    expect(() => parseMoney('12.345', 'EUR')).toThrow(/more than 2 decimals/);
    expect(parseMoney('12.345', 'EUR', 'half_up')).toEqual({ amount: 1235n, currency: 'EUR' });
    expect(parseMoney('-0.005', 'EUR', 'down')).toEqual({ amount: 0n, currency: 'EUR' });
    expect(moneyToDecimalString({ amount: -5n, currency: 'KWD' })).toBe('-0.005');
  });

  it('sums exactly and refuses mixed currencies', () => {
    expect(sumMoney([{ amount: 1n, currency: 'USD' }, { amount: 2n, currency: 'USD' }], 'USD').amount).toBe(3n);
    expect(() => sumMoney([{ amount: 1n, currency: 'EUR' }], 'USD')).toThrow(/currency mismatch/);
  });
});
