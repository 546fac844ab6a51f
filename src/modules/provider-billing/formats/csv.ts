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
 * - A row longer than MAX_ROW_CHARS is reported (recon.row_too_long) and ends tokenizing: a file
 *   of garbage without line breaks cannot grow a cell without bound.
 */

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvErrorCode = 'recon.unterminated_quote' | 'recon.cell_count' | 'recon.bad_quote' | 'recon.row_too_long';

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

/** A row longer than this (characters) stops the tokenizer: a file of garbage must not grow one cell without bound. */
export const MAX_ROW_CHARS = 1 << 20;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const APOSTROPHE = 39;

export class CsvTokenizer {
  private delimiter: CsvDelimiter | undefined;
  private readonly stripApostrophe: boolean;
  private readonly checkCellCount: boolean;
  private readonly fast: boolean;
  private pending = ''; // text held back until the delimiter is known
  private started = false; // delimiter known, text goes to the state machine
  private bomChecked = false;
  private state: State = 'start';
  private cell = '';
  private cells: string[] = [];
  private rowHasContent = false;
  private rowChars = 0; // characters of the current row seen by the state machine
  private line = 1; // physical line of the current character
  private rowLine = 1; // line the current row started on
  private quoteLine = 1; // line the current quoted cell started on
  private pendingCR = false;
  private quotedCR = false;
  private headerCount: number | undefined;
  private badQuote = false;
  private ended = false;
  private fatal = false;

  constructor(options: CsvOptions & { /** test hook: character-by-character only */ fastPath?: boolean } = {}) {
    this.delimiter = options.delimiter;
    this.stripApostrophe = options.stripApostrophe ?? true;
    this.checkCellCount = options.checkCellCount ?? true;
    this.fast = options.fastPath ?? true;
  }

  /** The delimiter in use (undefined until the header line has been seen). */
  get detectedDelimiter(): CsvDelimiter | undefined {
    return this.delimiter;
  }

  push(chunk: string): CsvEvent[] {
    if (this.ended) throw new Error('CsvTokenizer: push after end');
    if (this.fatal) return [];
    if (!this.started) {
      this.pending += chunk;
      if (this.pending.length === 0) return [];
      if (!this.bomChecked) {
        // only the stream's first character can be a BOM, however the chunks fall
        this.bomChecked = true;
        this.pending = this.pending.replace(/^\uFEFF/, '');
      }
      if (this.delimiter === undefined) {
        const eol = endOfFirstRecord(this.pending);
        if (eol < 0) {
          if (this.pending.length > MAX_ROW_CHARS) return this.tooLong();
          return []; // wait for the whole header line
        }
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
    if (this.fatal) {
      this.ended = true;
      return out;
    }
    if (!this.started) {
      if (!this.bomChecked) this.pending = this.pending.replace(/^\uFEFF/, '');
      this.delimiter ??= detectDelimiter(this.pending);
      this.started = true;
      const text = this.pending;
      this.pending = '';
      this.consume(text, out);
      if (this.fatal) {
        this.ended = true;
        return out;
      }
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

  private tooLong(out: CsvEvent[] = []): CsvEvent[] {
    this.fatal = true;
    out.push({
      kind: 'error',
      line: this.rowLine,
      code: 'recon.row_too_long',
      message: `Line ${this.rowLine} is longer than ${MAX_ROW_CHARS} characters; the rest of the file is not read.`,
    });
    return out;
  }

  /**
   * Two paths over the same state machine. At the start of a row, a row that ends in this chunk and
   * has no quote character is split with `String.split` (the common case, many times faster than
   * walking it). Anything else — quotes, a row cut by the chunk boundary — goes character by
   * character. Positions of the next CR and quote are cached so every chunk is scanned once.
   */
  private consume(text: string, out: CsvEvent[]): void {
    const d = this.delimiter!;
    const dc = d.charCodeAt(0);
    const n = text.length;
    let nextLF = -2;
    let nextCR = -2;
    let nextQuote = -2;
    let i = 0;
    while (i < n) {
      if (this.pendingCR) {
        this.pendingCR = false;
        if (text.charCodeAt(i) === LF) {
          i++; // CRLF: the row already ended on CR
          continue;
        }
      }
      if (this.fast && this.state === 'start' && !this.rowHasContent && this.cells.length === 0) {
        if (nextLF !== -1 && nextLF < i) nextLF = text.indexOf('\n', i);
        if (nextCR !== -1 && nextCR < i) nextCR = text.indexOf('\r', i);
        const eol = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
        if (eol >= 0) {
          if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
          if (nextQuote === -1 || nextQuote > eol) {
            if (eol > i) this.fastRow(text.slice(i, eol), d, out);
            this.line++;
            this.rowLine = this.line;
            if (text.charCodeAt(eol) === CR) {
              if (eol + 1 < n) i = text.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
              else {
                this.pendingCR = true;
                i = eol + 1;
              }
            } else i = eol + 1;
            continue;
          }
        }
      }
      // character by character
      const code = text.charCodeAt(i);
      const ch = text[i]!;
      i++;
      if (++this.rowChars > MAX_ROW_CHARS) {
        this.tooLong(out);
        return;
      }
      switch (this.state) {
        case 'quoted':
          if (code === QUOTE) this.state = 'quote_in_quoted';
          else {
            this.cell += ch;
            // Count CR, LF and CRLF (possibly split across chunks) as one line break each.
            if (code === CR || (code === LF && !this.quotedCR)) this.line++;
            this.quotedCR = code === CR;
            continue;
          }
          this.quotedCR = false;
          continue;
        case 'quote_in_quoted':
          if (code === QUOTE) {
            this.cell += '"';
            this.state = 'quoted';
            continue;
          }
          this.state = 'after_quote';
          break; // handle ch below as a character after a closed quoted cell
        default:
          break;
      }
      if (code === dc) {
        this.endCell();
        this.rowHasContent = true;
        this.state = 'start';
      } else if (code === LF || code === CR) {
        if (code === CR) this.pendingCR = true;
        if (this.rowHasContent || this.state !== 'start' || this.cells.length > 0) this.finishRow(out);
        this.line++;
        this.rowLine = this.line;
        this.state = 'start';
        this.rowChars = 0;
      } else if (this.state === 'after_quote') {
        this.badQuote = true;
        this.cell += ch;
      } else if (code === QUOTE && this.state === 'start') {
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

  private fastRow(row: string, d: CsvDelimiter, out: CsvEvent[]): void {
    if (row.length > MAX_ROW_CHARS) {
      this.tooLong(out);
      return;
    }
    const cells = row.split(d);
    if (this.stripApostrophe && row.indexOf("'") >= 0) {
      for (let k = 0; k < cells.length; k++) {
        const c = cells[k]!;
        if (c.charCodeAt(0) === APOSTROPHE && EXCEL_COERCED.test(c)) cells[k] = c.slice(1);
      }
    }
    this.emit(cells, this.line, out);
  }

  private endCell(): void {
    let value = this.cell;
    if (this.stripApostrophe && value.charCodeAt(0) === APOSTROPHE && EXCEL_COERCED.test(value)) value = value.slice(1);
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
    this.emit(cells, line, out);
  }

  private emit(cells: string[], line: number, out: CsvEvent[]): void {
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
