import { FORMAT_COLUMNS, RECON_FORMATS, headerKey, requiredColumns, resolveHeader, type ReconFormat } from './columns.js';

export interface DetectedFormat {
  format: ReconFormat;
  /** canonical column name → 0-based index of the header cell. */
  mapping: Record<string, number>;
  /** Headers (as written) that name no column of the format, or repeat one already mapped. */
  unknownColumns: string[];
}

export type DetectErrorCode = 'recon.unknown_format' | 'recon.missing_columns';

export interface DetectError {
  error: { code: DetectErrorCode; message: string; format?: ReconFormat; missing?: string[] };
}

export type DetectResult = DetectedFormat | DetectError;

interface Match extends DetectedFormat {
  missing: string[];
  matchedRequired: number;
}

function match(format: ReconFormat, headerCells: readonly string[]): Match {
  const mapping: Record<string, number> = {};
  const unknownColumns: string[] = [];
  headerCells.forEach((raw, index) => {
    const cell = index === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    const canonical = resolveHeader(format, cell);
    if (canonical === undefined || canonical in mapping) {
      if (headerKey(cell) !== '') unknownColumns.push(cell.trim());
      return;
    }
    mapping[canonical] = index;
  });
  const required = requiredColumns(format);
  const missing = required.filter((c) => !(c in mapping));
  return { format, mapping, unknownColumns, missing, matchedRequired: required.length - missing.length };
}

function missingError(m: Match): DetectError {
  return {
    error: {
      code: 'recon.missing_columns',
      format: m.format,
      missing: m.missing,
      message: `The file looks like a ${m.format} reconciliation file but lacks required columns: ${m.missing.join(', ')}.`,
    },
  };
}

function ok(m: Match): DetectedFormat {
  return { format: m.format, mapping: m.mapping, unknownColumns: m.unknownColumns };
}

/**
 * Identify a reconciliation file by its header names only (never by position).
 * A format qualifies when every required column is present; among qualifying formats the one
 * that explains the most header cells wins. When none qualifies, the closest format (at least
 * half of its required columns present) is reported with its missing columns.
 */
export function detectFormat(headerCells: readonly string[]): DetectResult {
  const matches = RECON_FORMATS.map((f) => match(f, headerCells));
  const complete = matches.filter((m) => m.missing.length === 0);
  if (complete.length > 0) {
    const score = (m: Match) => Object.keys(m.mapping).length / FORMAT_COLUMNS[m.format].length + Object.keys(m.mapping).length;
    complete.sort((a, b) => score(b) - score(a));
    return ok(complete[0]!);
  }
  const ratio = (m: Match) => m.matchedRequired / requiredColumns(m.format).length;
  const closest = [...matches].sort((a, b) => ratio(b) - ratio(a))[0]!;
  if (ratio(closest) >= 0.5) return missingError(closest);
  return {
    error: {
      code: 'recon.unknown_format',
      message: 'The header does not match any known Partner Center reconciliation file format.',
    },
  };
}

/** Map the header against one format chosen by the user; only reports missing columns. */
export function detectFormatAs(format: ReconFormat, headerCells: readonly string[]): DetectResult {
  const m = match(format, headerCells);
  return m.missing.length > 0 ? missingError(m) : ok(m);
}

export function isDetectError(r: DetectResult): r is DetectError {
  return 'error' in r;
}
