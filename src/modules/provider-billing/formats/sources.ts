import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CsvTokenizer } from './csv.js';
import { JsonSyntaxError, parseJsonExact, recordValue } from './json-exact.js';

/**
 * Where reconciliation rows come from. Each source turns its input into one stream of events —
 * the column names, then rows of cells aligned with them, and errors — so the importer does not
 * care whether it reads a CSV, a Microsoft Graph export or the provider API's line items.
 *
 * - `csv`: a CSV file (optionally gzipped), through the streaming tokenizer.
 * - `graph`: Microsoft Graph billed/unbilled reconciliation export — a manifest (`blobs`,
 *   `blobCount`, `rootDirectory`, `dataFormat: compressedJSONLines`) and gzipped JSON-lines blobs
 *   beside it; or one JSON-lines file (.jsonl, .jsonl.gz, .json.gz). Numbers keep their exact
 *   source text (json-exact.ts).
 * - `api`: JavaScript objects, e.g. the invoice line items the provider connector fetched.
 *
 * JSON objects have no header: the keys of the first object are the columns, and a key first seen
 * later adds a column (a new `columns` event). Keys are matched to the format's columns through the
 * same case-insensitive alias table as CSV headers. Nested values become compact JSON text.
 *
 * The content hash is SHA-256 of what was read — the file's bytes (all blobs in manifest order for a
 * Graph export), or for records a canonical serialization (keys sorted, values as cell text) —
 * computed while streaming; it is final once the events are exhausted.
 */

export type SourceKind = 'csv' | 'graph' | 'api';

export type SourceEvent =
  | { kind: 'columns'; line: number; blob?: string; names: string[] }
  | { kind: 'row'; line: number; blob?: string; cells: string[] }
  | { kind: 'error'; line: number; blob?: string; column: string | null; value: string | null; code: string; message: string };

export interface ReconSource {
  readonly kind: SourceKind;
  /** Shown as the import's file name. */
  readonly name: string;
  /** Bytes to read (files); null for records. */
  readonly totalBytes: number | null;
  /** Bytes read so far (compressed bytes for gzip). */
  readonly bytesRead: number;
  /** The events in batches. Single use. */
  batches(): AsyncIterable<SourceEvent[]>;
  /** SHA-256 (hex) of the content; available once batches() is exhausted. */
  contentHash(): string;
}

/** 64 KB: bigger chunks keep more rows alive between garbage collections, which made parsing ~40 % slower at 1 MB */
const CHUNK = 1 << 16;
const GZIP = [0x1f, 0x8b];

function firstBytes(path: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function isGzip(path: string): boolean {
  const head = firstBytes(path, 2);
  return head.length === 2 && head[0] === GZIP[0] && head[1] === GZIP[1];
}

const sourceError = (line: number, code: string, message: string, blob?: string, value: string | null = null): SourceEvent => ({
  kind: 'error',
  line,
  ...(blob !== undefined && { blob }),
  column: null,
  value,
  code,
  message,
});

/** Reads files, counting bytes and hashing them, optionally through gunzip. */
class FileReader {
  bytesRead = 0;
  constructor(readonly hash: Hash) {}

  /** Decompressed (if gzip) chunks of one file. Throws GunzipFailure on a corrupt gzip. */
  async *chunks(path: string, gzip: boolean): AsyncGenerator<Buffer> {
    const raw = createReadStream(path, { highWaterMark: CHUNK });
    raw.on('data', (b) => {
      this.bytesRead += (b as Buffer).length;
      this.hash.update(b as Buffer);
    });
    if (!gzip) {
      for await (const b of raw) yield b as Buffer;
      return;
    }
    const gunzip = createGunzip({ chunkSize: CHUNK });
    raw.on('error', (e) => gunzip.destroy(e));
    raw.pipe(gunzip);
    try {
      for await (const b of gunzip) yield b as Buffer;
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('Z_') || /gzip|header|unexpected end/i.test((e as Error).message)) throw new GunzipFailure((e as Error).message);
      throw e;
    } finally {
      raw.destroy();
    }
  }
}

class GunzipFailure extends Error {}

// ---------------------------------------------------------------------------------------------
// CSV

function csvSource(path: string, name: string, gzip: boolean): ReconSource {
  const hash = createHash('sha256');
  const reader = new FileReader(hash);
  const totalBytes = statSync(path).size;
  return {
    kind: 'csv',
    name,
    totalBytes,
    get bytesRead() {
      return reader.bytesRead;
    },
    contentHash: () => hash.copy().digest('hex'),
    async *batches() {
      const tokenizer = new CsvTokenizer();
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let header = false;
      let lastLine = 1;
      const convert = (events: ReturnType<CsvTokenizer['push']>): SourceEvent[] => {
        const out: SourceEvent[] = [];
        for (const ev of events) {
          lastLine = ev.line;
          if (ev.kind === 'error') out.push(sourceError(ev.line, ev.code, ev.message));
          else if (!header) {
            header = true;
            out.push({ kind: 'columns', line: ev.line, names: ev.cells });
          } else out.push({ kind: 'row', line: ev.line, cells: ev.cells });
        }
        return out;
      };
      try {
        for await (const chunk of reader.chunks(path, gzip)) {
          const batch = convert(tokenizer.push(decoder.decode(chunk, { stream: true })));
          if (batch.length) yield batch;
          if (batch.some((e) => e.kind === 'error' && e.code === 'recon.row_too_long')) return;
        }
        yield convert([...tokenizer.push(decoder.decode()), ...tokenizer.end()]);
      } catch (e) {
        if (e instanceof GunzipFailure) yield [sourceError(lastLine, 'recon.bad_gzip', `The file is not a valid gzip stream (${e.message}).`, undefined, name)];
        else if (e instanceof TypeError && /decode|encoded|utf-8/i.test(e.message)) yield [sourceError(lastLine + 1, 'recon.not_utf8', 'the file is not UTF-8 text')];
        else throw e;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON objects → columns and rows

/** Turns objects into rows aligned with a growing list of column names. */
class RecordShaper {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  /** Cells for `record`; `added` is true when it brought a key not seen before. */
  shape(record: Record<string, unknown>, onImprecise: (key: string, value: unknown) => void): { cells: string[]; added: boolean } {
    let added = false;
    const cells: string[] = new Array(this.names.length).fill('');
    for (const key of Object.keys(record)) {
      let i = this.index.get(key);
      if (i === undefined) {
        i = this.names.length;
        this.names.push(key);
        this.index.set(key, i);
        added = true;
      }
      const v = recordValue(record[key]);
      if (v.ok) cells[i] = v.text;
      else {
        // reported; the cell keeps the number's text so the row raises no follow-on errors
        onImprecise(key, record[key]);
        cells[i] = String(record[key]);
      }
    }
    for (let k = cells.length; k < this.names.length; k++) cells[k] ??= '';
    return { cells, added };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function imprecise(line: number, key: string, value: unknown, blob?: string): SourceEvent {
  return {
    kind: 'error',
    line,
    ...(blob !== undefined && { blob }),
    column: key,
    value: String(value),
    code: 'recon.imprecise_number',
    message: `Line ${line}: ${key} ${String(value)} is a floating-point number that may not be the exact decimal the provider sent.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Graph export: manifest + gzipped JSON-lines blobs, or one JSON-lines file

interface Blob {
  name: string;
  path: string | null;
  gzip: boolean;
}

interface Manifest {
  blobs: { name: string }[];
  blobCount?: number;
  dataFormat?: string;
}

function readManifest(path: string): Manifest | null {
  let text: string;
  try {
    if (statSync(path).size > 16 * 1024 * 1024) return null;
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (isRecord(m) && Array.isArray(m.blobs)) return m as unknown as Manifest;
  } catch {
    // not JSON: not a manifest
  }
  return null;
}

/** The manifest file in a directory: manifest.json if it is one, else the only *.json that is one. */
function findManifest(dir: string): string | null {
  const named = join(dir, 'manifest.json');
  if (existsSync(named) && readManifest(named)) return named;
  const candidates = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile() && readManifest(p));
  return candidates.length === 1 ? candidates[0]! : null;
}

/** A blob named in the manifest, looked up beside it (by its path below the directory, else by its file name). */
function locateBlob(dir: string, name: string): string | null {
  const root = resolve(dir);
  for (const candidate of [resolve(root, name.replace(/^[/\\]+/, '')), resolve(root, basename(name))]) {
    if ((candidate === root || candidate.startsWith(root + sep)) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function graphSource(name: string, blobs: Blob[], manifestErrors: SourceEvent[]): ReconSource {
  const hash = createHash('sha256');
  const reader = new FileReader(hash);
  const totalBytes = blobs.reduce((a, b) => a + (b.path ? statSync(b.path).size : 0), 0);
  const multi = blobs.length > 1 || manifestErrors.length > 0 || blobs.some((b) => b.name !== name);
  return {
    kind: 'graph',
    name,
    totalBytes,
    get bytesRead() {
      return reader.bytesRead;
    },
    contentHash: () => hash.copy().digest('hex'),
    async *batches() {
      if (manifestErrors.length) {
        yield manifestErrors;
        return;
      }
      const shaper = new RecordShaper();
      for (const blob of blobs) {
        const tag = multi ? blob.name : undefined;
        const decoder = new TextDecoder('utf-8', { fatal: true });
        let rest = '';
        let line = 0;
        let batch: SourceEvent[] = [];
        const take = (text: string) => {
          line++;
          const t = text.endsWith('\r') ? text.slice(0, -1) : text;
          if (t.trim() === '') return;
          let value: unknown;
          try {
            value = parseJsonExact(t);
          } catch (e) {
            if (!(e instanceof JsonSyntaxError)) throw e;
            batch.push(sourceError(line, 'recon.bad_json', `Line ${line}${tag ? ` of ${tag}` : ''} is not JSON (${e.message}).`, tag, t.slice(0, 80)));
            return;
          }
          if (!isRecord(value)) {
            batch.push(sourceError(line, 'recon.bad_json', `Line ${line}${tag ? ` of ${tag}` : ''} is not a JSON object.`, tag, t.slice(0, 80)));
            return;
          }
          const { cells, added } = shaper.shape(value, (key, v) => batch.push(imprecise(line, key, v, tag)));
          if (added) batch.push({ kind: 'columns', line, ...(tag !== undefined && { blob: tag }), names: [...shaper.names] });
          batch.push({ kind: 'row', line, ...(tag !== undefined && { blob: tag }), cells });
        };
        try {
          for await (const chunk of reader.chunks(blob.path!, blob.gzip)) {
            const text = rest + decoder.decode(chunk, { stream: true });
            let start = 0;
            for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
              take(text.slice(start, nl));
              start = nl + 1;
            }
            rest = text.slice(start);
            if (rest.length > 16 * 1024 * 1024) {
              batch.push(sourceError(line + 1, 'recon.row_too_long', `Line ${line + 1}${tag ? ` of ${tag}` : ''} is longer than 16 MB; the rest is not read.`, tag));
              yield batch;
              return;
            }
            if (batch.length) {
              yield batch;
              batch = [];
            }
          }
          rest += decoder.decode();
          if (rest !== '') take(rest);
          if (batch.length) yield batch;
        } catch (e) {
          if (batch.length) yield batch;
          if (e instanceof GunzipFailure) {
            yield [sourceError(line + 1, 'recon.bad_gzip', `${blob.name} is not a valid gzip stream (${e.message}).`, tag, blob.name)];
            return;
          }
          if (e instanceof TypeError && /decode|encoded|utf-8/i.test(e.message)) {
            yield [sourceError(line + 1, 'recon.not_utf8', `${blob.name} is not UTF-8 text.`, tag, blob.name)];
            return;
          }
          throw e;
        }
      }
    },
  };
}

function fromManifest(manifestPath: string, name: string): ReconSource {
  const dir = resolve(manifestPath, '..');
  const m = readManifest(manifestPath)!;
  const errors: SourceEvent[] = [];
  const blobs: Blob[] = [];
  if (m.dataFormat !== undefined && String(m.dataFormat).toLowerCase() !== 'compressedjsonlines') {
    errors.push(sourceError(1, 'recon.bad_manifest', `The manifest's dataFormat is "${String(m.dataFormat)}", not compressedJSONLines.`, undefined, String(m.dataFormat)));
  }
  if (m.blobCount !== undefined && Number(m.blobCount) !== m.blobs.length) {
    errors.push(sourceError(1, 'recon.bad_manifest', `The manifest lists ${m.blobs.length} blobs but says blobCount ${String(m.blobCount)}.`, undefined, String(m.blobCount)));
  }
  m.blobs.forEach((b, i) => {
    const blobName = isRecord(b) && typeof b.name === 'string' ? b.name : '';
    const path = blobName ? locateBlob(dir, blobName) : null;
    if (!path) {
      errors.push(sourceError(0, 'recon.missing_blob', `Blob ${i + 1} of the manifest (${blobName || 'no name'}) is not in ${dir}.`, blobName || undefined, blobName || null));
      return;
    }
    if (!isGzip(path)) {
      errors.push(sourceError(0, 'recon.not_gzip', `${blobName} is not gzip-compressed, as the manifest's compressedJSONLines requires.`, blobName, blobName));
      return;
    }
    blobs.push({ name: blobName, path, gzip: true });
  });
  if (blobs.length === 0 && errors.length === 0) errors.push(sourceError(0, 'recon.empty', 'The manifest lists no blobs.'));
  return graphSource(name, blobs, errors);
}

/**
 * Open a file or directory for import: a directory holding a Graph export manifest; a manifest
 * .json; a JSON-lines file (gzipped or not); otherwise CSV (gzipped or not). The kind is decided by
 * content, not by the file name (uploads arrive without a meaningful name), except that a file
 * named *.gz must be gzip.
 */
export function openFileSource(path: string, fileName?: string): ReconSource {
  const name = fileName ?? basename(path);
  const st = statSync(path);
  if (st.isDirectory()) {
    const manifest = findManifest(path);
    if (!manifest) return graphSource(name, [], [sourceError(0, 'recon.no_manifest', `${path} holds no Graph export manifest (a .json file with a "blobs" list).`)]);
    return fromManifest(manifest, name);
  }
  const gzip = isGzip(path);
  if (!gzip && /\.gz$/i.test(name)) return graphSource(name, [], [sourceError(0, 'recon.not_gzip', `${name} is not gzip-compressed.`, undefined, name)]);
  if (!gzip) {
    const start = firstBytes(path, 4096).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (start.startsWith('{')) {
      if (readManifest(path)) return fromManifest(path, name);
      return graphSource(name, [{ name, path, gzip: false }], []);
    }
    return csvSource(path, name, false);
  }
  // gzip: JSON lines inside (the Graph blob format) or a compressed CSV
  return sniffGzip(path, name);
}

function sniffGzip(path: string, name: string): ReconSource {
  // decide lazily: the first decompressed characters say which parser to use
  let inner: ReconSource | undefined;
  const pick = async (): Promise<ReconSource> => {
    if (inner) return inner;
    let start = '';
    try {
      for await (const chunk of new FileReader(createHash('sha256')).chunks(path, true)) {
        start = chunk.subarray(0, 4096).toString('utf8');
        break;
      }
    } catch {
      // a broken gzip: let the JSON reader report it (it names the file)
    }
    inner = /^\uFEFF?\s*\{/.test(start) ? graphSource(name, [{ name, path, gzip: true }], []) : csvSource(path, name, true);
    return inner;
  };
  return {
    get kind() {
      return inner?.kind ?? 'graph';
    },
    name,
    totalBytes: statSync(path).size,
    get bytesRead() {
      return inner?.bytesRead ?? 0;
    },
    contentHash: () => inner!.contentHash(),
    async *batches() {
      yield* (await pick()).batches();
    },
  } as ReconSource;
}

// ---------------------------------------------------------------------------------------------
// Records (provider API line items)

/** Rows from objects, e.g. what `connector.listInvoiceLineItems(…)` returned. */
export function recordsSource(records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>, name: string): ReconSource {
  const hash = createHash('sha256');
  let done = false;
  return {
    kind: 'api',
    name,
    totalBytes: null,
    bytesRead: 0,
    contentHash: () => {
      if (!done) throw new Error('recordsSource: hash before the end');
      return hash.copy().digest('hex');
    },
    async *batches() {
      const shaper = new RecordShaper();
      let line = 0;
      let batch: SourceEvent[] = [];
      for await (const record of records as AsyncIterable<Record<string, unknown>>) {
        line++;
        if (!isRecord(record)) {
          batch.push(sourceError(line, 'recon.bad_json', `Record ${line} is not an object.`));
          continue;
        }
        const { cells, added } = shaper.shape(record, (key, v) => batch.push(imprecise(line, key, v)));
        // canonical serialization: keys sorted, values as their cell text
        const canon: [string, string][] = shaper.names.map((k, i) => [k, cells[i] ?? ''] as [string, string]).filter(([, v]) => v !== '');
        canon.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        hash.update(JSON.stringify(canon) + '\n');
        if (added) batch.push({ kind: 'columns', line, names: [...shaper.names] });
        batch.push({ kind: 'row', line, cells });
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
      done = true;
      if (batch.length) yield batch;
    },
  };
}
