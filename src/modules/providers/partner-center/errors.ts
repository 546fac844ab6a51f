/**
 * From HTTP answers to ProviderError, and from ProviderError to a message-catalog key.
 *
 * Catalog keys: `errors.provider.<kind>` for every ProviderErrorCode (placeholders {status},
 * {providerCode}, {detail}) and `provider_codes.<code>` for the Partner Center error codes the
 * desk explains on their own (developer_error-codes.md), with the same placeholders.
 */
import { ProviderError, type ProviderErrorCode } from '../connector.js';
import { parseErrorBody } from './parse.js';

/** Partner Center codes with their own explanation in the catalogs (`provider_codes.<code>`). */
export const EXPLAINED_PROVIDER_CODES = [
  '1000', // 404 Not found
  '2001', // 400 quantity can't change while the subscription is being suspended
  '2011', // 400 a deleted subscription can't be updated
  '2055', // ETag is no longer valid
  '20002', // 403 no commerce relationship with the customer
  '20003', // 404 subscription not found
  '27009', // 409 can't enable an add-on while its base subscription isn't active
  '60003', // 404 tenant (customer) not found
  '800001', // 401 partner token missing
  '800002', // 400 invalid request input
  '800003', // 500 unexpected service error
  '800063', // 400 order can't be canceled: suspend the subscriptions with PATCH
  '800082', // 409 subscription not ready to be updated (renewal in progress)
  '800091', // 400 can't update a subscription with suspended status
  '800096', // 400 can't update the status for this subscription
  '900115', // 403 Azure plan with active Azure subscriptions can't be suspended
  '900279', // 400 update operations are no longer allowed (disabled / expired)
] as const;

const EXPLAINED = new Set<string>(EXPLAINED_PROVIDER_CODES);

/** 409 answers that waiting does not fix (the others, like 800082 "renewal in progress", pass with time). */
const PERMANENT_CONFLICTS = new Set(['27009']);

/** Statuses the client retries (with Retry-After or backoff) before giving up. */
export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function errorCodeForStatus(status: number, context: 'api' | 'token' = 'api'): ProviderErrorCode {
  if (context === 'token') {
    if (status === 400 || status === 401 || status === 403) return 'provider.auth_failed';
  }
  if (status === 401) return 'provider.auth_failed';
  if (status === 403) return 'provider.forbidden';
  if (status === 404) return 'provider.not_found';
  if (status === 408) return 'provider.timeout';
  if (status === 409) return 'provider.conflict';
  if (status === 412) return 'provider.precondition_failed';
  if (status === 429) return 'provider.rate_limited';
  if (status >= 500) return 'provider.unavailable';
  return 'provider.rejected';
}

/** Retryable later (by the outbox), even when this call gave up. */
export function isRetryableCode(code: ProviderErrorCode): boolean {
  return (
    code === 'provider.unreachable' ||
    code === 'provider.timeout' ||
    code === 'provider.rate_limited' ||
    code === 'provider.unavailable' ||
    code === 'provider.conflict'
  );
}

/**
 * Retry-After as milliseconds from `now`: delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const s = value.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

export interface HttpFailure {
  status: number;
  bodyText: string;
  method: string;
  path: string;
  requestId: string | null;
  retryAfterMs?: number | null;
  attempts?: number;
  context?: 'api' | 'token';
}

export function providerErrorFromResponse(f: HttpFailure): ProviderError {
  const body = parseErrorBody(f.bodyText);
  const code = errorCodeForStatus(f.status, f.context);
  const tries = f.attempts && f.attempts > 1 ? ` after ${f.attempts} attempts` : '';
  const detail = body ? `${body.code ?? '?'}: ${body.description ?? ''}`.trim() : f.bodyText.trim() ? 'no Partner Center error body' : 'empty body';
  return new ProviderError(code, `${f.method} ${f.path} → HTTP ${f.status}${tries} (${detail})`, {
    status: f.status,
    providerCode: body?.code ?? null,
    providerDescription: body?.description ?? null,
    retryable: isRetryableCode(code) && !(code === 'provider.conflict' && body?.code && PERMANENT_CONFLICTS.has(body.code)),
    retryAfterMs: f.retryAfterMs ?? null,
    requestId: f.requestId,
  });
}

/**
 * The catalog key that explains `err` to a person, and its parameters:
 * `provider_codes.<providerCode>` for the codes in EXPLAINED_PROVIDER_CODES, else `errors.<code>`
 * (e.g. `errors.provider.unreachable`). Params are always {status, providerCode, detail}.
 */
export function explainProviderError(err: ProviderError): { key: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = {
    status: err.status ?? '',
    providerCode: err.providerCode ?? '',
    detail: err.providerDescription ?? err.message,
  };
  if (err.providerCode && EXPLAINED.has(err.providerCode)) return { key: `provider_codes.${err.providerCode}`, params };
  return { key: `errors.${err.code}`, params };
}
