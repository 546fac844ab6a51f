/**
 * A small, streaming-friendly CSV tokenizer.
 *
 * Written by hand on purpose: no CSV library is installed yet. DESIGN.md names papaparse 5
 * (streaming, arrays) as the chosen library; once it is added to package.json this module can be
 * replaced by a thin adapter that keeps the same `CsvEvent` output (rows with 1-based line
 * numbers, and the recon.* error codes), so callers and tests do not change.
 *
 * Pure: feed string chunks with `push`, call `end` once. No I/O, no globals.
 *
 * - RFC 4180 quoting: `""` inside quotes is one quote; quoted cells may hold delimiters and
 *   line breaks (kept verbatim). Text after a closing quote is an error (recon.bad_quote).
 * - Row ends: CRLF, LF or a lone CR, also when split across chunks.
 * - A UTF-8 BOM at the start of the stream is dropped.
 * - The delimiter (`,` `;` or tab) is detected from the header line unless given.
 * - Excel's leading apostrophe (`'00123`, `'+49…`, `'=…`) is stripped from a cell when what
 *   follows it would otherwise be coerced by Excel (a digit, sign, `=`, `@` or `.`); other
 *   apostrophes (`'t Hooft`) are kept.
 * - Blank physical lines (no characters at all) are skipped.
 * - A row whose cell count differs from the header's is reported (recon.cell_count) and not
 *   emitted; parsing continues with the next row.
 * - An unterminated quote at end of input is reported (recon.unterminated_quote) with the line
 *   the quoted cell started on.
 */

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvErrorCode = 'recon.unterminated_quote' | 'recon.cell_count' | 'recon.bad_quote';

export type CsvEvent =
  | { kind: 'row'; line: number; cells: string[] }
  | { kind: 'error'; line: number; code: CsvErrorCode; message: string };

export interface CsvOptions {
  /** Fixed delimiter; detected from the header line when omitted. */
  delimiter?: CsvDelimiter;
  /** Strip Excel's leading apostrophe (default true). */
  stripApostrophe?: boolean;
  /** Report rows whose cell count differs from the first row's (default true). */
  checkCellCount?: boolean;
}

const EXCEL_COERCED = /^'[0-9+\-=@.]/;

/** Pick the delimiter that occurs most often outside quotes in the header line (ties: comma). */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Index of the first line break outside quotes, or -1. */
function endOfFirstRecord(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\r' || ch === '\n')) return i;
  }
  return -1;
}

type State = 'start' | 'unquoted' | 'quoted' | 'quote_in_quoted' | 'after_quote';

export class CsvTokenizer {
  private delimiter: CsvDelimiter | undefined;
  private readonly stripApostrophe: boolean;
  private readonly checkCellCount: boolean;
  private pending = ''; // text held back until the delimiter is known
  private started = false; // BOM handled
  private state: State = 'start';
  private cell = '';
  private cells: string[] = [];
  private rowHasContent = false;
  private line = 1; // physical line of the current character
  private rowLine = 1; // line the current row started on
  private quoteLine = 1; // line the current quoted cell started on
  private pendingCR = false;
  private quotedCR = false;
  private headerCount: number | undefined;
  private badQuote = false;
  private ended = false;

  constructor(options: CsvOptions = {}) {
    this.delimiter = options.delimiter;
    this.stripApostrophe = options.stripApostrophe ?? true;
    this.checkCellCount = options.checkCellCount ?? true;
  }

  /** The delimiter in use (undefined until the header line has been seen). */
  get detectedDelimiter(): CsvDelimiter | undefined {
    return this.delimiter;
  }

  push(chunk: string): CsvEvent[] {
    if (this.ended) throw new Error('CsvTokenizer: push after end');
    if (!this.started) {
      this.pending += chunk;
      if (this.pending.length === 0) return [];
      this.pending = this.pending.replace(/^\uFEFF/, '');
      if (this.delimiter === undefined) {
        const eol = endOfFirstRecord(this.pending);
        if (eol < 0) return []; // wait for the whole header line
        this.delimiter = detectDelimiter(this.pending.slice(0, eol));
      }
      this.started = true;
      chunk = this.pending;
      this.pending = '';
    }
    const out: CsvEvent[] = [];
    this.consume(chunk, out);
    return out;
  }

  end(): CsvEvent[] {
    if (this.ended) return [];
    const out: CsvEvent[] = [];
    if (!this.started) {
      this.pending = this.pending.replace(/^\uFEFF/, '');
      this.delimiter ??= detectDelimiter(this.pending);
      this.started = true;
      const text = this.pending;
      this.pending = '';
      this.consume(text, out);
    }
    this.ended = true;
    this.pendingCR = false;
    if (this.state === 'quoted') {
      out.push({
        kind: 'error',
        line: this.quoteLine,
        code: 'recon.unterminated_quote',
        message: `A quoted cell opened on line ${this.quoteLine} is never closed.`,
      });
      return out;
    }
    if (this.rowHasContent || this.cells.length > 0) this.finishRow(out);
    return out;
  }

  private consume(text: string, out: CsvEvent[]): void {
    const d = this.delimiter!;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue; // CRLF: the row already ended on CR
      }
      switch (this.state) {
        case 'quoted':
          if (ch === '"') this.state = 'quote_in_quoted';
          else {
            this.cell += ch;
            // Count CR, LF and CRLF (possibly split across chunks) as one line break each.
            if (ch === '\r' || (ch === '\n' && !this.quotedCR)) this.line++;
            this.quotedCR = ch === '\r';
            continue;
          }
          this.quotedCR = false;
          continue;
        case 'quote_in_quoted':
          if (ch === '"') {
            this.cell += '"';
            this.state = 'quoted';
            continue;
          }
          this.state = 'after_quote';
          break; // handle ch below as a character after a closed quoted cell
        default:
          break;
      }
      if (ch === d) {
        this.endCell();
        this.rowHasContent = true;
        this.state = 'start';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.pendingCR = true;
        if (this.rowHasContent || this.state !== 'start' || this.cells.length > 0) this.finishRow(out);
        this.line++;
        this.rowLine = this.line;
        this.state = 'start';
      } else if (this.state === 'after_quote') {
        this.badQuote = true;
        this.cell += ch;
      } else if (ch === '"' && this.state === 'start') {
        this.state = 'quoted';
        this.quoteLine = this.line;
        this.rowHasContent = true;
      } else {
        this.cell += ch;
        this.state = 'unquoted';
        this.rowHasContent = true;
      }
    }
  }

  private endCell(): void {
    let value = this.cell;
    if (this.stripApostrophe && EXCEL_COERCED.test(value)) value = value.slice(1);
    this.cells.push(value);
    this.cell = '';
  }

  private finishRow(out: CsvEvent[]): void {
    this.endCell();
    const cells = this.cells;
    this.cells = [];
    this.rowHasContent = false;
    const line = this.rowLine;
    if (this.badQuote) {
      this.badQuote = false;
      out.push({ kind: 'error', line, code: 'recon.bad_quote', message: `Line ${line} has text after a closing quote.` });
      return;
    }
    if (this.headerCount === undefined) this.headerCount = cells.length;
    else if (this.checkCellCount && cells.length !== this.headerCount) {
      out.push({
        kind: 'error',
        line,
        code: 'recon.cell_count',
        message: `Line ${line} has ${cells.length} cells; the header has ${this.headerCount}.`,
      });
      return;
    }
    out.push({ kind: 'row', line, cells });
  }
}

/** Tokenize a whole string (tests, small files). */
export function parseCsv(text: string, options?: CsvOptions): CsvEvent[] {
  const t = new CsvTokenizer(options);
  return [...t.push(text), ...t.end()];
}

/** Write one CSV row, quoting cells that need it (the inverse of the tokenizer, for tests and exports). */
export function writeCsvRow(cells: readonly string[], delimiter: CsvDelimiter = ','): string {
  if (cells.length === 1 && cells[0] === '') return '""';
  return cells
    .map((c) => (/[",;\t\r\n]/.test(c) || c.startsWith('\uFEFF') ? `"${c.replace(/"/g, '""')}"` : c))
    .join(delimiter);
}
