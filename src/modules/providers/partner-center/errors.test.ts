import { describe, expect, it } from 'vitest';
import { createI18n, LOCALES } from '../../../core/i18n.js';
import { readCatalogs } from '../../../locales.js';
import { ProviderError, type ProviderErrorCode } from '../connector.js';
import { errorCodeForStatus, EXPLAINED_PROVIDER_CODES, explainProviderError, parseRetryAfter, providerErrorFromResponse } from './errors.js';

const ALL_CODES: ProviderErrorCode[] = [
  'provider.unreachable',
  'provider.timeout',
  'provider.rate_limited',
  'provider.unavailable',
  'provider.auth_failed',
  'provider.forbidden',
  'provider.not_found',
  'provider.conflict',
  'provider.precondition_failed',
  'provider.rejected',
  'provider.malformed_response',
];

describe('provider errors', () => {
  it('maps HTTP statuses to the desk’s codes', () => {
    expect([400, 401, 403, 404, 408, 409, 412, 429, 500, 503].map((s) => errorCodeForStatus(s))).toEqual([
      'provider.rejected',
      'provider.auth_failed',
      'provider.forbidden',
      'provider.not_found',
      'provider.timeout',
      'provider.conflict',
      'provider.precondition_failed',
      'provider.rate_limited',
      'provider.unavailable',
      'provider.unavailable',
    ]);
    expect(errorCodeForStatus(400, 'token')).toBe('provider.auth_failed');
  });

  it('reads Partner Center error bodies', () => {
    const e = providerErrorFromResponse({
      status: 400,
      bodyText: '{"code":"800091","description":"Can\'t update a subscription with suspended status","data":[],"source":"PartnerFD"}',
      method: 'PATCH',
      path: '/v1/customers/c/subscriptions/s',
      requestId: 'r1',
    });
    expect(e).toMatchObject({ code: 'provider.rejected', status: 400, providerCode: '800091', retryable: false, requestId: 'r1' });
    expect(e.message).toBe("PATCH /v1/customers/c/subscriptions/s → HTTP 400 (800091: Can't update a subscription with suspended status)");
    const c = providerErrorFromResponse({ status: 409, bodyText: '{"code":"800082","description":"not ready"}', method: 'PATCH', path: '/x', requestId: null });
    expect(c.retryable).toBe(true);
    expect(providerErrorFromResponse({ status: 409, bodyText: '{"code":"27009","description":"parent"}', method: 'PATCH', path: '/x', requestId: null }).retryable).toBe(false);
  });

  it('Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('explains known Partner Center codes by code, the rest by kind', () => {
    const known = new ProviderError('provider.rejected', 'm', { status: 400, providerCode: '800091', providerDescription: 'Can’t update' });
    expect(explainProviderError(known)).toEqual({ key: 'provider_codes.800091', params: { status: 400, providerCode: '800091', detail: 'Can’t update' } });
    const other = new ProviderError('provider.unreachable', 'GET /v1/customers: cannot reach x (ECONNREFUSED)');
    expect(explainProviderError(other)).toEqual({ key: 'errors.provider.unreachable', params: { status: '', providerCode: '', detail: 'GET /v1/customers: cannot reach x (ECONNREFUSED)' } });
  });

  it('every key it can return exists in all four catalogs and formats', () => {
    const catalogs = readCatalogs();
    const i18n = createI18n(catalogs);
    const keys = [...ALL_CODES.map((c) => `errors.${c}`), ...EXPLAINED_PROVIDER_CODES.map((c) => `provider_codes.${c}`)];
    for (const locale of LOCALES) {
      const f = i18n.formatter(locale);
      for (const key of keys) {
        expect(f.has(key), `${locale} ${key}`).toBe(true);
        const text = f.t(key, { status: 503, providerCode: '800003', detail: 'DETAIL' });
        expect(text).not.toContain('{');
        expect(text).not.toBe(key);
      }
    }
    // the English and German wording of one code, as a person reads it
    expect(i18n.t('de', 'provider_codes.900115')).toMatch(/Azure-Plan .* aktive Azure-Abonnements/);
    expect(i18n.t('en', 'errors.provider.rejected', { status: 400, providerCode: '2001', detail: 'x' })).toBe('The provider rejected the request (HTTP 400, code 2001): x');
  });
});
