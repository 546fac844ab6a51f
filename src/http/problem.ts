import type { FastifyError } from 'fastify';
import { AppError, isAppError, type FieldError } from '../core/errors.js';
import type { Formatter } from '../core/i18n.js';

/** RFC 9457 problem details with a stable `code` and a title in the caller's language. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  field?: string;
  errors?: FieldError[];
  requestId?: string;
}

export interface ProblemReply {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
}

interface ZodLikeIssue {
  code?: string;
  path?: (string | number)[];
  keys?: string[];
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  values?: unknown[];
  message?: string;
}

/** fastify-type-provider-zod's shape: keyword = zod issue code, params = the rest of the issue. */
interface ValidationEntry {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Omit<ZodLikeIssue, 'code' | 'path'>;
}

const pointer = (path: (string | number)[] | undefined, base: string) =>
  '/' + [base === 'body' ? '' : base, ...(path ?? []).map(String)].filter((p) => p !== '').join('/');

/** Turn one zod issue into localized field errors (an unknown key is named as the field). */
function issueErrors(issue: ZodLikeIssue, ctx: string, fmt: Formatter): FieldError[] {
  const code = issue.code ?? 'invalid';
  if (code === 'unrecognized_keys') {
    return (issue.keys ?? []).map((k) => ({
      field: pointer([...(issue.path ?? []), k], ctx),
      code: 'unknown_field',
      message: fmt.t('validation.unknown_field', { field: k }),
    }));
  }
  const key = `validation.${code}`;
  const params = {
    expected: issue.expected ?? '',
    minimum: issue.minimum !== undefined ? String(issue.minimum) : '',
    maximum: issue.maximum !== undefined ? String(issue.maximum) : '',
    format: issue.format ?? issue.message ?? '',
  };
  return [{ field: pointer(issue.path, ctx), code, message: fmt.has(key) ? fmt.t(key, params) : fmt.t('validation.invalid', params) }];
}

function problem(fmt: Formatter, status: number, code: string, params: Record<string, string | number> = {}, extra: Partial<ProblemBody> = {}): ProblemBody {
  return {
    type: `urn:partnerdesk:problem:${code}`,
    title: fmt.t(`errors.${code}`, params),
    status,
    code,
    ...extra,
  };
}

/** Every error becomes a problem; only a real fault is a 500, and it never leaks internals. */
export function toProblem(err: unknown, fmt: Formatter, instance: string, requestId: string): ProblemReply & { fault: boolean } {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8' };
  const base = { instance, requestId };

  if (isAppError(err)) {
    if (err.retryAfterSeconds) headers['retry-after'] = String(err.retryAfterSeconds);
    const errors = err.errors.length ? { errors: err.errors } : {};
    return {
      status: err.status,
      headers,
      fault: err.status >= 500 && err.kind !== 'unavailable',
      body: problem(fmt, err.status, err.code, err.params, { ...base, ...(err.field && { field: err.field }), ...errors }),
    };
  }

  const fe = err as FastifyError & { validation?: ValidationEntry[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const ctx = fe.validationContext ?? 'body';
    const errors = fe.validation.flatMap((v) =>
      issueErrors({ ...v.params, code: v.keyword, path: (v.instancePath ?? '').split('/').filter(Boolean), message: v.message }, ctx, fmt),
    );
    return {
      status: 400,
      headers,
      fault: false,
      body: problem(fmt, 400, 'validation_failed', {}, { ...base, ...(errors[0]?.field && { field: errors[0].field }), errors }),
    };
  }

  const code = typeof fe.code === 'string' ? fe.code : '';
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return { status: 413, headers, fault: false, body: problem(fmt, 413, 'too_large', {}, base) };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415)
    return { status: 415, headers, fault: false, body: problem(fmt, 415, 'unsupported_media', {}, base) };
  if (code.startsWith('FST_ERR_CTP_') || fe instanceof SyntaxError || (status === 400 && code !== ''))
    return { status: 400, headers, fault: false, body: problem(fmt, 400, 'malformed_body', {}, base) };

  // Database constraint errors that escaped a use case are still the caller's input, not a fault.
  const pgCode = (err as { code?: unknown }).code;
  if (pgCode === '23505') return { status: 409, headers, fault: false, body: problem(fmt, 409, 'conflict', {}, base) };
  if (pgCode === '22P02' || pgCode === '22003' || pgCode === '23514' || pgCode === '22007' || pgCode === '22008')
    return { status: 400, headers, fault: false, body: problem(fmt, 400, 'bad_value', {}, base) };

  if (status >= 400 && status < 500) return { status, headers, fault: false, body: problem(fmt, status, 'bad_request', {}, base) };
  return { status: 500, headers, fault: true, body: problem(fmt, 500, 'internal', {}, base) };
}

export { AppError };
