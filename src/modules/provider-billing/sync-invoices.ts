import { AppError, isAppError, notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { withAdvisoryLock } from '../../db/advisory.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import { findAccount } from '../providers/accounts.repo.js';
import { connectorForAccount } from '../providers/connect.js';
import { ProviderError, type PcInvoice, type ProviderConnector } from '../providers/connector.js';
import { importRecon } from './import-recon.js';
import type { ProviderInvoice } from './invoices.repo.js';
import { lineItemGroups, upsertProviderInvoice } from './provider-invoices.js';
import { lockLedger } from '../payments/ledger.js';

/**
 * Bring provider invoices in through the Partner Center API: each invoice becomes (or updates) a
 * payable in its own transaction, then the billing line items of every invoice whose lines are not
 * in yet are fetched (all pages) and imported through the same all-or-nothing importer as a
 * reconciliation file. Usage line items (unrated daily usage) are not billed amounts and are not
 * imported here; the billed Azure amounts are in Azure billing line items.
 * Runs from the API, the CLI, the invoice-ready webhook (through the outbox) and a daily job.
 */
export interface SyncInvoicesResult {
  invoices: number;
  created: number;
  updated: number;
  linesImported: { invoiceNumber: string; group: string; importId: string | null; rows: number; imported: number; duplicates: number }[];
  errors: { invoiceNumber: string | null; code: string; message: string }[];
}

function errorOf(e: unknown, invoiceNumber: string | null) {
  if (e instanceof ProviderError) return { invoiceNumber, code: e.code, message: e.message };
  if (isAppError(e)) return { invoiceNumber, code: e.code, message: e.message };
  // the same invoice entered by hand at the same moment: reported, the sync goes on
  if ((e as { code?: string }).code === '23505') return { invoiceNumber, code: 'provider_invoices.exists', message: `invoice ${invoiceNumber ?? ''} was created concurrently` };
  throw e;
}

async function* asAsync<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

async function importLines(deps: Deps, actor: Actor, connector: ProviderConnector, inv: ProviderInvoice, raw: Record<string, unknown>, result: SyncInvoicesResult): Promise<void> {
  const counts: Record<string, number> = {};
  let failed = false;
  for (const g of lineItemGroups(raw)) {
    if (g.type === 'usagelineitems') continue;
    const group = `${g.provider}/${g.type}`;
    try {
      const items = await connector.listInvoiceLineItems(inv.invoiceNumber, g.provider, g.type);
      counts[group] = items.length;
      if (items.length === 0) continue;
      // license line items don't always carry the invoice number; the lines belong to this invoice
      const records = items.map((it) => (it.invoiceNumber ? it : { ...it, invoiceNumber: inv.invoiceNumber }));
      const s = await importRecon(deps, actor, { records: asAsync(records), sourceName: `${inv.invoiceNumber}/${group}`, providerAccountId: inv.providerAccountId, providerInvoiceId: inv.id, supersedesInvoice: inv.invoiceNumber });
      if (s.rejected > 0) {
        failed = true;
        const first = s.errors[0];
        result.errors.push({ invoiceNumber: inv.invoiceNumber, code: 'recon.rejected', message: `${group}: ${s.rejected} bad line item(s)${first ? `, first: line ${first.line} ${first.column ?? ''} ${first.message}` : ''}` });
      } else {
        result.linesImported.push({ invoiceNumber: inv.invoiceNumber, group, importId: s.importId ?? s.duplicateOf, rows: s.rows, imported: s.imported + s.replaced, duplicates: s.duplicates });
      }
    } catch (e) {
      failed = true;
      result.errors.push(errorOf(e, inv.invoiceNumber));
    }
  }
  if (!failed) {
    await runUseCase(deps, actor, async (ctx) => {
      await ctx.trx.updateTable('provider_invoices').set({ line_item_counts: JSON.stringify(counts), lines_imported_at: ctx.now, updated_at: ctx.now }).where('id', '=', inv.id).execute();
      await ctx.audit({ action: 'provider_invoice.lines_imported', entityType: 'provider_invoice', entityId: inv.id, after: { counts } });
    });
  }
}

export interface SyncOptions {
  /** only this invoice (the invoice-ready webhook, an import by invoice reference) */
  invoiceNumber?: string | undefined;
  /** fetch and import the line items even when they were imported before (the import adds only what changed) */
  reimport?: boolean | undefined;
}

/** One invoice sync per account at a time: across processes (advisory lock) and within one (a queue). */
const running = new Map<string, Promise<unknown>>();

export async function syncProviderInvoices(deps: Deps, actor: Actor, accountId: string, opts: SyncOptions = {}): Promise<SyncInvoicesResult> {
  const before = running.get(accountId) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => withAdvisoryLock(deps.store, `provider-invoices:${accountId}`, () => syncOnce(deps, actor, accountId, opts)));
  running.set(accountId, mine);
  try {
    return await mine;
  } finally {
    if (running.get(accountId) === mine) running.delete(accountId);
  }
}

async function syncOnce(deps: Deps, actor: Actor, accountId: string, opts: SyncOptions): Promise<SyncInvoicesResult> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('provider_account', accountId);
  if (account.status !== 'active') throw new AppError('conflict', 'providers.account_disabled', { account: account.name });
  const connector = connectorForAccount(deps, account);
  const result: SyncInvoicesResult = { invoices: 0, created: 0, updated: 0, linesImported: [], errors: [] };
  let list: PcInvoice[];
  try {
    list = await connector.listInvoices();
  } catch (e) {
    result.errors.push(errorOf(e, null));
    return result;
  }
  for (const pc of list) {
    if (opts.invoiceNumber && pc.id.toLowerCase() !== opts.invoiceNumber.toLowerCase()) continue;
    result.invoices++;
    try {
      const { invoice, change, totalChanged } = await runUseCase(deps, actor, async (ctx) => {
        await lockLedger(ctx.trx); // before any row lock: postings append under it
        return upsertProviderInvoice(ctx, account, pc);
      });
      if (change === 'created') result.created++;
      if (change === 'updated') result.updated++;
      if (!invoice.linesImportedAt || totalChanged || opts.reimport) await importLines(deps, actor, connector, invoice, pc.raw, result);
    } catch (e) {
      result.errors.push(errorOf(e, pc.id));
    }
  }
  return result;
}
