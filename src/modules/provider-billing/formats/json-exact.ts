/**
 * JSON with exact numbers. Pure.
 *
 * `JSON.parse` turns every number into a double: a value with more than 15 significant digits
 * (Microsoft's unrounded daily-usage totals have up to 15 decimals after the integer part, so
 * "12.486031696515249" has 17) comes back as a different decimal. Here the source text of every
 * number token outside a string is quoted before `JSON.parse` sees it, so a number arrives as the
 * exact digits the provider wrote ("0.10" stays "0.10"). Each token is checked against JSON's
 * number grammar first, so text that was not valid JSON does not become valid by the quoting.
 *
 * Records that are already JavaScript objects (the provider API's line items, parsed by someone
 * else) carry doubles: `recordValue` accepts a number only when its shortest decimal form has at
 * most 15 significant digits — exactly the decimals a double reproduces — and reports any other
 * number as imprecise instead of guessing.
 */

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class JsonSyntaxError extends Error {}

/** `JSON.parse` with every number token kept as its source text (a string). */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let last = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: jump to its closing quote (a quote preceded by an even run of backslashes)
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new JsonSyntaxError('unterminated string');
        let k = q - 1;
        while (text.charCodeAt(k) === 92) k--;
        if ((q - 1 - k) % 2 === 0) {
          i = q + 1;
          break;
        }
        j = q + 1;
      }
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) j++;
        else break;
      }
      const token = text.slice(i, j);
      if (!JSON_NUMBER.test(token)) throw new JsonSyntaxError(`bad number ${token}`);
      out += text.slice(last, i) + '"' + token + '"';
      last = j;
      i = j;
      continue;
    }
    i++;
  }
  try {
    return JSON.parse(last === 0 ? text : out + text.slice(last));
  } catch (e) {
    throw new JsonSyntaxError((e as Error).message);
  }
}

export type CellValue = { ok: true; text: string } | { ok: false; reason: 'imprecise_number' };

/** Significant digits of a finite number's shortest decimal form. */
function significantDigits(s: string): number {
  const mantissa = s.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * One record value as cell text: strings as they are, numbers as exact decimal text, booleans as
 * "true"/"false", null/undefined as empty, arrays and objects as compact JSON.
 */
export function recordValue(v: unknown): CellValue {
  switch (typeof v) {
    case 'string':
      return { ok: true, text: v };
    case 'number': {
      if (!Number.isFinite(v)) return { ok: false, reason: 'imprecise_number' };
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return { ok: false, reason: 'imprecise_number' };
      const s = String(v);
      return significantDigits(s) > 15 ? { ok: false, reason: 'imprecise_number' } : { ok: true, text: s };
    }
    case 'bigint':
      return { ok: true, text: v.toString() };
    case 'boolean':
      return { ok: true, text: v ? 'true' : 'false' };
    case 'undefined':
      return { ok: true, text: '' };
    default:
      if (v === null) return { ok: true, text: '' };
      return { ok: true, text: JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) };
  }
}
