import { sql } from 'kysely';
import { timingSafeEqual } from 'node:crypto';
import { AppError, notFound } from '../../core/errors.js';
import { newId, sha256Hex } from '../../core/ids.js';
import type { Deps } from '../../deps.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import { findAccount } from './accounts.repo.js';

/**
 * Partner Center webhook events, authenticated by the per-account key in the registered URL.
 * Each event is stored once (dedup on name, resource and change time) and turned into work in
 * the same transaction: an outbox effect to re-sync the customer, a fraud-review flag, or a
 * pending item for the module that handles it.
 */
export const SYNC_CUSTOMER_EFFECT = 'provider.sync_customer';
/** invoice-ready: fetch the invoice and import its line items (provider-billing/sync-invoices.ts) */
export const SYNC_INVOICES_EFFECT = 'provider_billing.sync_invoices';

export interface WebhookEvent {
  EventName: string;
  ResourceUri?: string | null;
  ResourceName?: string | null;
  AuditUri?: string | null;
  ResourceChangeUtcDate?: string | null;
}

export interface WebhookResult {
  eventId: string;
  duplicate: boolean;
  state: 'received' | 'handled' | 'ignored' | 'pending';
  note: string | null;
}

function keyMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `…/customers/{customerId}/subscriptions/{subscriptionId}` → ids (org: prefixes dropped). */
export function parseSubscriptionUri(uri: string | null | undefined): { customerId: string; subscriptionId: string } | null {
  const m = /\/customers\/(?:org:)?([^/?#]+)\/subscriptions\/([^/?#]+)/i.exec(uri ?? '');
  return m ? { customerId: decodeURIComponent(m[1]!), subscriptionId: decodeURIComponent(m[2]!) } : null;
}

/** `…/invoices/{invoiceId}` → the invoice id (G012345678), if the uri names one. */
export function parseInvoiceUri(uri: string | null | undefined): string | null {
  const m = /\/invoices\/([^/?#]+)/i.exec(uri ?? '');
  return m ? decodeURIComponent(m[1]!) : null;
}

export function parseFraudUri(uri: string | null | undefined): string | null {
  const m = /[?&]SubscriptionId=([^&#]+)/i.exec(uri ?? '');
  return m ? decodeURIComponent(m[1]!) : null;
}

export async function receiveWebhook(deps: Deps, accountId: string, key: string | undefined, event: WebhookEvent): Promise<WebhookResult> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('provider_account', accountId);
  if (!account.webhookSecretEnc || !keyMatches(deps.secrets.decrypt(account.webhookSecretEnc), key)) {
    throw new AppError('unauthenticated', 'providers.webhook_unauthenticated');
  }
  const actor: Actor = { type: 'system', id: null, label: `webhook:${account.name}` };
  const dedupKey = sha256Hex([account.id, event.EventName, event.ResourceUri ?? '', event.ResourceChangeUtcDate ?? ''].join('\n'));
  return runUseCase(deps, actor, async (ctx) => {
    const prior = await ctx.trx.selectFrom('provider_events').select(['id', 'state', 'note']).where('dedup_key', '=', dedupKey).executeTakeFirst();
    if (prior) return { eventId: prior.id, duplicate: true, state: prior.state, note: prior.note };
    const id = newId('pev');
    let state: WebhookResult['state'] = 'handled';
    let note: string | null = null;
    switch (event.EventName) {
      case 'subscription-updated': {
        const ids = parseSubscriptionUri(event.ResourceUri);
        if (!ids) {
          state = 'pending';
          note = 'resource uri without customer/subscription';
          break;
        }
        await ctx.enqueue({ effect: SYNC_CUSTOMER_EFFECT, payload: { accountId: account.id, tenantId: ids.customerId, eventId: id }, idempotencyKey: `sync:${id}` });
        note = `re-sync customer ${ids.customerId}`;
        break;
      }
      case 'azure-fraud-event-detected': {
        const azureSub = parseFraudUri(event.ResourceUri);
        const hit = azureSub
          ? await ctx.trx
              .selectFrom('subscriptions as s')
              .innerJoin('customers as c', 'c.id', 's.customer_id')
              .select(['c.id', 'c.fraud_review_at'])
              .where('c.provider_account_id', '=', account.id)
              .where((eb) =>
                eb.or([
                  sql<boolean>`lower(s.provider_subscription_id) = lower(${azureSub})`,
                  // an Azure subscription under the customer's Azure plan (synced entitlements)
                  sql<boolean>`s.azure_entitlements @> ${JSON.stringify([{ id: azureSub.toLowerCase() }])}::jsonb`,
                ]),
              )
              .executeTakeFirst()
          : undefined;
        if (!hit) {
          state = 'pending';
          note = `no customer found for Azure subscription ${azureSub ?? '?'}`;
          break;
        }
        // flagged for a person to review; nothing is suspended automatically
        if (!hit.fraud_review_at) {
          await ctx.trx.updateTable('customers').set({ fraud_review_at: ctx.now, fraud_review_note: `azure-fraud-event-detected: ${azureSub}`, updated_at: ctx.now }).where('id', '=', hit.id).execute();
          await ctx.audit({ action: 'customer.fraud_review_flagged', entityType: 'customer', entityId: hit.id, after: { source: 'azure-fraud-event-detected', azureSubscriptionId: azureSub } });
        }
        note = `customer ${hit.id} flagged for fraud review`;
        break;
      }
      case 'invoice-ready': {
        // the new invoice is fetched and its line items imported by the outbox (retried on failure)
        const invoiceNumber = parseInvoiceUri(event.ResourceUri);
        await ctx.enqueue({ effect: SYNC_INVOICES_EFFECT, payload: { accountId: account.id, invoiceNumber, eventId: id }, idempotencyKey: `invoices:${id}` });
        note = invoiceNumber ? `import invoice ${invoiceNumber}` : 'import new invoices';
        break;
      }
      case 'usagerecords-thresholdExceeded':
        state = 'pending';
        note = 'usage threshold exceeded: review usage';
        break;
      case 'test-created':
        note = 'test event';
        break;
      default:
        state = 'ignored';
        note = `unknown event ${event.EventName}`;
    }
    await ctx.trx
      .insertInto('provider_events')
      .values({
        id,
        provider_account_id: account.id,
        event_name: event.EventName,
        resource_uri: event.ResourceUri ?? null,
        resource_change_at: event.ResourceChangeUtcDate ?? null,
        payload: JSON.stringify(event),
        state,
        note,
        received_at: ctx.now,
        dedup_key: dedupKey,
      })
      .execute();
    await ctx.audit({ action: 'provider.webhook_received', entityType: 'provider_event', entityId: id, after: { event: event.EventName, state, note } });
    return { eventId: id, duplicate: false, state, note };
  });
}
