/**
 * A strict JSON (RFC 8259) reader for provider responses, for two reasons `JSON.parse` cannot serve:
 *
 * - it says where a document broke as line and column ("line 3, column 5: expected a property
 *   name in double quotes but found '{'"), which is what an operator needs when a copy-pasted or
 *   truncated payload arrives;
 * - it keeps numbers exact: a number literal that a double cannot hold digit for digit
 *   (`0.1835431430074643112595`, `12345678901234567890`) is returned as its source text (a string),
 *   so unit prices keep their scale. Literals with up to 15 significant digits are always numbers.
 *
 * A leading byte-order mark is skipped. Only space, tab, CR and LF count as whitespace (a
 * non-breaking space, as in some doc samples, is an error). Object keys are set with
 * defineProperty, so "__proto__" is just a key.
 */
export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly reason: string;
  constructor(reason: string, offset: number, line: number, column: number) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'JsonSyntaxError';
    this.reason = reason;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

const MAX_DEPTH = 512;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_SPECIAL = /["\\\u0000-\u001f]/g;

function describe(text: string, i: number): string {
  if (i >= text.length) return 'the end of the input';
  const cp = text.codePointAt(i)!;
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0xa0) || cp === 0xfeff || (cp >= 0x2000 && cp <= 0x200f) || cp === 0x2028 || cp === 0x2029) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Canonical form of a decimal literal: sign, significant digits, power of ten. */
function canonicalDecimal(lexeme: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(lexeme);
  if (!m) return lexeme;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  const trailing = /0+$/.exec(digits);
  if (trailing) {
    digits = digits.slice(0, -trailing[0].length);
    exp += trailing[0].length;
  }
  return `${m[1] === '-' ? '-' : ''}${digits}e${exp}`;
}

function significantDigits(lexeme: string): number {
  const mantissa = lexeme.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/** A number when the double holds the literal exactly (as a decimal), else the literal itself. */
export function exactNumber(lexeme: string): number | string {
  const n = Number(lexeme);
  if (!Number.isFinite(n)) return lexeme;
  if (significantDigits(lexeme) <= 15) return n;
  return canonicalDecimal(String(n)) === canonicalDecimal(lexeme) ? n : lexeme;
}

export function parseStrictJson(input: string): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  let i = 0;
  let depth = 0;

  const fail = (reason: string, at = i): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new JsonSyntaxError(reason, at, line, at - lineStart + 1);
  };

  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };

  const str = (): string => {
    // text[i] === '"'
    i++;
    let out = '';
    for (;;) {
      STRING_SPECIAL.lastIndex = i;
      const m = STRING_SPECIAL.exec(text);
      if (!m) fail('unterminated string', n);
      const at = m!.index;
      out += text.slice(i, at);
      i = at;
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return out;
      }
      if (c === 92) {
        const e = text[i + 1];
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape in a string', i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail(`invalid escape '\\${e ?? ''}' in a string`, i);
        }
        i += 2;
        continue;
      }
      fail(`unescaped control character ${describe(text, i)} in a string`);
    }
  };

  const value = (): unknown => {
    ws();
    if (i >= n) fail('expected a value but found the end of the input');
    const c = text[i]!;
    if (c === '{') {
      if (++depth > MAX_DEPTH) fail('nesting too deep');
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        depth--;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes but found ${describe(text, i)}`);
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected ':' after the property name "${key}" but found ${describe(text, i)}`);
        i++;
        const v = value();
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          depth--;
          return obj;
        }
        fail(`expected ',' or '}' after the value of "${key}" but found ${describe(text, i)}`);
      }
    }
    if (c === '[') {
      if (++depth > MAX_DEPTH) fail('nesting too deep');
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        depth--;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          depth--;
          return arr;
        }
        fail(`expected ',' or ']' in an array but found ${describe(text, i)}`);
      }
    }
    if (c === '"') return str();
    if (c === 't' || c === 'f' || c === 'n') {
      for (const [word, v] of [
        ['true', true],
        ['false', false],
        ['null', null],
      ] as const) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return v;
        }
      }
      fail(`expected a value but found ${describe(text, i)}`);
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      if (!m) fail(`invalid number`);
      i += m![0].length;
      return exactNumber(m![0]);
    }
    return fail(`expected a value but found ${describe(text, i)}`);
  };

  const result = value();
  ws();
  if (i < n) fail(`unexpected ${describe(text, i)} after the end of the JSON document`);
  return result;
}
