import { AppError, isAppError, type ErrorKind } from '../core/errors.js';
import type { Formatter } from '../core/i18n.js';

/** How a command ends: one JSON object with --json, localized lines otherwise, and an exit code. */
const EXIT: Partial<Record<ErrorKind, number>> = {
  bad_request: 2,
  unprocessable: 2,
  conflict: 3,
  not_found: 3,
  unavailable: 4,
  unauthenticated: 5,
  forbidden: 5,
};

export function exitCodeFor(e: unknown): number {
  return isAppError(e) ? (EXIT[e.kind] ?? 1) : 1;
}

export function errorMessage(e: unknown, fmt: Formatter): { code: string; message: string } {
  if (isAppError(e)) return { code: e.code, message: fmt.t(`errors.${e.code}`, e.params) };
  const err = e as Error;
  return { code: 'internal', message: fmt.t('errors.internal_cli', { reason: err?.message ?? String(e) }) };
}

export function printJson(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}

export function fail(e: unknown, fmt: Formatter, json: boolean): number {
  const { code, message } = errorMessage(e, fmt);
  if (json) printJson({ ok: false, error: { code, message, ...(isAppError(e) && e.field && { field: e.field }) } });
  else process.stderr.write(`partnerdesk: ${message}\n`);
  return exitCodeFor(e);
}

export { AppError };
