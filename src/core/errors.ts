/**
 * A closed set of error kinds, mapped once to HTTP statuses and CLI exit codes.
 * Feature detail lives in `code` (stable, dotted, a message-catalog key under `errors.`)
 * and in `params`, never in new kinds.
 */
export const ERROR_KINDS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export interface FieldError {
  /** JSON pointer into the request (`/email`), a CSV column, or a header name. */
  field?: string;
  /** Line or row number in an uploaded file, 1-based. */
  line?: number;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  field?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly params: Record<string, string | number>;
  readonly field: string | undefined;
  readonly errors: FieldError[];
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, code: string, params: Record<string, string | number> = {}, opts: AppErrorOptions = {}) {
    super(`${code}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`, { cause: opts.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.params = params;
    this.field = opts.field;
    this.errors = opts.errors ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_KINDS[this.kind];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const notFound = (entity: string, id: string) => new AppError('not_found', 'not_found', { entity, id });
export const forbidden = () => new AppError('forbidden', 'forbidden');
