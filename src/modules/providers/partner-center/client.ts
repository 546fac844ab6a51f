/**
 * The Partner Center REST client: ProviderConnector over HTTP, against Microsoft, 21Vianet or the
 * local simulator (which speaks the same API).
 *
 * - OAuth2 client credentials against `${tokenAuthority}/${partnerTenantId}/oauth2/v2.0/token`;
 *   the token is cached (per account, process-wide) until shortly before it expires by the
 *   injected clock, and renewed once when the API answers 401.
 * - Every call sends Authorization, Accept, MS-RequestId (one per logical call, the same on every
 *   retry of it), MS-CorrelationId and MS-Contract-Version; PATCH of a subscription sends If-Match.
 * - 408/429/5xx, timeouts and dropped connections are retried up to `maxAttempts` (Retry-After
 *   honoured, else exponential backoff with jitter); refused connections and DNS failures fail at
 *   once as provider.unreachable (retryable later).
 * - A process-wide limiter keeps each tenant under `rateLimit` (500 requests per 60 s).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../../core/clock.js';
import {
  ProviderError,
  type CallOptions,
  type ConnectorConfig,
  type Page,
  type PcBillingProfile,
  type PcCustomer,
  type PcInvoice,
  type PcServiceRequest,
  type PcSubscription,
  type ProviderConnector,
  type SubscriptionChange,
} from '../connector.js';
import { buildServiceRequestNoteBody, buildSubscriptionPatchBody } from './bodies.js';
import { parseRetryAfter, providerErrorFromResponse, RETRY_STATUSES } from './errors.js';
import { DEFAULT_RATE_LIMIT, tenantLimiter } from './limiter.js';
import {
  field,
  isObject,
  malformed,
  numberValue,
  parseAzureEntitlement,
  parseBillingProfile,
  parseCollection,
  parseCustomer,
  parseInvoice,
  parseJsonText,
  parseServiceRequest,
  parseSubscription,
  stripOrgPrefix,
  text,
  type Json,
} from './parse.js';

export type ConnectorLog = Partial<Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>>;

export interface PartnerCenterDeps {
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  log?: ConnectorLog;
  /** jitter source in [0, 1) (default Math.random) */
  random?: () => number;
}

export interface WebhookRegistration {
  webhookUrl: string | null;
  webhookEvents: string[];
  /** the simulator's signing secret (see webhooks.ts); Partner Center itself returns none */
  secret: string | null;
  raw: Json;
}

/** ProviderConnector plus what only Partner Center has. */
export interface PartnerCenterConnector extends ProviderConnector {
  /** POST /webhooks/v1/registration (PUT when `update`) with the URL and the events to receive. */
  registerWebhooks(webhookUrl: string, events: string[], opts?: CallOptions & { update?: boolean }): Promise<WebhookRegistration>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** a Retry-After longer than this is not waited out inside one call: the error carries it instead */
const MAX_RETRY_AFTER_MS = 120_000;
const LINE_ITEM_PAGE_SIZE = 2000;
const MAX_PAGES = 10_000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An MS-RequestId (a UUID). A UUID `base` is used as is; anything else (an outbox idempotency key)
 * and any `label`led sub-call get a name-based UUID, so re-running the same logical operation
 * sends the same ids again.
 */
export function deriveRequestId(base: string, label?: string): string {
  if (!label && UUID_RE.test(base)) return base.toLowerCase();
  const h = createHash('sha256')
    .update(label ? `${base}\n${label}` : base)
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Access tokens, shared by every client of the same account in this process (the desk may build a
 * client per use): one token request at a time, reused until shortly before it expires.
 */
interface TokenSlot {
  current: { value: string; refreshAtMs: number } | null;
  inFlight: Promise<string> | null;
}
const tokenSlots = new Map<string, TokenSlot>();

function tokenSlot(config: ConnectorConfig): TokenSlot {
  const secretHash = createHash('sha256').update(config.secret).digest('hex');
  const key = [config.tokenAuthority.replace(/\/+$/, ''), config.partnerTenantId.toLowerCase(), config.appId, config.scope, secretHash].join('|');
  let slot = tokenSlots.get(key);
  if (!slot) tokenSlots.set(key, (slot = { current: null, inFlight: null }));
  return slot;
}

type NetFailure = 'timeout' | 'reset' | 'unreachable' | 'invalid';

function errorCodes(e: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < 6 && cur && typeof cur === 'object'; depth++) {
    const o = cur as { code?: unknown; errors?: unknown; cause?: unknown; name?: unknown };
    if (typeof o.code === 'string') out.push(o.code);
    if (Array.isArray(o.errors)) for (const x of o.errors) if (x && typeof x === 'object' && typeof (x as { code?: unknown }).code === 'string') out.push((x as { code: string }).code);
    cur = o.cause;
  }
  return out;
}

function classifyNetworkError(e: unknown): NetFailure {
  const codes = errorCodes(e);
  if (codes.some((c) => c === 'ERR_INVALID_URL' || c === 'ERR_INVALID_ARG_TYPE')) return 'invalid';
  if (
    codes.some(
      (c) =>
        c === 'ECONNREFUSED' ||
        c === 'ENOTFOUND' ||
        c === 'EAI_AGAIN' ||
        c === 'EHOSTUNREACH' ||
        c === 'ENETUNREACH' ||
        c === 'EADDRNOTAVAIL' ||
        c.startsWith('CERT_') ||
        c.startsWith('ERR_TLS_') ||
        c.startsWith('ERR_SSL_') ||
        c.startsWith('UNABLE_TO_') ||
        c === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
        c === 'SELF_SIGNED_CERT_IN_CHAIN',
    )
  )
    return 'unreachable';
  if (codes.some((c) => c === 'ETIMEDOUT' || c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT')) return 'timeout';
  if (e instanceof TypeError && /invalid url|failed to parse url/i.test(e.message)) return 'invalid';
  return 'reset';
}

function withRequestId(e: unknown, requestId: string | null): unknown {
  if (!(e instanceof ProviderError) || e.requestId || !requestId) return e;
  return new ProviderError(e.code, e.message, {
    status: e.status,
    providerCode: e.providerCode,
    providerDescription: e.providerDescription,
    retryable: e.retryable,
    retryAfterMs: e.retryAfterMs,
    requestId,
    cause: e.cause,
  });
}

interface Call {
  requestId: string;
  correlationId: string;
  signal: AbortSignal | undefined;
  /** HTTP attempts made for this logical operation (all its requests) */
  tally: { attempts: number };
}

interface SendSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** for messages and logs: path and query, no host */
  path: string;
  headers: Record<string, string>;
  body?: string;
  call: Call | null;
  context: 'api' | 'token';
}

interface Sent {
  status: number;
  headers: Headers;
  text: string;
  correlationId: string | null;
}

export function createPartnerCenterConnector(config: ConnectorConfig, deps: PartnerCenterDeps = {}): PartnerCenterConnector {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const doFetch = deps.fetch ?? globalThis.fetch;
  const log = deps.log;
  const random = deps.random ?? Math.random;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  const rateLimit = config.rateLimit ?? DEFAULT_RATE_LIMIT;
  const apiBase = config.apiBaseUrl.replace(/\/+$/, '');
  const tokenPath = `/${encodeURIComponent(config.partnerTenantId)}/oauth2/v2.0/token`;
  const tokenUrl = `${config.tokenAuthority.replace(/\/+$/, '')}${tokenPath}`;
  const limiter = tenantLimiter(config.apiBaseUrl, config.partnerTenantId);

  const tokens = tokenSlot(config);

  const backoff = (attempt: number) => {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  };

  async function send(spec: SendSpec, authorize: boolean): Promise<Sent> {
    const requestId = spec.call?.requestId ?? null;
    let counted = 0;
    let refreshed = false;
    for (;;) {
      counted++;
      if (spec.context === 'api') await limiter.acquire(rateLimit, clock, sleep, spec.call?.signal);
      const headers = { ...spec.headers };
      const bearer = authorize ? await getToken() : null;
      if (bearer) headers.Authorization = `Bearer ${bearer}`;
      if (spec.call) spec.call.tally.attempts++;
      const timeout = AbortSignal.timeout(timeoutMs);
      const userSignal = spec.call?.signal;
      const signal = userSignal ? AbortSignal.any([userSignal, timeout]) : timeout;
      const started = Date.now();
      let res: Response;
      let bodyText: string;
      try {
        const init: RequestInit = { method: spec.method, headers, signal, redirect: 'error' };
        if (spec.body !== undefined) init.body = spec.body;
        res = await doFetch(spec.url, init);
        bodyText = await res.text();
      } catch (e) {
        if (userSignal?.aborted) throw userSignal.reason ?? e;
        const kind: NetFailure = timeout.aborted ? 'timeout' : classifyNetworkError(e);
        const codes = errorCodes(e).join(', ') || (e instanceof Error ? e.message : String(e));
        log?.warn?.({ method: spec.method, path: spec.path, attempt: counted, requestId, failure: kind, codes }, 'partner center call failed');
        if (kind === 'unreachable' || kind === 'invalid') {
          throw new ProviderError('provider.unreachable', `${spec.method} ${spec.path}: cannot reach ${new URL(spec.url).host} (${codes})`, {
            retryable: kind === 'unreachable',
            requestId,
            cause: e,
          });
        }
        if (counted < maxAttempts) {
          await sleep(backoff(counted));
          continue;
        }
        throw new ProviderError(
          kind === 'timeout' ? 'provider.timeout' : 'provider.unavailable',
          `${spec.method} ${spec.path}: ${kind === 'timeout' ? `no answer within ${timeoutMs} ms` : `connection failed (${codes})`}, ${counted} attempt${counted > 1 ? 's' : ''}`,
          { retryable: true, requestId, cause: e },
        );
      }
      log?.debug?.({ method: spec.method, path: spec.path, status: res.status, attempt: counted, requestId, ms: Date.now() - started }, 'partner center call');
      if (res.status >= 200 && res.status < 300) {
        return { status: res.status, headers: res.headers, text: bodyText, correlationId: res.headers.get('ms-correlationid') };
      }
      if (res.status === 401 && authorize && !refreshed) {
        // the token may have expired or been revoked early: get a new one, once
        refreshed = true;
        counted--;
        if (tokens.current?.value === bearer) tokens.current = null; // unless another call already renewed it
        continue;
      }
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      if (RETRY_STATUSES.has(res.status) && counted < maxAttempts && (retryAfterMs === null || retryAfterMs <= MAX_RETRY_AFTER_MS)) {
        const wait = retryAfterMs ?? backoff(counted);
        log?.warn?.({ method: spec.method, path: spec.path, status: res.status, attempt: counted, requestId, waitMs: wait }, 'partner center call retried');
        await sleep(wait);
        continue;
      }
      throw providerErrorFromResponse({
        status: res.status,
        bodyText,
        method: spec.method,
        path: spec.path,
        requestId,
        retryAfterMs,
        attempts: counted,
        context: spec.context,
      });
    }
  }

  /** Shared by concurrent callers, so it does not take any one caller's abort signal. */
  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: config.appId, client_secret: config.secret, scope: config.scope });
    const sent = await send(
      {
        method: 'POST',
        url: tokenUrl,
        path: tokenPath,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        call: null,
        context: 'token',
      },
      false,
    );
    const json = parseJsonText(sent.text, `POST ${tokenPath}`);
    const accessToken = isObject(json) ? text(field(json, 'access_token')) : null;
    if (!accessToken) throw malformed(`POST ${tokenPath}`, 'token response without access_token');
    const lifetimeMs = Math.max(1, numberValue(isObject(json) ? field(json, 'expires_in') : null) ?? 3600) * 1000;
    const margin = Math.min(300_000, lifetimeMs / 2);
    tokens.current = { value: accessToken, refreshAtMs: clock.now().getTime() + lifetimeMs - margin };
    log?.debug?.({ tenant: config.partnerTenantId, expiresInS: lifetimeMs / 1000 }, 'partner center token acquired');
    return accessToken;
  }

  function getToken(): Promise<string> {
    const cached = tokens.current;
    if (cached && clock.now().getTime() < cached.refreshAtMs) return Promise.resolve(cached.value);
    tokens.inFlight ??= fetchToken().finally(() => {
      tokens.inFlight = null;
    });
    return tokens.inFlight;
  }

  function newCall(opts?: CallOptions): Call {
    return {
      requestId: opts?.requestId ? deriveRequestId(opts.requestId) : randomUUID(),
      correlationId: opts?.correlationId ?? randomUUID(),
      signal: opts?.signal,
      tally: { attempts: 0 },
    };
  }

  function subCall(call: Call, label: string): Call {
    return { ...call, requestId: deriveRequestId(call.requestId, label) };
  }

  async function api(
    method: SendSpec['method'],
    path: string,
    call: Call,
    extra: { body?: unknown; ifMatch?: string | null; continuationToken?: string | null } = {},
  ): Promise<Sent> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'MS-RequestId': call.requestId,
      'MS-CorrelationId': call.correlationId,
      'MS-Contract-Version': config.contractVersion ?? 'v1',
    };
    let body: string | undefined;
    if (extra.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(extra.body);
    }
    if (extra.ifMatch) headers['If-Match'] = extra.ifMatch;
    if (extra.continuationToken) headers['MS-ContinuationToken'] = extra.continuationToken;
    const spec: SendSpec = { method, url: apiBase + path, path, headers, call, context: 'api' };
    if (body !== undefined) spec.body = body;
    return send(spec, true);
  }

  /** Parse a response body; failures carry the request id. */
  function json(sent: Sent, source: string, call: Call): unknown {
    try {
      return parseJsonText(sent.text, source);
    } catch (e) {
      throw withRequestId(e, call.requestId);
    }
  }

  function guard<T>(call: Call, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw withRequestId(e, call.requestId);
    }
  }

  const enc = (id: string) => encodeURIComponent(stripOrgPrefix(id));
  const withQuery = (path: string, q: Record<string, string>) => {
    const s = new URLSearchParams(q).toString();
    return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
  };

  /**
   * Every page of a collection that pages by continuation token: the first request as given (or,
   * with `startToken`, already a seek), then `seekOperation=Next` with MS-ContinuationToken.
   */
  async function allPages<T>(
    firstPath: string,
    call: Call,
    parseItem: (raw: unknown, source: string) => T,
    startToken: string | null = null,
    firstPage = 1,
  ): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>(startToken ? [startToken] : []);
    let tokenForNext = startToken;
    for (let page = firstPage; page < firstPage + MAX_PAGES; page++) {
      const pageCall = page === 1 ? call : subCall(call, `page-${page}`);
      const path = tokenForNext ? withQuery(firstPath, { seekOperation: 'Next' }) : firstPath;
      const source = `GET ${path}`;
      const sent = await api('GET', path, pageCall, { continuationToken: tokenForNext });
      const col = guard(pageCall, () => parseCollection(json(sent, source, pageCall), source));
      col.items.forEach((x, i) => out.push(guard(pageCall, () => parseItem(x, `${source} items[${i}]`))));
      if (!col.continuationToken || col.items.length === 0) return out;
      if (seen.has(col.continuationToken)) throw withRequestId(malformed(source, 'the continuation token repeats (endless paging)'), pageCall.requestId);
      seen.add(col.continuationToken);
      tokenForNext = col.continuationToken;
    }
    throw malformed(firstPath, `more than ${MAX_PAGES} pages`);
  }

  async function readSubscription(customerId: string, subscriptionId: string, call: Call): Promise<{ sub: PcSubscription; sent: Sent }> {
    const path = `/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}`;
    const sent = await api('GET', path, call);
    const sub = guard(call, () => parseSubscription(json(sent, `GET ${path}`, call), { customerId }, `GET ${path}`));
    sub.etag ??= sent.headers.get('etag');
    return { sub, sent };
  }

  const connector: PartnerCenterConnector = {
    async listCustomers(opts) {
      const call = newCall(opts);
      const q: Record<string, string> = {};
      if (opts?.size) q.size = String(opts.size);
      if (opts?.continuationToken) q.seekOperation = 'Next';
      const path = withQuery('/v1/customers', q);
      const source = `GET ${path}`;
      const sent = await api('GET', path, call, { continuationToken: opts?.continuationToken ?? null });
      const col = guard(call, () => parseCollection(json(sent, source, call), source));
      const items = col.items.map((x, i) => guard(call, () => parseCustomer(x, `${source} items[${i}]`)));
      return { items, continuationToken: items.length > 0 ? col.continuationToken : null, totalCount: col.totalCount } satisfies Page<PcCustomer>;
    },

    async getCustomer(customerId, opts) {
      const call = newCall(opts);
      const path = `/v1/customers/${enc(customerId)}`;
      const sent = await api('GET', path, call);
      return guard(call, () => parseCustomer(json(sent, `GET ${path}`, call), `GET ${path}`));
    },

    async getBillingProfile(customerId, opts): Promise<PcBillingProfile> {
      const call = newCall(opts);
      const path = `/v1/customers/${enc(customerId)}/profiles/billing`;
      const sent = await api('GET', path, call);
      const profile = guard(call, () => parseBillingProfile(json(sent, `GET ${path}`, call), `GET ${path}`));
      profile.etag ??= sent.headers.get('etag');
      return profile;
    },

    async listSubscriptions(customerId, opts) {
      const call = newCall(opts);
      return allPages(`/v1/customers/${enc(customerId)}/subscriptions`, call, (raw, source) => parseSubscription(raw, { customerId }, source));
    },

    async listAzureEntitlements(customerId, subscriptionId, opts) {
      const call = newCall(opts);
      return allPages(`/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}/azureEntitlements`, call, (raw, source) => parseAzureEntitlement(raw, source));
    },

    async getSubscription(customerId, subscriptionId, opts) {
      return (await readSubscription(customerId, subscriptionId, newCall(opts))).sub;
    },

    async setSubscriptionStatus(customerId, subscriptionId, status, opts = {}): Promise<SubscriptionChange> {
      const op = newCall(opts);
      const path = `/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}`;
      const { autoRenewEnabled } = opts;
      const done = (s: PcSubscription) => s.status === status && (autoRenewEnabled === undefined || s.autoRenewEnabled === autoRenewEnabled);

      const first = await readSubscription(customerId, subscriptionId, subCall(op, 'read-1'));
      const before = first.sub;
      if (done(before)) {
        // already there (e.g. a retried job whose first run got through): nothing to send
        return { before, after: before, requestId: op.requestId, correlationId: first.sent.correlationId, attempts: op.tally.attempts };
      }
      let current = before;
      for (let round = 1; ; round++) {
        const patchCall = round === 1 ? op : subCall(op, `patch-${round}`);
        try {
          const sent = await api('PATCH', path, patchCall, { body: buildSubscriptionPatchBody(current.raw, status, autoRenewEnabled), ifMatch: current.etag });
          const after = guard(patchCall, () => parseSubscription(json(sent, `PATCH ${path}`, patchCall), { customerId }, `PATCH ${path}`));
          after.etag ??= sent.headers.get('etag');
          log?.info?.({ customerId, subscriptionId, from: before.status, to: after.status, requestId: patchCall.requestId, attempts: op.tally.attempts }, 'subscription status changed');
          return { before, after, requestId: patchCall.requestId, correlationId: sent.correlationId, attempts: op.tally.attempts };
        } catch (e) {
          if (!(e instanceof ProviderError) || e.status !== 412 || round > 1) throw e;
          // someone changed the subscription since we read it: read again, try once more
          const reread = await readSubscription(customerId, subscriptionId, subCall(op, `read-${round + 1}`));
          current = reread.sub;
          if (done(current)) {
            return { before, after: current, requestId: patchCall.requestId, correlationId: reread.sent.correlationId, attempts: op.tally.attempts };
          }
        }
      }
    },

    async listInvoices(opts) {
      return allPages('/v1/invoices', newCall(opts), (raw, source) => parseInvoice(raw, source));
    },

    async listInvoiceLineItems(invoiceId, provider, type, opts) {
      const call = newCall(opts);
      const asRecord = (raw: unknown, source: string): Record<string, unknown> => {
        if (!isObject(raw)) throw malformed(source, 'line item is not an object');
        return raw;
      };
      if (provider === 'onetime') {
        // new commerce: ?provider=onetime&invoicelineitemtype=…&size=…, then continuation tokens
        const path = withQuery(`/v1/invoices/${enc(invoiceId)}/lineitems`, { provider: 'onetime', invoicelineitemtype: type, size: String(LINE_ITEM_PAGE_SIZE) });
        return allPages(path, call, asRecord);
      }
      // legacy: /lineitems/{provider}/{type}?size=…&offset=…
      const base = `/v1/invoices/${enc(invoiceId)}/lineitems/${provider}/${type}`;
      const out: Record<string, unknown>[] = [];
      let offset = 0;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const pageCall = page === 1 ? call : subCall(call, `page-${page}`);
        const path = withQuery(base, { size: String(LINE_ITEM_PAGE_SIZE), offset: String(offset) });
        const source = `GET ${path}`;
        const sent = await api('GET', path, pageCall);
        const col = guard(pageCall, () => parseCollection(json(sent, source, pageCall), source));
        col.items.forEach((x, i) => out.push(guard(pageCall, () => asRecord(x, `${source} items[${i}]`))));
        if (col.items.length === 0) return out;
        if (col.continuationToken) {
          // a legacy listing that switched to continuation tokens: follow them
          const rest = await allPages(withQuery(base, { size: String(LINE_ITEM_PAGE_SIZE) }), call, asRecord, col.continuationToken, page + 1);
          return out.concat(rest);
        }
        if (!col.nextUri) return out;
        offset = col.nextOffset !== null && col.nextOffset > offset ? col.nextOffset : offset + col.items.length;
      }
      throw malformed(base, `more than ${MAX_PAGES} pages`);
    },

    async listServiceRequests(customerId, opts) {
      const path = customerId ? `/v1/customers/${enc(customerId)}/servicerequests` : '/v1/servicerequests';
      return allPages(path, newCall(opts), (raw, source) => parseServiceRequest(raw, source));
    },

    async getServiceRequest(serviceRequestId, opts): Promise<PcServiceRequest> {
      const call = newCall(opts);
      const path = `/v1/servicerequests/${enc(serviceRequestId)}`;
      const sent = await api('GET', path, call);
      return guard(call, () => parseServiceRequest(json(sent, `GET ${path}`, call), `GET ${path}`));
    },

    async addServiceRequestNote(serviceRequestId, noteText, opts): Promise<PcServiceRequest> {
      const call = newCall(opts);
      const path = `/v1/servicerequests/${enc(serviceRequestId)}`;
      const sent = await api('PATCH', path, call, { body: buildServiceRequestNoteBody(noteText) });
      return guard(call, () => parseServiceRequest(json(sent, `PATCH ${path}`, call), `PATCH ${path}`));
    },

    async registerWebhooks(webhookUrl, events, opts) {
      const call = newCall(opts);
      const path = '/webhooks/v1/registration';
      const sent = await api(opts?.update ? 'PUT' : 'POST', path, call, { body: { WebhookUrl: webhookUrl, WebhookEvents: events } });
      const raw = json(sent, `POST ${path}`, call);
      if (!isObject(raw)) throw withRequestId(malformed(`POST ${path}`, 'registration is not an object'), call.requestId);
      const ev = field(raw, 'webhookEvents');
      return {
        webhookUrl: text(field(raw, 'webhookUrl')),
        webhookEvents: Array.isArray(ev) ? ev.map(text).filter((x): x is string => x !== null) : [],
        secret: text(field(raw, 'secret')),
        raw,
      };
    },
  };

  return connector;
}
