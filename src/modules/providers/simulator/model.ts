/**
 * The simulator's state and the documented lifecycle rules it enforces
 * (subscription-lifecycle.md, developer_error-codes.md, reference README "facts"):
 *
 * - suspend / reactivate only through a PATCH of the full resource with a matching If-Match;
 * - legacy: suspension stops the partner's billing; new commerce (NCE): the partner keeps being
 *   billed and auto-renew is switched off;
 * - add-ons (parentSubscriptionId) follow their base on suspend and on reactivate; an add-on cannot
 *   be reactivated while its base is not active (409, 27009);
 * - term end: auto-renewing subscriptions renew; an NCE subscription still suspended becomes
 *   "disabled", a legacy one "deleted"; an active one without auto-renew expires (NCE) or is
 *   deleted (legacy). Disabled, expired and deleted subscriptions cannot be changed;
 * - inside the last 24 h before its term end (or while flagged) a subscription is being renewed
 *   and answers 409 (800082);
 * - an Azure plan with active Azure subscriptions cannot be suspended (403, 900115);
 * - quantity cannot change on a suspended subscription (400, 800091) nor together with a
 *   suspension (400, 2001).
 *
 * Simplification: a term ends at the commitmentEndDate instant (Partner Center: end of that day).
 */
import { createHash } from 'node:crypto';
import type { Cloud, Commerce } from '../connector.js';

/* ------------------------------------------------------------------ deterministic randomness */

/** mulberry32: a small seeded PRNG, so demo data and generated ids are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function guidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  const v = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${v}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/* ------------------------------------------------------------------ state */

export interface SimPartner {
  tenantId: string;
  appId: string;
  secret: string;
  cloud: Cloud;
  name: string;
  mpnId: string;
  currency: string;
  /** indirect resellers selling through this partner: MPN id and name */
  resellers: { mpnId: string; name: string }[];
}

export interface SimAddress {
  country: string;
  region: string | null;
  city: string;
  postalCode: string;
  addressLine1: string;
}

export interface SimCustomer {
  id: string;
  partnerTenantId: string;
  domain: string;
  companyName: string;
  culture: string;
  language: string;
  email: string;
  firstName: string;
  lastName: string;
  phoneNumber: string | null;
  address: SimAddress;
  /** MPN id of the indirect reseller of record; null for direct customers */
  resellerPartnerId: string | null;
  billingVersion: number;
  quirks: { orgPrefix?: boolean; integerRelationship?: boolean };
}

export interface SimAzureEntitlement {
  id: string;
  friendlyName: string;
  status: string;
}

export interface SimSubscription {
  id: string;
  customerId: string;
  partnerTenantId: string;
  offerId: string;
  offerName: string;
  friendlyName: string;
  commerce: Commerce;
  quantity: number;
  unitType: string;
  billingType: string;
  billingCycle: string;
  termDuration: string | null;
  status: string;
  autoRenewEnabled: boolean;
  creationDate: string;
  effectiveStartDate: string;
  /** null: no term (Azure plan), rendered as the far-future sentinel */
  commitmentEndDate: string | null;
  parentSubscriptionId: string | null;
  suspensionReasons: string[];
  orderId: string;
  resellerPartnerId: string | null;
  azurePlan: boolean;
  azureEntitlements: SimAzureEntitlement[];
  /** answers 409 (800082) to every PATCH while set */
  renewalInProgress: boolean;
  /** whether the partner is billed for it now (legacy suspended: no; NCE suspended: yes) */
  partnerBilled: boolean;
  /** bumped on every change; the ETag derives from it */
  version: number;
  /** set on an add-on suspended because its base was: its auto-renew before, restored on reactivation */
  followedParent: { autoRenewEnabled: boolean } | null;
  /** monthly list price per unit in the partner's currency (decimal text), for invoice lines */
  unitPrice: string;
  quirks: { pascalCase?: boolean; quantityAsString?: boolean };
  history: { at: string; change: string }[];
}

export interface SimInvoice {
  id: string;
  partnerTenantId: string;
  invoiceDate: string;
  billingPeriodStartDate: string;
  billingPeriodEndDate: string;
  totalCharges: string;
  paidAmount: string;
  currencyCode: string;
  currencySymbol: string;
  invoiceType: 'Recurring' | 'OneTime';
  documentType: string;
  /** line items by "provider/type": office/billinglineitems, azure/billinglineitems, azure/usagelineitems, onetime/billinglineitems */
  lineItems: Record<string, Record<string, unknown>[]>;
  quirks: { amountsAsStrings?: boolean };
}

export interface SimNote {
  text: string;
  createdByName: string | null;
  createdDate: string;
}

export interface SimServiceRequest {
  id: string;
  partnerTenantId: string;
  customerId: string | null;
  title: string;
  description: string;
  severity: string;
  status: string;
  supportTopicId: string;
  supportTopicName: string;
  productName: string | null;
  createdDate: string;
  lastModifiedDate: string;
  lastClosedDate: string | null;
  countryCode: string;
  notes: SimNote[];
}

export interface SimWebhookRegistration {
  webhookUrl: string;
  webhookEvents: string[];
  secret: string;
  lastModifiedTimestamp: string;
}

export class SimState {
  readonly partners = new Map<string, SimPartner>();
  readonly customers = new Map<string, SimCustomer>();
  readonly subscriptions = new Map<string, SimSubscription>();
  readonly invoices: SimInvoice[] = [];
  readonly serviceRequests = new Map<string, SimServiceRequest>();
  readonly webhooks = new Map<string, SimWebhookRegistration>();

  customersOf(tenantId: string): SimCustomer[] {
    return [...this.customers.values()].filter((c) => c.partnerTenantId === tenantId);
  }

  subscriptionsOf(customerId: string): SimSubscription[] {
    return [...this.subscriptions.values()].filter((s) => s.customerId === customerId);
  }

  addOnsOf(sub: SimSubscription): SimSubscription[] {
    return [...this.subscriptions.values()].filter((s) => s.parentSubscriptionId === sub.id && s.customerId === sub.customerId);
  }
}

export function etagOf(sub: Pick<SimSubscription, 'id' | 'version'>): string {
  return createHash('sha256').update(`${sub.id}:${sub.version}`).digest('base64url').slice(0, 32);
}

export function billingEtagOf(c: Pick<SimCustomer, 'id' | 'billingVersion'>): string {
  return createHash('sha256').update(`bp:${c.id}:${c.billingVersion}`).digest('base64url').slice(0, 32);
}

/* ------------------------------------------------------------------ dates */

export function addTerm(iso: string, term: string | null): string {
  const m = /^P(\d+)([MY])$/i.exec(term ?? 'P1Y') ?? ['', '1', 'Y'];
  const months = Number(m[1]) * (m[2]!.toUpperCase() === 'Y' ? 12 : 1);
  return addMonths(new Date(iso), months).toISOString();
}

export function addMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + months;
  const day = d.getUTCDate();
  const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, mo, Math.min(day, lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

export const DAY_MS = 86_400_000;
export const RENEWAL_WINDOW_MS = DAY_MS;

/* ------------------------------------------------------------------ rules */

export interface SimFailure {
  status: number;
  code: string;
  description: string;
}

export interface SimChange {
  subscription: SimSubscription;
  from: string;
  to: string;
  note: string;
}

export function inRenewalWindow(sub: SimSubscription, now: Date): boolean {
  if (sub.renewalInProgress) return true;
  if (!sub.commitmentEndDate) return false;
  const left = new Date(sub.commitmentEndDate).getTime() - now.getTime();
  return left > 0 && left <= RENEWAL_WINDOW_MS;
}

function touch(sub: SimSubscription, now: Date, change: string): void {
  sub.version++;
  sub.history.push({ at: now.toISOString(), change });
}

function suspendOne(sub: SimSubscription, now: Date, followed: boolean): void {
  const before = sub.autoRenewEnabled;
  sub.status = 'suspended';
  sub.suspensionReasons = ['PartnerInitiated'];
  if (sub.commerce === 'nce') {
    sub.autoRenewEnabled = false; // NCE: auto-renew off, partner still billed
    sub.partnerBilled = true;
  } else {
    sub.partnerBilled = false; // legacy: not billed while suspended
  }
  sub.followedParent = followed ? { autoRenewEnabled: before } : null;
  touch(sub, now, followed ? 'suspended with its base subscription' : 'suspended');
}

function reactivateOne(sub: SimSubscription, now: Date, autoRenewEnabled: boolean | undefined, followed: boolean): void {
  sub.status = 'active';
  sub.suspensionReasons = [];
  sub.partnerBilled = true;
  if (autoRenewEnabled !== undefined) sub.autoRenewEnabled = autoRenewEnabled;
  sub.followedParent = null;
  touch(sub, now, followed ? 'reactivated with its base subscription' : 'reactivated');
}

export interface DesiredChange {
  status?: string;
  autoRenewEnabled?: boolean;
  quantity?: number;
}

/**
 * Applies a PATCH of a subscription (already authorized and ETag-checked). Returns the changed
 * subscriptions (the subscription first, then its add-ons) or the documented failure.
 */
export function patchSubscription(state: SimState, sub: SimSubscription, want: DesiredChange, now: Date): SimChange[] | SimFailure {
  if (sub.status === 'deleted') return { status: 400, code: '2011', description: `Subscription with ID ${sub.id} and deleted status can't be updated.` };
  if (sub.status === 'disabled' || sub.status === 'expired') {
    return { status: 400, code: '900279', description: 'Update operations are no longer allowed for this subscription.' };
  }
  if (sub.status === 'pending') return { status: 409, code: '800082', description: 'Subscription is not ready to be updated. Try again after sometime' };
  if (sub.status !== 'active' && sub.status !== 'suspended') return { status: 400, code: '800096', description: "Can't update the status for this subscription" };
  if (inRenewalWindow(sub, now)) {
    return { status: 409, code: '800082', description: 'Subscription is not ready to be updated. Try again after sometime' };
  }
  const target = want.status ?? sub.status;
  if (target !== 'active' && target !== 'suspended') {
    return { status: 400, code: '800002', description: `Invalid request input: status "${target}" is not supported by this operation` };
  }
  const quantityChange = want.quantity !== undefined && want.quantity !== sub.quantity;
  const autoRenewChange = want.autoRenewEnabled !== undefined && want.autoRenewEnabled !== sub.autoRenewEnabled;
  if (quantityChange) {
    if (sub.status === 'suspended') return { status: 400, code: '800091', description: "Can't update a subscription with suspended status" };
    if (target === 'suspended') {
      return { status: 400, code: '2001', description: "Subscription quantity can't be increased or decreased while subscription is being suspended" };
    }
    if (!Number.isInteger(want.quantity) || want.quantity! < 1) {
      return { status: 400, code: '2002', description: "Subscription quantity isn't within minimum and maximum allowed quantity" };
    }
  }

  const changes: SimChange[] = [];
  const from = sub.status;
  if (sub.status === 'suspended' && target === 'suspended') {
    if (autoRenewChange) return { status: 400, code: '800091', description: "Can't update a subscription with suspended status" };
    return changes; // nothing to do
  }
  if (sub.status === 'active' && target === 'suspended') {
    if (sub.azurePlan && sub.azureEntitlements.some((e) => e.status === 'active')) {
      return {
        status: 403,
        code: '900115',
        description: 'Azure plan can’t be moved to suspended state since you have one or more Azure Subscriptions in the active state',
      };
    }
    suspendOne(sub, now, false);
    changes.push({ subscription: sub, from, to: sub.status, note: 'suspended' });
    for (const addOn of state.addOnsOf(sub)) {
      if (addOn.status !== 'active') continue;
      suspendOne(addOn, now, true);
      changes.push({ subscription: addOn, from: 'active', to: 'suspended', note: 'add-on followed its base' });
    }
    return changes;
  }
  if (sub.status === 'suspended' && target === 'active') {
    if (sub.parentSubscriptionId) {
      const parent = state.subscriptions.get(sub.parentSubscriptionId);
      if (parent && parent.status !== 'active') {
        return { status: 409, code: '27009', description: 'can’t enable a child subscription, when the parent subscription isn’t Active' };
      }
    }
    reactivateOne(sub, now, want.autoRenewEnabled, false);
    changes.push({ subscription: sub, from, to: 'active', note: 'reactivated' });
    for (const addOn of state.addOnsOf(sub)) {
      if (addOn.status !== 'suspended' || !addOn.followedParent) continue;
      reactivateOne(addOn, now, addOn.followedParent.autoRenewEnabled, true);
      changes.push({ subscription: addOn, from: 'suspended', to: 'active', note: 'add-on followed its base' });
    }
    return changes;
  }
  // active → active: quantity and auto-renew
  if (quantityChange || autoRenewChange) {
    if (quantityChange) sub.quantity = want.quantity!;
    if (autoRenewChange) sub.autoRenewEnabled = want.autoRenewEnabled!;
    touch(sub, now, [quantityChange ? `quantity ${sub.quantity}` : '', autoRenewChange ? `autoRenew ${sub.autoRenewEnabled}` : ''].filter(Boolean).join(', '));
    changes.push({ subscription: sub, from, to: sub.status, note: 'updated' });
  }
  return changes;
}

/** Runs every term end up to `now`: renewals, expiries, NCE suspended → disabled, legacy suspended → deleted. */
export function runTermEnds(state: SimState, now: Date): SimChange[] {
  const changes: SimChange[] = [];
  const nowMs = now.getTime();
  for (const sub of state.subscriptions.values()) {
    if (!sub.commitmentEndDate || sub.azurePlan) continue;
    if (new Date(sub.commitmentEndDate).getTime() > nowMs) continue;
    const from = sub.status;
    if (sub.status === 'active' && sub.autoRenewEnabled) {
      let end = sub.commitmentEndDate;
      while (new Date(end).getTime() <= nowMs) end = addTerm(end, sub.termDuration);
      sub.commitmentEndDate = end;
      sub.renewalInProgress = false;
      touch(sub, now, `renewed until ${end}`);
      changes.push({ subscription: sub, from, to: 'active', note: 'renewed' });
    } else if (sub.status === 'active') {
      sub.status = sub.commerce === 'nce' ? 'expired' : 'deleted';
      sub.partnerBilled = false;
      touch(sub, now, `term ended without auto-renew: ${sub.status}`);
      changes.push({ subscription: sub, from, to: sub.status, note: 'term ended' });
    } else if (sub.status === 'suspended') {
      sub.status = sub.commerce === 'nce' ? 'disabled' : 'deleted';
      sub.autoRenewEnabled = false;
      sub.partnerBilled = false;
      sub.followedParent = null;
      touch(sub, now, `still suspended at term end: ${sub.status}`);
      changes.push({ subscription: sub, from, to: sub.status, note: 'suspended at term end' });
    }
  }
  return changes;
}
