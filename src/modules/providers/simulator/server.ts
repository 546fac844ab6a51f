/**
 * A local Partner Center: a real HTTP server (node:http) speaking the documented endpoints and
 * shapes, plus the token endpoint on the same origin (so tokenAuthority = apiBaseUrl = sim.url).
 * Used by the tests (always over HTTP) and by the desk's demo mode.
 *
 *   POST /{tenantId}/oauth2/v2.0/token                       client credentials
 *   GET  /v1/customers[?size=&seekOperation=Next]             MS-ContinuationToken paging
 *   GET  /v1/customers/{id}                                    …/profiles/billing
 *   GET  /v1/customers/{id}/subscriptions[/{sid}]              paged like customers
 *   PATCH /v1/customers/{id}/subscriptions/{sid}               full resource + If-Match
 *   GET  /v1/customers/{id}/subscriptions/{sid}/azureEntitlements
 *   GET  /v1/invoices, /v1/invoices/{id}
 *   GET  /v1/invoices/{id}/lineitems/{provider}/{type}?size=&offset=        (legacy, offset)
 *   GET  /v1/invoices/{id}/lineitems?provider=&invoicelineitemtype=&size=  (onetime: continuation)
 *   GET  /v1/servicerequests, /v1/customers/{id}/servicerequests, /v1/servicerequests/{id}
 *   PATCH /v1/servicerequests/{id}                             NewNote, Status
 *   POST|PUT|GET|DELETE /webhooks/v1/registration, POST /webhooks/v1/registration/validationEvents
 *   /_sim/faults (GET, POST, DELETE), /_sim/expire-tokens, /_sim/advance, /_sim/emit,
 *   /_sim/partners, /_sim/requests                             control API for the CLI
 *
 * There is no create call for service requests (decommissioned 2020-08-31): POST answers 404.
 * The simulator prints nothing; it logs through the optional logger.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../../core/clock.js';
import { CLOUD_DEFAULTS, type Cloud, type ConnectorConfig } from '../connector.js';
import { webhookAuthorizationHeader } from '../partner-center/webhooks.js';
import {
  buildCustomer,
  buildInvoice,
  buildPartner,
  buildServiceRequest,
  buildSubscription,
  type NewCustomer,
  type NewInvoice,
  type NewPartner,
  type NewServiceRequest,
  type NewSubscription,
} from './build.js';
import {
  etagOf,
  patchSubscription,
  prng,
  runTermEnds,
  SimState,
  type SimChange,
  type SimCustomer,
  type SimInvoice,
  type SimServiceRequest,
  type SimSubscription,
} from './model.js';
import {
  collection,
  pcError,
  renderAzureEntitlements,
  renderBillingProfile,
  renderCustomer,
  renderInvoice,
  renderServiceRequest,
  renderSubscription,
} from './render.js';
import { DEMO_SEED, seedDemo } from './seed.js';

export type SimLog = Partial<Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>>;

export interface SimulatorOptions {
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** 'demo' (default) or 'empty' */
  seed?: 'demo' | 'empty';
  clock?: Clock;
  log?: SimLog;
  /** largest page the server returns (and the default when the client asks for none); default 500 */
  pageSize?: number;
  /** the simulator's own per-tenant limit, answered with 429 + Retry-After; default 500 per 60 s */
  rateLimit?: { requests: number; perMs: number };
  /** lifetime of issued access tokens; default 3600 s */
  tokenLifetimeSeconds?: number;
}

export interface FaultSpec {
  method?: string;
  /** exact path ("/v1/customers"), a prefix ending in "*" ("/v1/customers/*"), or a RegExp tried on path + query */
  path?: string | RegExp;
  /** answer with this status (default 200 when only `body` is given; none = delay only) */
  status?: 200 | 401 | 409 | 412 | 429 | 500 | 502 | 503 | 504 | number;
  /** how many matching requests it hits (default 1; Infinity = until cleared) */
  times?: number;
  retryAfterSeconds?: number;
  /** wait this long before answering (or before handling normally when no status/body): timeouts */
  delayMs?: number;
  /** raw body to send instead of the documented error body (e.g. malformed JSON) */
  body?: string;
  /** drop the connection without answering (the client sees ECONNRESET / "other side closed") */
  reset?: boolean;
}

export interface ActiveFault extends Omit<FaultSpec, 'path'> {
  id: string;
  path?: string;
  pathPattern?: string;
  remaining: number;
  hits: number;
}

export interface SimRequest {
  at: string;
  method: string;
  /** path and query */
  path: string;
  /** lower-cased header names */
  headers: Record<string, string>;
  body: string | null;
  /** the status answered; -1 when a fault dropped the connection, 0 while still pending */
  status: number;
  tenantId: string | null;
}

export interface SimPartnerInfo {
  tenantId: string;
  appId: string;
  secret: string;
  cloud: Cloud;
  name: string;
  mpnId: string;
  currency: string;
}

export interface WebhookDelivery {
  at: string;
  tenantId: string;
  eventName: string;
  url: string | null;
  body: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
}

export interface SimWebhookInfo {
  webhookUrl: string;
  webhookEvents: string[];
  secret: string;
}

export interface SimChangeSummary {
  customerId: string;
  subscriptionId: string;
  from: string;
  to: string;
  note: string;
}

export interface Simulator {
  readonly url: string;
  close(): Promise<void>;
  /** the simulator's current instant */
  now(): Date;
  /** Moves time forward (sets a TestClock, else offsets the clock) and runs term ends up to then. */
  advanceTo(at: Date | string): SimChangeSummary[];

  partners(): SimPartnerInfo[];
  /** Everything a client needs to talk to a seeded tenant here. */
  connectorConfig(tenantId: string, extra?: Partial<ConnectorConfig>): ConnectorConfig;
  addPartner(input?: NewPartner): SimPartnerInfo;
  addCustomer(tenantId: string, input: NewCustomer): SimCustomer;
  customers(tenantId?: string): SimCustomer[];
  getCustomer(customerId: string): SimCustomer | undefined;
  addSubscription(customerId: string, input?: NewSubscription): SimSubscription;
  subscriptions(customerId?: string): SimSubscription[];
  getSubscription(customerId: string, subscriptionId: string): SimSubscription | undefined;
  /** Changes a subscription behind the API's back (tests: renewal flags, dates, a concurrent edit). Bumps its ETag. */
  updateSubscription(customerId: string, subscriptionId: string, patch: Partial<Omit<SimSubscription, 'id' | 'customerId' | 'partnerTenantId'>>): SimSubscription;
  /** The provider stops listing a customer (relationship ended, transferred away), with its subscriptions. */
  removeCustomer(customerId: string): void;
  /** The provider stops listing one subscription. */
  removeSubscription(customerId: string, subscriptionId: string): void;
  setAzureEntitlementStatus(customerId: string, planSubscriptionId: string, entitlementId: string, status: string): void;
  addInvoice(tenantId: string, input?: NewInvoice): SimInvoice;
  invoices(tenantId?: string): SimInvoice[];
  addServiceRequest(tenantId: string, input: NewServiceRequest): SimServiceRequest;
  serviceRequests(tenantId?: string): SimServiceRequest[];
  getServiceRequest(id: string): SimServiceRequest | undefined;

  readonly faults: {
    inject(f: FaultSpec): string;
    clear(): void;
    list(): ActiveFault[];
  };
  /** Every issued token stops working (the API answers 401 until the client gets a new one). */
  expireTokens(): void;
  requests(filter?: { method?: string; path?: string | RegExp }): SimRequest[];
  clearRequests(): void;

  webhookRegistration(tenantId: string): SimWebhookInfo | null;
  /**
   * POSTs a webhook event to the tenant's registered URL with `Authorization: Signature <hex>`,
   * the HMAC-SHA256 of the raw body under the registration's Secret (see partner-center/webhooks.ts).
   */
  emit(tenantId: string, eventName: string, resourceUri?: string | null): Promise<WebhookDelivery>;
  webhookDeliveries(): WebhookDelivery[];
}

const MAX_BODY = 1_048_576;
const MAX_LOG = 5000;
const MAX_REPLAYS = 2000;

interface Reply {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** prefix the JSON with a byte-order mark (as some Partner Center responses do) */
  bom?: boolean;
}

class HttpFail extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function pick(o: unknown, name: string): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  const k = Object.keys(rec).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : rec[k];
}

const stripOrg = (id: string) => id.replace(/^org:/i, '').toLowerCase();

function normEtag(v: string): string {
  return v
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

function resourceNameOf(eventName: string): string {
  const e = eventName.toLowerCase();
  if (e.startsWith('subscription')) return 'subscription';
  if (e.startsWith('invoice')) return 'invoice';
  if (e.startsWith('test')) return 'test';
  if (e.startsWith('usagerecords')) return 'usagerecords';
  if (e.includes('customer') || e.startsWith('reseller')) return 'customer';
  if (e.startsWith('azure-fraud')) return 'fraudEvent';
  return e.split('-')[0] ?? e;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const baseClock = opts.clock ?? systemClock;
  let offsetMs = 0;
  const now = () => new Date(baseClock.now().getTime() + offsetMs);
  const log = opts.log;
  const pageSize = Math.max(1, opts.pageSize ?? 500);
  const rateLimit = opts.rateLimit ?? { requests: 500, perMs: 60_000 };
  const tokenLifetime = opts.tokenLifetimeSeconds ?? 3600;

  const state = new SimState();
  const rand = prng(opts.seed === 'empty' ? 1 : DEMO_SEED);
  if ((opts.seed ?? 'demo') === 'demo') seedDemo(state, rand, now());

  const tokens = new Map<string, { tenantId: string; expiresAtMs: number }>();
  const windows = new Map<string, number[]>();
  const faults: ActiveFault[] = [];
  const faultPatterns = new Map<string, RegExp>();
  const requestLog: SimRequest[] = [];
  const replays = new Map<string, Reply>();
  const deliveries: WebhookDelivery[] = [];
  const pendingEmits = new Set<Promise<unknown>>();
  let faultSeq = 0;
  let baseUrl = '';

  /* ---------------------------------------------------------------- time */

  function advanceTo(at: Date | string): SimChangeSummary[] {
    const target = new Date(at);
    if (Number.isNaN(target.getTime())) throw new RangeError(`invalid instant: ${String(at)}`);
    if (target.getTime() < now().getTime()) throw new RangeError(`the simulator only moves forward (now ${now().toISOString()})`);
    const settable = baseClock as Clock & { set?: (d: Date | string) => void };
    if (typeof settable.set === 'function') {
      settable.set(new Date(target.getTime() - offsetMs));
    } else {
      offsetMs = target.getTime() - baseClock.now().getTime();
    }
    return termEnds();
  }

  function summarize(changes: SimChange[]): SimChangeSummary[] {
    return changes.map((c) => ({ customerId: c.subscription.customerId, subscriptionId: c.subscription.id, from: c.from, to: c.to, note: c.note }));
  }

  function termEnds(): SimChangeSummary[] {
    const changes = runTermEnds(state, now());
    notifyChanges(changes);
    return summarize(changes);
  }

  /* ---------------------------------------------------------------- webhooks */

  async function emit(tenantId: string, eventName: string, resourceUri?: string | null): Promise<WebhookDelivery> {
    const reg = state.webhooks.get(tenantId.toLowerCase());
    const body = JSON.stringify({
      EventName: eventName,
      ResourceUri: resourceUri ?? null,
      ResourceName: resourceNameOf(eventName),
      AuditUri: null,
      ResourceChangeUtcDate: now().toISOString().replace('Z', '+00:00'),
    });
    const d: WebhookDelivery = { at: now().toISOString(), tenantId, eventName, url: reg?.webhookUrl ?? null, body, delivered: false, status: null, error: null };
    if (!reg) d.error = 'no webhook registration for this tenant';
    else if (reg.webhookEvents.length > 0 && !reg.webhookEvents.some((e) => e.toLowerCase() === eventName.toLowerCase())) d.error = 'event not registered';
    else {
      try {
        const res = await fetch(reg.webhookUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: webhookAuthorizationHeader(reg.secret, body) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
        d.status = res.status;
        d.delivered = res.ok;
        if (!res.ok) d.error = `receiver answered ${res.status}`;
      } catch (e) {
        d.error = e instanceof Error ? e.message : String(e);
      }
    }
    deliveries.push(d);
    log?.debug?.({ tenantId, eventName, delivered: d.delivered, status: d.status, error: d.error }, 'simulator webhook');
    return d;
  }

  function notifyChanges(changes: SimChange[]): void {
    for (const c of changes) {
      const s = c.subscription;
      const reg = state.webhooks.get(s.partnerTenantId);
      if (!reg) continue;
      if (reg.webhookEvents.length > 0 && !reg.webhookEvents.some((e) => e.toLowerCase() === 'subscription-updated')) continue;
      const p = emit(s.partnerTenantId, 'subscription-updated', `${baseUrl}/webhooks/v1/customers/${s.customerId}/subscriptions/${s.id}`).catch(() => undefined);
      pendingEmits.add(p);
      void p.finally(() => pendingEmits.delete(p));
    }
  }

  /** Expired tokens stay known (answered with 401, and requests still attributed to their tenant). */
  function expireAll(): void {
    for (const t of tokens.values()) t.expiresAtMs = 0;
  }

  /* ---------------------------------------------------------------- faults */

  function injectFault(f: FaultSpec): string {
    const id = `fault-${++faultSeq}`;
    const active: ActiveFault = {
      id,
      remaining: f.times === undefined || f.times === null ? 1 : f.times <= 0 ? Infinity : f.times,
      hits: 0,
    };
    if (f.method) active.method = f.method.toUpperCase();
    if (f.path instanceof RegExp) {
      faultPatterns.set(id, f.path);
      active.pathPattern = f.path.source;
    } else if (f.path) active.path = f.path;
    if (f.status !== undefined) active.status = f.status;
    if (f.retryAfterSeconds !== undefined) active.retryAfterSeconds = f.retryAfterSeconds;
    if (f.delayMs !== undefined) active.delayMs = f.delayMs;
    if (f.body !== undefined) active.body = f.body;
    if (f.reset) active.reset = true;
    faults.push(active);
    return id;
  }

  function matchFault(method: string, pathname: string, pathAndQuery: string): ActiveFault | null {
    for (const f of faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method !== method) continue;
      const re = faultPatterns.get(f.id);
      if (re && !re.test(pathAndQuery)) continue;
      if (f.path) {
        const want = f.path.replace(/\/+$/, '').toLowerCase();
        const have = pathname.replace(/\/+$/, '').toLowerCase();
        if (want.endsWith('*') ? !have.startsWith(want.slice(0, -1)) : want !== have) continue;
      }
      f.remaining--;
      f.hits++;
      return f;
    }
    return null;
  }

  function faultReply(f: ActiveFault): Reply | null {
    if (f.status === undefined && f.body === undefined) return null;
    const status = f.status ?? 200;
    const headers: Record<string, string> = {};
    if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
    if (f.body !== undefined) return { status, raw: f.body, headers };
    const bodies: Record<number, [string, string]> = {
      401: ['400', 'Access denied: the access token is invalid or has expired.'],
      409: ['800082', 'Subscription is not ready to be updated. Try again after sometime'],
      412: ['2055', 'Etag is no longer valid'],
      429: ['429', `Too many requests.${f.retryAfterSeconds !== undefined ? ` Retry after ${f.retryAfterSeconds} seconds.` : ''}`],
      500: ['800003', 'Unexpected service error'],
      502: ['502', 'Bad gateway'],
      503: ['503', 'Service unavailable'],
      504: ['504', 'Gateway timeout'],
    };
    const [code, description] = bodies[status] ?? [String(status), `Simulated HTTP ${status}`];
    return { status, body: pcError(code, description), headers };
  }

  /* ---------------------------------------------------------------- rate limit */

  function takeSlot(tenantId: string): number | null {
    const t = now().getTime();
    let w = windows.get(tenantId);
    if (!w) windows.set(tenantId, (w = []));
    while (w.length && w[0]! <= t - rateLimit.perMs) w.shift();
    if (w.length >= rateLimit.requests) return Math.max(1, Math.ceil((w[w.length - rateLimit.requests]! + rateLimit.perMs - t) / 1000));
    w.push(t);
    return null;
  }

  /* ---------------------------------------------------------------- paging */

  function pageToken(kind: string, offset: number, tenant: string): string {
    return Buffer.from(JSON.stringify({ k: kind, o: offset, t: tenant, n: randomBytes(3).toString('hex') })).toString('base64');
  }

  function page<T>(all: T[], kind: string, tenant: string, url: URL, req: IncomingMessage): { items: T[]; token: string | null; size: number } {
    const asked = Number(url.searchParams.get('size') ?? NaN);
    const size = Number.isInteger(asked) && asked > 0 ? Math.min(asked, pageSize) : pageSize;
    let offset = 0;
    const seek = (url.searchParams.get('seekOperation') ?? '').toLowerCase();
    if (seek === 'next' || seek === '1') {
      const header = req.headers['ms-continuationtoken'];
      const tok = Array.isArray(header) ? header[0] : header;
      if (!tok) throw new HttpFail(400, '800002', 'Invalid request input: seekOperation=Next needs an MS-ContinuationToken header');
      try {
        const p = JSON.parse(Buffer.from(tok, 'base64').toString('utf8')) as { k?: unknown; o?: unknown; t?: unknown };
        if (p.k !== kind || p.t !== tenant || typeof p.o !== 'number') throw new Error('wrong token');
        offset = p.o;
      } catch {
        throw new HttpFail(400, '800002', 'Invalid request input: the continuation token is not valid for this collection');
      }
    }
    const items = all.slice(offset, offset + size);
    const token = offset + size < all.length ? pageToken(kind, offset + size, tenant) : null;
    return { items, token, size };
  }

  /* ---------------------------------------------------------------- lookups */

  function customerFor(tenant: string, rawId: string): SimCustomer {
    const id = stripOrg(decodeURIComponent(rawId));
    const c = state.customers.get(id);
    if (!c) throw new HttpFail(404, '60003', `Tenant not found: ${id}`);
    if (c.partnerTenantId !== tenant) throw new HttpFail(403, '20002', `The partner ID ${tenant} has no commerce relationship with the customer ID ${id}.`);
    return c;
  }

  function subscriptionFor(c: SimCustomer, rawId: string): SimSubscription {
    const id = stripOrg(decodeURIComponent(rawId));
    const s = state.subscriptions.get(id);
    if (!s || s.customerId !== c.id) throw new HttpFail(404, '20003', `Subscription with ID ${id} not found.`);
    return s;
  }

  function invoiceFor(tenant: string, rawId: string): SimInvoice {
    const id = decodeURIComponent(rawId).replace(/^(Recurring|OneTime)-/i, '');
    const inv = state.invoices.find((i) => i.partnerTenantId === tenant && i.id.toLowerCase() === id.toLowerCase());
    if (!inv) throw new HttpFail(404, '1000', `Invoice ${id} not found`);
    return inv;
  }

  function serviceRequestFor(tenant: string, rawId: string): SimServiceRequest {
    const sr = state.serviceRequests.get(decodeURIComponent(rawId));
    if (!sr || sr.partnerTenantId !== tenant) throw new HttpFail(404, '1000', `Service request ${rawId} not found`);
    return sr;
  }

  function parseJsonBody(text: string): unknown {
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new HttpFail(400, '800002', 'Invalid request input: the body is not JSON');
    }
  }

  /* ---------------------------------------------------------------- token endpoint */

  function token(tenantSeg: string, bodyText: string): Reply {
    const form = new URLSearchParams(bodyText);
    const aad = (status: number, error: string, code: number, description: string): Reply => ({
      status,
      body: { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], timestamp: now().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
    });
    const partner = state.partners.get(decodeURIComponent(tenantSeg).toLowerCase());
    if (!partner) return aad(400, 'invalid_request', 90002, `Tenant '${tenantSeg}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') return aad(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== partner.appId) {
      return aad(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`);
    }
    if (form.get('client_secret') !== partner.secret) return aad(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    const scope = form.get('scope') ?? '';
    if (!/\/\.default$/.test(scope)) return aad(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid.`);
    const value = randomBytes(24).toString('base64url');
    tokens.set(value, { tenantId: partner.tenantId, expiresAtMs: now().getTime() + tokenLifetime * 1000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: tokenLifetime, ext_expires_in: tokenLifetime, access_token: value } };
  }

  /* ---------------------------------------------------------------- API routes */

  function route(method: string, url: URL, segs: string[], tenant: string, req: IncomingMessage, bodyText: string, requestId: string | null): Reply {
    const s = segs.map((x) => x.toLowerCase());
    const ok = (body: unknown, headers?: Record<string, string>): Reply => (headers ? { status: 200, body, headers } : { status: 200, body });

    if (s[0] === 'webhooks' && s[1] === 'v1' && s[2] === 'registration') {
      if (s.length === 3) {
        const current = state.webhooks.get(tenant);
        if (method === 'GET') {
          if (!current) throw new HttpFail(404, '1000', 'No webhook registration');
          return ok({ SubscriberId: tenant, WebhookUrl: current.webhookUrl, WebhookEvents: current.webhookEvents, LastModifiedTimestamp: current.lastModifiedTimestamp });
        }
        if (method === 'DELETE') {
          state.webhooks.delete(tenant);
          return { status: 204 };
        }
        if (method === 'POST' || method === 'PUT') {
          const body = parseJsonBody(bodyText);
          const webhookUrl = pick(body, 'webhookUrl');
          const events = pick(body, 'webhookEvents');
          if (typeof webhookUrl !== 'string' || !/^https?:\/\//i.test(webhookUrl)) throw new HttpFail(400, '800002', 'Invalid request input: WebhookUrl');
          const list = Array.isArray(events) ? events.filter((e): e is string => typeof e === 'string') : [];
          // PUT keeps the signing secret; POST (a new registration) issues a new one
          const secret = method === 'PUT' && current ? current.secret : randomBytes(32).toString('hex');
          const reg = { webhookUrl, webhookEvents: list, secret, lastModifiedTimestamp: now().toISOString() };
          state.webhooks.set(tenant, reg);
          return ok({ SubscriberId: tenant, WebhookUrl: reg.webhookUrl, WebhookEvents: reg.webhookEvents, LastModifiedTimestamp: reg.lastModifiedTimestamp, Secret: reg.secret });
        }
      }
      if (s.length === 4 && s[3] === 'validationevents' && method === 'POST') {
        const correlationId = randomUUID();
        const p = emit(tenant, 'test-created', `${baseUrl}/webhooks/v1/registration/validationEvents/${correlationId}`).catch(() => undefined);
        pendingEmits.add(p);
        void p.finally(() => pendingEmits.delete(p));
        return ok({ correlationId });
      }
      throw new HttpFail(404, '1000', 'Not found');
    }

    if (s[0] !== 'v1') throw new HttpFail(404, '1000', 'Not found');
    const rest = s.slice(1);
    const raw = segs.slice(1);

    // /v1/customers…
    if (rest[0] === 'customers') {
      if (rest.length === 1 && method === 'GET') {
        const all = state.customersOf(tenant);
        const p = page(all, 'customers', tenant, url, req);
        return ok(
          collection(
            p.items.map((c) => renderCustomer(c, { inList: true })),
            { continuationToken: p.token, selfUri: `/customers?size=${p.size}`, nextUri: p.token ? `/customers?size=${p.size}&seekOperation=Next` : null },
          ),
        );
      }
      const c = customerFor(tenant, raw[1]!);
      if (rest.length === 2 && method === 'GET') return ok(renderCustomer(c, { inList: false }));
      if (rest.length === 4 && rest[2] === 'profiles' && rest[3] === 'billing' && method === 'GET') {
        const body = renderBillingProfile(c);
        return ok(body, { ETag: String((body.attributes as { etag: string }).etag) });
      }
      if (rest[2] === 'servicerequests' && rest.length === 3 && method === 'GET') {
        const all = [...state.serviceRequests.values()].filter((x) => x.partnerTenantId === tenant && x.customerId === c.id);
        const p = page(all, `sr:${c.id}`, tenant, url, req);
        return {
          ...ok(collection(p.items.map((x) => renderServiceRequest(x, state, { inList: true })), { continuationToken: p.token, selfUri: `/customers/${c.id}/servicerequests`, nextUri: p.token ? `/customers/${c.id}/servicerequests?seekOperation=Next` : null })),
          bom: true,
        };
      }
      if (rest[2] === 'subscriptions') {
        if (rest.length === 3 && method === 'GET') {
          const all = state.subscriptionsOf(c.id);
          const p = page(all, `subs:${c.id}`, tenant, url, req);
          return ok(
            collection(
              p.items.map((x) => renderSubscription(x)),
              { continuationToken: p.token, selfUri: `/customers/${c.id}/subscriptions`, nextUri: p.token ? `/customers/${c.id}/subscriptions?seekOperation=Next` : null },
            ),
          );
        }
        const sub = subscriptionFor(c, raw[3]!);
        if (rest.length === 4 && method === 'GET') return ok(renderSubscription(sub), { ETag: etagOf(sub) });
        if (rest.length === 5 && rest[4] === 'azureentitlements' && method === 'GET') return ok(renderAzureEntitlements(sub));
        if (rest.length === 4 && method === 'PATCH') return patchSub(sub, req, bodyText, tenant, requestId, url.pathname);
      }
      throw new HttpFail(404, '1000', 'Not found');
    }

    // /v1/servicerequests…
    if (rest[0] === 'servicerequests') {
      if (rest.length === 1 && method === 'GET') {
        const all = [...state.serviceRequests.values()].filter((x) => x.partnerTenantId === tenant);
        const p = page(all, 'sr', tenant, url, req);
        return {
          ...ok(collection(p.items.map((x) => renderServiceRequest(x, state, { inList: true })), { continuationToken: p.token, selfUri: '/servicerequests', nextUri: p.token ? '/servicerequests?seekOperation=Next' : null })),
          bom: true,
        };
      }
      if (rest.length === 2) {
        const sr = serviceRequestFor(tenant, raw[1]!);
        if (method === 'GET') return ok(renderServiceRequest(sr, state, { inList: false }));
        if (method === 'PATCH') return patchServiceRequest(sr, bodyText, tenant, requestId, url.pathname);
      }
      // POST /v1/servicerequests/{culture}: decommissioned 2020-08-31 → not here either
      throw new HttpFail(404, '1000', 'Not found');
    }

    // /v1/invoices…
    if (rest[0] === 'invoices' && method === 'GET') {
      if (rest.length === 1) {
        const all = state.invoices.filter((i) => i.partnerTenantId === tenant);
        const p = page(all, 'invoices', tenant, url, req);
        return ok(collection(p.items.map((i) => renderInvoice(i, { inList: true })), { continuationToken: p.token, selfUri: '/invoices', nextUri: p.token ? '/invoices?seekOperation=Next' : null }));
      }
      const inv = invoiceFor(tenant, raw[1]!);
      if (rest.length === 2) return ok(renderInvoice(inv, { inList: false }));
      if (rest[2] === 'lineitems' && (rest.length === 3 || rest.length === 5)) {
        const provider = (rest.length === 5 ? rest[3]! : (url.searchParams.get('provider') ?? '').toLowerCase()).replace('one_time', 'onetime');
        const type = (rest.length === 5 ? rest[4]! : (url.searchParams.get('invoicelineitemtype') ?? '').toLowerCase()).replace(/_/g, '');
        if (!['office', 'azure', 'onetime'].includes(provider) || !['billinglineitems', 'usagelineitems'].includes(type)) {
          throw new HttpFail(400, '800002', 'Invalid request input: provider or invoicelineitemtype');
        }
        const all = inv.lineItems[`${provider}/${type}`] ?? [];
        const selfBase = `/invoices/${inv.id}/lineitems?provider=${provider}&invoicelineitemtype=${type}`;
        if (provider === 'onetime') {
          const p = page(all, `li:${inv.id}:${provider}:${type}`, tenant, url, req);
          return ok(collection(p.items, { continuationToken: p.token, selfUri: `${selfBase}&size=${p.size}`, nextUri: p.token ? `${selfBase}&size=${p.size}&seekOperation=Next` : null }));
        }
        // legacy: offset paging; next link like the samples (…&size=2&offset=2)
        const asked = Number(url.searchParams.get('size') ?? NaN);
        const size = Number.isInteger(asked) && asked > 0 ? Math.min(asked, pageSize) : pageSize;
        const offsetParam = Number(url.searchParams.get('offset') ?? 0);
        const offset = Number.isInteger(offsetParam) && offsetParam >= 0 ? offsetParam : 0;
        const items = all.slice(offset, offset + size);
        const more = offset + size < all.length;
        return ok(collection(items, { selfUri: `${selfBase}&size=${size}&offset=${offset}`, nextUri: more ? `${selfBase}&size=${size}&offset=${offset + size}` : null }));
      }
      throw new HttpFail(404, '1000', 'Not found');
    }
    throw new HttpFail(404, '1000', 'Not found');
  }

  function remember(key: string | null, reply: Reply): Reply {
    if (key && reply.status >= 200 && reply.status < 300) {
      if (replays.size >= MAX_REPLAYS) replays.delete(replays.keys().next().value!);
      replays.set(key, reply);
    }
    return reply;
  }

  function patchSub(sub: SimSubscription, req: IncomingMessage, bodyText: string, tenant: string, requestId: string | null, pathname: string): Reply {
    const key = requestId ? `${tenant}|PATCH|${pathname.toLowerCase()}|${requestId}` : null;
    const replay = key ? replays.get(key) : undefined;
    if (replay) return replay; // a retry of a call that already went through (MS-RequestId reused)
    const ifMatch = req.headers['if-match'];
    if (!ifMatch || normEtag(String(ifMatch)) !== etagOf(sub)) {
      throw new HttpFail(412, '2055', ifMatch ? 'Etag is no longer valid' : 'Precondition failed: If-Match with the current ETag is required');
    }
    const body = parseJsonBody(bodyText);
    const want: { status?: string; autoRenewEnabled?: boolean; quantity?: number } = {};
    const st = pick(body, 'status');
    if (typeof st === 'string') want.status = st.toLowerCase();
    const ar = pick(body, 'autoRenewEnabled');
    if (typeof ar === 'boolean') want.autoRenewEnabled = ar;
    const q = pick(body, 'quantity');
    if (typeof q === 'number' || (typeof q === 'string' && /^\d+$/.test(q))) want.quantity = Number(q);
    const result = patchSubscription(state, sub, want, now());
    if (!Array.isArray(result)) throw new HttpFail(result.status, result.code, result.description);
    notifyChanges(result);
    log?.info?.({ tenant, subscriptionId: sub.id, changes: summarize(result) }, 'simulator subscription patched');
    return remember(key, { status: 200, body: renderSubscription(sub), headers: { ETag: etagOf(sub) } });
  }

  function patchServiceRequest(sr: SimServiceRequest, bodyText: string, tenant: string, requestId: string | null, pathname: string): Reply {
    const key = requestId ? `${tenant}|PATCH|${pathname.toLowerCase()}|${requestId}` : null;
    const replay = key ? replays.get(key) : undefined;
    if (replay) return replay;
    const body = parseJsonBody(bodyText);
    const at = now().toISOString();
    const note = pick(body, 'newNote');
    const noteText = pick(note, 'text');
    let changed = false;
    if (typeof noteText === 'string' && noteText.trim()) {
      const by = pick(note, 'createdByName');
      sr.notes.push({ text: noteText, createdByName: typeof by === 'string' ? by : (state.partners.get(tenant)?.name ?? null), createdDate: at });
      changed = true;
    }
    const st = pick(body, 'status');
    const status = typeof st === 'string' ? st.toLowerCase() : typeof st === 'number' ? (['none', 'open', 'closed', 'attention_needed'][st] ?? 'none') : 'none';
    if (status !== 'none' && status !== sr.status) {
      if (!['open', 'closed', 'attention_needed'].includes(status)) throw new HttpFail(400, '800002', `Invalid request input: status ${status}`);
      sr.status = status;
      sr.lastClosedDate = status === 'closed' ? at : sr.lastClosedDate;
      changed = true;
    }
    if (!changed) throw new HttpFail(400, '800002', 'Invalid request input: nothing to update (NewNote.Text or Status)');
    sr.lastModifiedDate = at;
    return remember(key, { status: 200, body: renderServiceRequest(sr, state, { inList: false }) });
  }

  /* ---------------------------------------------------------------- control API (/_sim) */

  function control(method: string, segs: string[], bodyText: string): Reply {
    const what = segs[1]?.toLowerCase();
    const body = () => (bodyText.trim() ? parseJsonBody(bodyText) : {});
    if (what === 'faults') {
      if (method === 'GET') return { status: 200, body: faults.filter((f) => f.remaining > 0).map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : 'forever' })) };
      if (method === 'DELETE') {
        faults.length = 0;
        faultPatterns.clear();
        return { status: 204 };
      }
      if (method === 'POST') {
        const b = body() as Record<string, unknown>;
        const spec: FaultSpec = {};
        if (typeof b.method === 'string') spec.method = b.method;
        if (typeof b.path === 'string') spec.path = b.path;
        if (typeof b.pathPattern === 'string') spec.path = new RegExp(b.pathPattern, 'i');
        if (typeof b.status === 'number') spec.status = b.status;
        if (typeof b.times === 'number') spec.times = b.times;
        if (b.times === null || b.times === 'forever') spec.times = Infinity;
        if (typeof b.retryAfterSeconds === 'number') spec.retryAfterSeconds = b.retryAfterSeconds;
        if (typeof b.delayMs === 'number') spec.delayMs = b.delayMs;
        if (typeof b.body === 'string') spec.body = b.body;
        if (b.reset === true) spec.reset = true;
        if (spec.status === undefined && spec.body === undefined && spec.delayMs === undefined && !spec.reset) {
          throw new HttpFail(400, '800002', 'a fault needs status, body, delayMs or reset');
        }
        return { status: 201, body: { id: injectFault(spec) } };
      }
    }
    if (what === 'expire-tokens' && method === 'POST') {
      expireAll();
      return { status: 204 };
    }
    if (what === 'advance' && method === 'POST') {
      const to = (body() as Record<string, unknown>).to;
      if (typeof to !== 'string') throw new HttpFail(400, '800002', 'body: {"to": "<ISO instant>"}');
      try {
        return { status: 200, body: { now: to, changes: advanceTo(to) } };
      } catch (e) {
        throw new HttpFail(400, '800002', (e as Error).message);
      }
    }
    if (what === 'emit' && method === 'POST') {
      const b = body() as Record<string, unknown>;
      if (typeof b.tenantId !== 'string' || typeof b.eventName !== 'string') throw new HttpFail(400, '800002', 'body: {"tenantId", "eventName", "resourceUri"?}');
      const p = emit(b.tenantId, b.eventName, typeof b.resourceUri === 'string' ? b.resourceUri : null);
      pendingEmits.add(p);
      void p.finally(() => pendingEmits.delete(p));
      return { status: 202, body: { queued: true } };
    }
    if (what === 'partners' && method === 'GET') return { status: 200, body: sim.partners() };
    if (what === 'requests' && method === 'GET') return { status: 200, body: requestLog };
    if (what === 'now' && method === 'GET') return { status: 200, body: { now: now().toISOString() } };
    throw new HttpFail(404, '1000', 'Not found');
  }

  /* ---------------------------------------------------------------- HTTP plumbing */

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new HttpFail(413, '800002', 'Request body too large'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function send(res: ServerResponse, reply: Reply, req: IncomingMessage): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = {
      'MS-RequestId': String(req.headers['ms-requestid'] ?? randomUUID()),
      'MS-CorrelationId': String(req.headers['ms-correlationid'] ?? randomUUID()),
      ...reply.headers,
    };
    let payload = '';
    if (reply.raw !== undefined) payload = reply.raw;
    else if (reply.body !== undefined) payload = (reply.bom ? '\uFEFF' : '') + JSON.stringify(reply.body);
    if (payload) headers['Content-Type'] = 'application/json; charset=utf-8';
    if (reply.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="partnercenter-simulator"';
    try {
      res.writeHead(reply.status, headers);
      res.end(payload);
    } catch {
      // the client went away (e.g. it timed out while a fault delayed us)
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const segs = url.pathname.split('/').filter(Boolean);
    let entry: SimRequest | null = null;
    const reply = (r: Reply) => {
      if (entry) entry.status = r.status;
      send(res, r, req);
    };
    try {
      const bodyText = await readBody(req);
      if (segs[0] === '_sim') return reply(control(method, segs, bodyText));
      entry = {
        at: now().toISOString(),
        method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')])),
        body: bodyText || null,
        status: 0,
        tenantId: null,
      };
      requestLog.push(entry);
      if (requestLog.length > MAX_LOG) requestLog.shift();
      const isTokenCall = method === 'POST' && segs.length === 4 && segs[1] === 'oauth2' && segs[2] === 'v2.0' && segs[3] === 'token';
      const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      // whose request this is, even when a fault answers before authentication
      entry.tenantId = isTokenCall ? decodeURIComponent(segs[0]!).toLowerCase() : bearer ? (tokens.get(bearer)?.tenantId ?? null) : null;

      const fault = matchFault(method, url.pathname, url.pathname + url.search);
      if (fault) {
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.reset) {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        const fr = faultReply(fault);
        if (fr) return reply(fr);
      }
      termEnds();

      if (isTokenCall) return reply(token(segs[0]!, bodyText));

      if (!bearer) return reply({ status: 401, body: pcError('800001', 'Partner Token missing in request context') });
      const tok = tokens.get(bearer);
      if (!tok || tok.expiresAtMs <= now().getTime()) {
        return reply({ status: 401, body: pcError('400', 'Access denied: the access token is invalid or has expired.') });
      }
      entry.tenantId = tok.tenantId;
      const wait = takeSlot(tok.tenantId);
      if (wait !== null) {
        return reply({
          status: 429,
          body: pcError('429', `Rate limit of ${rateLimit.requests} requests per ${rateLimit.perMs / 1000} seconds per tenant exceeded. Retry after ${wait} seconds.`),
          headers: { 'Retry-After': String(wait) },
        });
      }
      const requestId = req.headers['ms-requestid'] ? String(req.headers['ms-requestid']) : null;
      return reply(route(method, url, segs, tok.tenantId, req, bodyText, requestId));
    } catch (e) {
      if (e instanceof HttpFail) return reply({ status: e.status, body: pcError(e.code, e.description) });
      log?.error?.({ err: e, method, path: url.pathname }, 'simulator failure');
      return reply({ status: 500, body: pcError('800003', 'Unexpected service error') });
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  log?.info?.({ url: baseUrl, seed: opts.seed ?? 'demo', partners: state.partners.size, customers: state.customers.size }, 'simulator listening');

  const copy = <T>(x: T): T => structuredClone(x);
  const info = (tenantId: string): SimPartnerInfo => {
    const p = state.partners.get(tenantId)!;
    return { tenantId: p.tenantId, appId: p.appId, secret: p.secret, cloud: p.cloud, name: p.name, mpnId: p.mpnId, currency: p.currency };
  };
  const liveSub = (customerId: string, subscriptionId: string): SimSubscription => {
    const s = state.subscriptions.get(stripOrg(subscriptionId));
    if (!s || s.customerId !== stripOrg(customerId)) throw new Error(`no subscription ${subscriptionId} for customer ${customerId}`);
    return s;
  };

  const sim: Simulator = {
    url: baseUrl,
    async close() {
      await Promise.allSettled([...pendingEmits]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      log?.info?.({ url: baseUrl }, 'simulator stopped');
    },
    now,
    advanceTo,
    partners: () => [...state.partners.keys()].map(info),
    connectorConfig(tenantId, extra = {}) {
      const p = state.partners.get(tenantId.toLowerCase());
      if (!p) throw new Error(`unknown partner tenant ${tenantId}`);
      return {
        apiBaseUrl: baseUrl,
        tokenAuthority: baseUrl,
        scope: CLOUD_DEFAULTS[p.cloud].scope,
        partnerTenantId: p.tenantId,
        appId: p.appId,
        secret: p.secret,
        ...extra,
      };
    },
    addPartner: (input = {}) => info(buildPartner(state, rand, input).tenantId),
    addCustomer: (tenantId, input) => copy(buildCustomer(state, rand, tenantId.toLowerCase(), input)),
    customers: (tenantId) => copy([...state.customers.values()].filter((c) => !tenantId || c.partnerTenantId === tenantId.toLowerCase())),
    getCustomer: (id) => {
      const c = state.customers.get(stripOrg(id));
      return c ? copy(c) : undefined;
    },
    addSubscription: (customerId, input = {}) => copy(buildSubscription(state, rand, now(), stripOrg(customerId), input)),
    subscriptions: (customerId) => copy([...state.subscriptions.values()].filter((s) => !customerId || s.customerId === stripOrg(customerId))),
    getSubscription: (customerId, subscriptionId) => {
      const s = state.subscriptions.get(stripOrg(subscriptionId));
      return s && s.customerId === stripOrg(customerId) ? copy(s) : undefined;
    },
    updateSubscription(customerId, subscriptionId, patch) {
      const s = liveSub(customerId, subscriptionId);
      Object.assign(s, patch);
      s.version++;
      s.history.push({ at: now().toISOString(), change: `changed by the simulator API: ${Object.keys(patch).join(', ')}` });
      return copy(s);
    },
    removeCustomer(customerId) {
      const id = stripOrg(customerId);
      if (!state.customers.delete(id)) throw new Error(`no customer ${customerId}`);
      for (const s of [...state.subscriptions.values()]) if (s.customerId === id) state.subscriptions.delete(s.id);
    },
    removeSubscription(customerId, subscriptionId) {
      state.subscriptions.delete(liveSub(customerId, subscriptionId).id);
    },
    setAzureEntitlementStatus(customerId, planSubscriptionId, entitlementId, status) {
      const s = liveSub(customerId, planSubscriptionId);
      const e = s.azureEntitlements.find((x) => x.id === entitlementId.toLowerCase());
      if (!e) throw new Error(`no Azure subscription ${entitlementId} under ${planSubscriptionId}`);
      e.status = status;
    },
    addInvoice: (tenantId, input = {}) => copy(buildInvoice(state, rand, now(), tenantId.toLowerCase(), input)),
    invoices: (tenantId) => copy(state.invoices.filter((i) => !tenantId || i.partnerTenantId === tenantId.toLowerCase())),
    addServiceRequest: (tenantId, input) => copy(buildServiceRequest(state, rand, now(), tenantId.toLowerCase(), input)),
    serviceRequests: (tenantId) => copy([...state.serviceRequests.values()].filter((x) => !tenantId || x.partnerTenantId === tenantId.toLowerCase())),
    getServiceRequest: (id) => {
      const x = state.serviceRequests.get(id);
      return x ? copy(x) : undefined;
    },
    faults: {
      inject: injectFault,
      clear() {
        faults.length = 0;
        faultPatterns.clear();
      },
      list: () => copy(faults.filter((f) => f.remaining > 0)),
    },
    expireTokens: expireAll,
    requests(filter) {
      return requestLog
        .filter((r) => !filter?.method || r.method === filter.method.toUpperCase())
        .filter((r) => {
          if (!filter?.path) return true;
          if (filter.path instanceof RegExp) return filter.path.test(r.path);
          return r.path.split('?')[0]!.toLowerCase() === filter.path.toLowerCase();
        })
        .map((r) => ({ ...r, headers: { ...r.headers } }));
    },
    clearRequests() {
      requestLog.length = 0;
    },
    webhookRegistration(tenantId) {
      const reg = state.webhooks.get(tenantId.toLowerCase());
      return reg ? { webhookUrl: reg.webhookUrl, webhookEvents: [...reg.webhookEvents], secret: reg.secret } : null;
    },
    emit: (tenantId, eventName, resourceUri) => emit(tenantId.toLowerCase(), eventName, resourceUri),
    webhookDeliveries: () => copy(deliveries),
  };
  return sim;
}
