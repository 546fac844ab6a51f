import type { Command } from 'commander';
import { cliActor } from '../db/tx.js';
import { issueRun, startRun, type RunSummary } from '../modules/invoicing/runs.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

/** `partnerdesk invoice …`: customer invoice runs. */
export function invoiceCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const cmd = program.command('invoice').description(t('cli.invoice.description'));
  const out = (r: RunSummary) => ({ runId: r.runId, period: r.period, state: r.state, created: r.created, customers: r.customers, invoices: r.invoices, held: r.held, issued: r.issued, totals: r.totals.map(({ currency, net, tax, gross }) => ({ currency, net, tax, gross })) });

  cmd
    .command('run')
    .description(t('cli.invoice.run'))
    .requiredOption('--period <yyyy-mm>', t('cli.invoice.period'))
    .option('--issue', t('cli.invoice.issue'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { period: string; issue?: boolean; json?: boolean }) =>
          withDeps(ctx, 'invoice run', async (deps) => {
            let run = await startRun(deps, cliActor(), o.period);
            if (o.issue && (run.state === 'draft' || run.state === 'issuing')) {
              const showProgress = !o.json && process.stderr.isTTY;
              const created = run.created;
              run = await issueRun(deps, cliActor(), run.runId, showProgress ? (done, total) => process.stderr.write(`\r${t('cli.invoice.issuing', { done, total })}`) : undefined);
              if (showProgress) process.stderr.write('\n');
              run = { ...run, created };
            }
            return out(run);
          }),
        (r) =>
          [
            t(r.created ? 'cli.invoice.started' : 'cli.invoice.existing', { period: r.period, runId: r.runId, state: r.state }),
            t('cli.invoice.counts', { customers: r.customers, invoices: r.invoices, held: r.held, issued: r.issued }),
            ...r.totals.map((x) => `  ${x.currency}\t${x.net}\t${x.tax}\t${x.gross}`),
          ].join('\n'),
      ),
    );
}
