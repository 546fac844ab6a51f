import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { sweepIdempotencyKeys } from '../http/idempotency.js';
import type { JobDefinition } from './boss.js';
import { dispatchDue } from './dispatcher.js';
import { registerCoreEffects } from './effects.js';
import { registerEventEffect } from './events.js';
import { systemActor } from '../db/tx.js';
import { performStatusChange, SUBSCRIPTION_STATUS_EFFECT } from '../modules/customers/subscription-status.js';
import { syncAccount, syncAll } from '../modules/customers/sync-customers.js';
import { SYNC_CUSTOMER_EFFECT, SYNC_INVOICES_EFFECT } from '../modules/providers/webhooks.js';
import { syncProviderInvoices } from '../modules/provider-billing/sync-invoices.js';
import { sendPayableNotices } from '../modules/provider-billing/payable-notices.js';
import { registerEmailEffect } from '../modules/notifications/send-email.js';
import { registerInvoiceDelivery } from '../modules/invoicing/delivery.js';
import { registerStatementDelivery } from '../modules/payments/statement-delivery.js';
import { checkLedger } from '../modules/payments/ledger-check.js';

export const OUTBOX_DISPATCH = 'outbox.dispatch';
export const MAINTENANCE_SWEEP = 'maintenance.sweep';
export const PROVIDER_SYNC = 'provider.sync';
export const PAYABLES_DAILY = 'provider_billing.daily';
export const LEDGER_CHECK = 'ledger.check';

/** Every side effect the desk performs, by name: the one registry the dispatcher uses (serve, worker, CLI). */
export function registerEffects(deps: Deps): void {
  registerCoreEffects(deps.effects);
  registerEventEffect(deps.effects, deps);
  registerEmailEffect(deps);
  registerInvoiceDelivery(deps);
  registerStatementDelivery(deps);
  deps.effects.register(SUBSCRIPTION_STATUS_EFFECT, async (payload, fx) => {
    const op = await performStatusChange(deps, String(payload.operationId), fx);
    return { state: op.state };
  });
  deps.effects.register(SYNC_CUSTOMER_EFFECT, async (payload) => {
    const r = await syncAccount(deps, systemActor, String(payload.accountId), { trigger: 'webhook', tenantId: String(payload.tenantId) });
    return { runId: r.runId, state: r.state };
  });
  deps.effects.register(SYNC_INVOICES_EFFECT, async (payload) => {
    const invoiceNumber = typeof payload.invoiceNumber === 'string' ? payload.invoiceNumber : undefined;
    const r = await syncProviderInvoices(deps, systemActor, String(payload.accountId), { invoiceNumber });
    // a provider that failed to answer is worth another attempt; a rejected file is not (it is reported)
    const transient = r.errors.find((e) => e.code.startsWith('provider.'));
    if (transient) throw new Error(`${transient.code}: ${transient.message}`);
    return { invoices: r.invoices, created: r.created, linesImported: r.linesImported.length, errors: r.errors.length };
  });
}

/** The desk's jobs. Modules add theirs here as they arrive (invoice runs, collections, imports). */
export function jobDefinitions(deps: Deps): JobDefinition[] {
  return [
    {
      name: OUTBOX_DISPATCH,
      cron: '* * * * *', // catch-up; use cases also nudge it right after commit
      handler: async () => dispatchDue(deps),
    },
    {
      name: PROVIDER_SYNC,
      cron: deps.config.syncCron,
      handler: async () => (await syncAll(deps, systemActor, 'schedule')).runs.map((r) => ({ account: r.accountId, state: r.state })),
    },
    {
      // provider invoices (in case a webhook was missed) and payable reminders / overdue alerts
      name: PAYABLES_DAILY,
      cron: '30 6 * * *',
      handler: async () => {
        const accounts = await deps.db.selectFrom('provider_accounts').select('id').where('status', '=', 'active').where('secret_enc', 'is not', null).execute();
        const synced: { account: string; created?: number; errors: number | string }[] = [];
        for (const a of accounts) {
          // one account failing must not keep the others, or the reminders, from running
          try {
            const r = await syncProviderInvoices(deps, systemActor, a.id);
            synced.push({ account: a.id, created: r.created, errors: r.errors.length });
          } catch (err) {
            deps.log.warn({ err, account: a.id }, 'provider invoice sync failed');
            synced.push({ account: a.id, errors: err instanceof Error ? err.message : String(err) });
          }
        }
        return { synced, notices: await sendPayableNotices(deps) };
      },
    },
    {
      // the journal's three proofs; the last result is kept for the console, a failure is logged loudly
      name: LEDGER_CHECK,
      cron: '45 5 * * *',
      handler: async () => {
        const r = await checkLedger(deps.db);
        const value = JSON.stringify({ ...r, at: deps.clock.now().toISOString() });
        await sql`INSERT INTO system_state (key, value, updated_at) VALUES ('ledger_check', ${value}, ${deps.clock.now()})
          ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`.execute(deps.db);
        if (!r.ok) deps.log.error({ chain: r.chain, unbalanced: r.unbalanced.length, documents: r.documents.length, receivables: r.receivables.length }, 'ledger check failed');
        return { ok: r.ok, entries: r.entries };
      },
    },
    {
      name: MAINTENANCE_SWEEP,
      cron: '17 * * * *',
      handler: async () => {
        const now = deps.clock.now();
        await sql`DELETE FROM sessions WHERE expires_at < ${now}`.execute(deps.db);
        await sql`DELETE FROM login_attempts WHERE at < ${new Date(now.getTime() - 86_400_000)}`.execute(deps.db);
        await sweepIdempotencyKeys(deps);
        // performed effects are kept 30 days for support questions ("was the reminder sent?")
        await sql`DELETE FROM outbox WHERE status = 'done' AND done_at < ${new Date(now.getTime() - 30 * 86_400_000)}`.execute(deps.db);
        return {};
      },
    },
  ];
}
