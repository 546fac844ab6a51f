import type { Command } from 'commander';
import { checkLedger, type LedgerCheck } from '../modules/payments/ledger-check.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

/** `partnerdesk ledger …`: the journal's integrity check. Exit code 6 when a proof fails. */
export function ledgerCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const cmd = program.command('ledger').description(t('cli.ledger.description'));
  cmd
    .command('check')
    .description(t('cli.ledger.check'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async () =>
          withDeps(ctx, 'ledger check', async (deps) => {
            const r = await checkLedger(deps.db);
            if (!r.ok) ctx.exitCode = 6;
            return r;
          }),
        (r: LedgerCheck) =>
          [
            t(r.ok ? 'cli.ledger.ok' : 'cli.ledger.failed', { entries: r.entries }),
            ...r.unbalanced.map((u) => t('cli.ledger.unbalanced', { seq: u.seq, currency: u.currency, debit: u.debit, credit: u.credit })),
            ...(r.chain.ok ? [] : [t('cli.ledger.chain', { seq: r.chain.brokenAt ?? '', reason: r.chain.reason ?? '' })]),
            ...r.documents.map((d) => t('cli.ledger.document', { docType: d.docType, docId: d.docId, account: d.account, expected: d.expected, actual: d.actual })),
            ...r.receivables.map((x) => t('cli.ledger.receivable', { customerId: x.customerId, currency: x.currency, journal: x.journal, openItems: x.openItems })),
          ].join('\n'),
      ),
    );
}
