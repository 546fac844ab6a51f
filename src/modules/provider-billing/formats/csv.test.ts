import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvTokenizer, detectDelimiter, MAX_ROW_CHARS, parseCsv, writeCsvRow, type CsvDelimiter, type CsvEvent } from './csv.js';

const rows = (events: CsvEvent[]) => events.filter((e) => e.kind === 'row').map((e) => (e.kind === 'row' ? e.cells : []));
const errors = (events: CsvEvent[]) => events.filter((e) => e.kind === 'error');

function chunked(text: string, cuts: number[], options?: ConstructorParameters<typeof CsvTokenizer>[0]): CsvEvent[] {
  const t = new CsvTokenizer(options);
  const out: CsvEvent[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts.map((x) => Math.min(x, text.length)))].sort((a, b) => a - b)) {
    out.push(...t.push(text.slice(prev, c)));
    prev = c;
  }
  out.push(...t.push(text.slice(prev)), ...t.end());
  return out;
}

describe('CSV tokenizer', () => {
  it('parses RFC 4180 quoting, CRLF and LF, with 1-based line numbers of each row start', () => {
    const text = 'a,b,c\r\n1,"x,y","say ""hi"""\n2,"multi\nline",z\r\n3,,\n';
    const ev = parseCsv(text);
    expect(ev).toEqual([
      { kind: 'row', line: 1, cells: ['a', 'b', 'c'] },
      { kind: 'row', line: 2, cells: ['1', 'x,y', 'say "hi"'] },
      { kind: 'row', line: 3, cells: ['2', 'multi\nline', 'z'] },
      { kind: 'row', line: 5, cells: ['3', '', ''] },
    ]);
  });

  it('drops a UTF-8 BOM, skips blank lines, handles a last row without newline and lone CR', () => {
    expect(parseCsv('\uFEFFh1,h2\n\n1,2\r3,4')).toEqual([
      { kind: 'row', line: 1, cells: ['h1', 'h2'] },
      { kind: 'row', line: 3, cells: ['1', '2'] },
      { kind: 'row', line: 4, cells: ['3', '4'] },
    ]);
  });

  it('detects ; and tab delimiters from the header line', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
    expect(rows(parseCsv('PartnerId;Total\r\n"1,5";2,50\r\n'))).toEqual([
      ['PartnerId', 'Total'],
      ['1,5', '2,50'],
    ]);
    expect(rows(parseCsv('a\tb\n1\t2\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it("strips Excel's leading apostrophe only where Excel would have coerced the value", () => {
    expect(rows(parseCsv("a,b,c,d\n'00123,'+4930,'t Hooft,'=SUM(A1)\n"))[1]).toEqual(['00123', '+4930', "'t Hooft", '=SUM(A1)']);
    expect(rows(parseCsv("a\n'0012\n", { stripApostrophe: false }))[1]).toEqual(["'0012"]);
  });

  it('reports an unterminated quote at EOF with the line the quote opened on', () => {
    const ev = parseCsv('a,b\n1,2\n3,"never closed\nmore\n');
    expect(errors(ev)).toEqual([expect.objectContaining({ code: 'recon.unterminated_quote', line: 3 })]);
    expect(rows(ev)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reports a row whose cell count differs from the header, with its line, and goes on', () => {
    const ev = parseCsv('a,b,c\n1,2\n"x\ny",2,3,4\n5,6,7\n');
    expect(errors(ev)).toEqual([
      expect.objectContaining({ code: 'recon.cell_count', line: 2 }),
      expect.objectContaining({ code: 'recon.cell_count', line: 3 }),
    ]);
    expect(rows(ev)).toEqual([
      ['a', 'b', 'c'],
      ['5', '6', '7'],
    ]);
    expect(errors(ev)[0]!.kind === 'error' && errors(ev)[0]!.message).toMatch(/2 cells; the header has 3/);
  });

  it('reports text after a closing quote', () => {
    expect(errors(parseCsv('a,b\n"x"y,2\n'))).toEqual([expect.objectContaining({ code: 'recon.bad_quote', line: 2 })]);
  });

  it('waits for the whole header line before choosing a delimiter, and CRLF split across chunks is one break', () => {
    const t = new CsvTokenizer();
    expect(t.push('a;b')).toEqual([]);
    expect(t.detectedDelimiter).toBeUndefined();
    expect(t.push('\r')).toEqual([{ kind: 'row', line: 1, cells: ['a', 'b'] }]);
    expect(t.detectedDelimiter).toBe(';');
    expect(t.push('\n1;"x\r')).toEqual([]);
    expect(t.push('\ny"\r')).toEqual([{ kind: 'row', line: 2, cells: ['1', 'x\r\ny'] }]);
    expect(t.push('\n2;3')).toEqual([]);
    expect(t.end()).toEqual([{ kind: 'row', line: 4, cells: ['2', '3'] }]);
  });

  // Cells with anything in them: quotes, delimiters, CR, LF, apostrophes, BOMs, non-BMP text.
  const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', ',', ';', '\t', '\r', '\n', "'", '\uFEFF', 'é', '€', '😀') });
  const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
    fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
  );
  const delimiter = fc.constantFrom<CsvDelimiter>(',', ';', '\t');
  const eol = fc.constantFrom('\n', '\r\n');

  it('round-trips: write random cells with quoting → parse (delimiter detected) → same cells', () => {
    fc.assert(
      fc.property(table, delimiter, eol, fc.boolean(), (t, d, nl, bom) => {
        // A row of one empty cell is written as "" so it is not a blank line.
        const text = (bom ? '\uFEFF' : '') + t.map((r) => writeCsvRow(r, d)).join(nl) + nl;
        const ev = parseCsv(text, { stripApostrophe: false });
        expect(errors(ev)).toEqual([]);
        expect(rows(ev)).toEqual(t);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same events whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(table, delimiter, eol, fc.array(fc.nat(400), { maxLength: 12 }), (t, d, nl, cuts) => {
        const text = t.map((r) => writeCsvRow(r, d)).join(nl) + nl;
        expect(chunked(text, cuts, { stripApostrophe: false })).toEqual(parseCsv(text, { stripApostrophe: false }));
      }),
      { numRuns: 300 },
    );
  });

  it('line numbers count physical lines, including line breaks inside quoted cells', () => {
    fc.assert(
      fc.property(table, eol, (t, nl) => {
        const written = t.map((r) => writeCsvRow(r, ','));
        const ev = parseCsv(written.join(nl) + nl, { stripApostrophe: false, delimiter: ',' });
        let line = 1;
        const expected = written.map((w) => {
          const start = line;
          line += (w.match(/\r\n|\r|\n/g) ?? []).length + 1;
          return start;
        });
        expect(ev.map((e) => e.line)).toEqual(expected);
      }),
    );
  });

  it('the split fast path and the character walk give the same events on any text, however chunked', () => {
    const garbage = fc.string({ unit: fc.constantFrom('a', '1', ' ', '"', ',', ';', '\t', '\r', '\n', "'", '\uFEFF', 'é'), maxLength: 200 });
    fc.assert(
      fc.property(garbage, fc.array(fc.nat(220), { maxLength: 8 }), fc.boolean(), (text, cuts, strip) => {
        const walk = new CsvTokenizer({ stripApostrophe: strip, fastPath: false });
        const expected = [...walk.push(text), ...walk.end()];
        expect(chunked(text, cuts, { stripApostrophe: strip })).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('stops at a row longer than MAX_ROW_CHARS instead of growing it without bound', () => {
    const t = new CsvTokenizer({ delimiter: ',' });
    const ev = [...t.push('a,b\n1,2\n'), ...t.push('x'.repeat(MAX_ROW_CHARS / 2)), ...t.push('"' + 'y'.repeat(MAX_ROW_CHARS)), ...t.push('\n3,4\n'), ...t.end()];
    expect(rows(ev)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(errors(ev)).toEqual([expect.objectContaining({ code: 'recon.row_too_long', line: 3 })]);
  });
});
