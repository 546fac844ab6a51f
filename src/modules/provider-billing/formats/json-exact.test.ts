import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSyntaxError, parseJsonExact, recordValue } from './json-exact.js';

describe('parseJsonExact', () => {
  it('keeps every number as the digits that were written', () => {
    expect(parseJsonExact('{"a": 12.486031696515249, "b": 0.10, "c": -1E+3, "d": [1, {"e": 1234567890123456789012}], "f": "7"}')).toEqual({
      a: '12.486031696515249',
      b: '0.10',
      c: '-1E+3',
      d: ['1', { e: '1234567890123456789012' }],
      f: '7',
    });
    // JSON.parse would have lost the last digits
    expect(String(JSON.parse('12.486031696515249'))).not.toBe('12.486031696515249');
  });

  it('leaves strings alone, escapes and digits included', () => {
    expect(parseJsonExact(String.raw`{"k\"1": "a \"2\" \\", "x": "3.14", "y": true, "z": null}`)).toEqual({ 'k"1': 'a "2" \\', x: '3.14', y: true, z: null });
  });

  it('does not turn invalid JSON into valid JSON', () => {
    for (const bad of ['{"a": 01}', '{"a": 1.}', '{"a": .5}', '{"a": 1e}', '{"a": 1.2.3}', '{"a": -}', '{"a": +1}', '{"a": "x}', '{"a": NaN}', '{"a": 1 2}']) {
      expect(() => parseJsonExact(bad), bad).toThrow(JsonSyntaxError);
    }
  });

  it('agrees with JSON.parse on everything but the type of numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const numbersAsText = (x: unknown): unknown =>
          typeof x === 'number' ? JSON.stringify(x) : Array.isArray(x) ? x.map(numbersAsText) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, numbersAsText(y)])) : x;
        expect(parseJsonExact(text)).toEqual(numbersAsText(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('recordValue', () => {
  it('turns record values into cell text, refusing numbers a double may have changed', () => {
    expect(recordValue('x')).toEqual({ ok: true, text: 'x' });
    expect(recordValue(12.34)).toEqual({ ok: true, text: '12.34' });
    expect(recordValue(123456789012345)).toEqual({ ok: true, text: '123456789012345' });
    expect(recordValue(10n ** 20n)).toEqual({ ok: true, text: '100000000000000000000' });
    expect(recordValue(null)).toEqual({ ok: true, text: '' });
    expect(recordValue(['AddOn'])).toEqual({ ok: true, text: '["AddOn"]' });
    expect(recordValue(0.1 + 0.2)).toEqual({ ok: false, reason: 'imprecise_number' });
    expect(recordValue(2 ** 60)).toEqual({ ok: false, reason: 'imprecise_number' });
    expect(recordValue(Number.NaN)).toEqual({ ok: false, reason: 'imprecise_number' });
  });
});
