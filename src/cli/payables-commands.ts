import type { Command } from 'commander';
import { cliActor } from '../db/tx.js';
import { moneyToDecimalString } from '../core/money.js';
import { listProviderInvoices, withPayable } from '../modules/provider-billing/invoices.repo.js';
import { sendPayableNotices } from '../modules/provider-billing/payable-notices.js';
import { today } from '../modules/provider-billing/provider-invoices.js';
import { syncProviderInvoices } from '../modules/provider-billing/sync-invoices.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

/** `partnerdesk payables …`: what the partner owes the providers, invoice sync and reminders. */
export function payablesCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const cmd = program.command('payables').description(t('cli.payables.description'));

  cmd
    .command('list')
    .description(t('cli.payables.list'))
    .option('--all', t('cli.payables.all'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { all?: boolean }) =>
          withDeps(ctx, 'payables list', async (deps) => {
            const day = today(deps.clock.now(), deps.config.businessTimeZone);
            const items = (await listProviderInvoices(deps.db, { unpaidOnly: !o.all, limit: 5_000 })).map((i) => withPayable(i, day)).filter((i) => o.all || i.payable.balance > 0n);
            items.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
            return {
              asOf: day,
              items: items.map((i) => ({
                id: i.id,
                invoiceNumber: i.invoiceNumber,
                payee: i.payee,
                invoiceDate: i.invoiceDate,
                dueDate: i.dueDate,
                currency: i.currency,
                total: moneyToDecimalString({ amount: i.total, currency: i.currency }),
                balance: moneyToDecimalString({ amount: i.payable.balance, currency: i.currency }),
                status: i.payable.status,
              })),
            };
          }),
        (r) => (r.items.length ? r.items.map((i) => `${i.dueDate}\t${i.status}\t${i.payee}\t${i.invoiceNumber}\t${i.currency} ${i.balance} / ${i.total}`).join('\n') : t('cli.payables.none', { date: r.asOf })),
      ),
    );

  cmd
    .command('sync')
    .description(t('cli.payables.sync'))
    .requiredOption('--account <id>', t('cli.sync.account'))
    .option('--invoice <number>', t('cli.payables.invoice'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { account: string; invoice?: string }) => withDeps(ctx, 'payables sync', (deps) => syncProviderInvoices(deps, cliActor(), o.account, { invoiceNumber: o.invoice })),
        (r) =>
          [
            t('cli.payables.synced', { invoices: r.invoices, created: r.created, updated: r.updated, imports: r.linesImported.length }),
            ...r.errors.map((e) => `  ${e.invoiceNumber ?? '-'} ${e.code}: ${e.message}`),
          ].join('\n'),
      ),
    );

  cmd
    .command('notify')
    .description(t('cli.payables.notify'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async () => withDeps(ctx, 'payables notify', (deps) => sendPayableNotices(deps, cliActor())),
        (r) => t('cli.payables.notified', { dueSoon: r.dueSoon, overdue: r.overdue, skipped: r.skippedNoRecipients }),
      ),
    );
}
