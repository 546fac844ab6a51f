import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError, isAppError } from '../core/errors.js';
import { cliActor } from '../db/tx.js';
import { importBankFile, type BankImportResult } from '../modules/payments/bank-import.js';
import type { CliContext } from './main.js';
import { errorMessage, exitCodeFor, printJson } from './output.js';
import { withDeps } from './with-store.js';

/**
 * `partnerdesk import bank FILE [--mapping NAME] [--json]`: a bank statement in, its entries
 * matched and booked as far as the evidence goes. An unreadable file exits non-zero with the
 * reason and the place, and nothing is stored.
 */
export function bankCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const imp = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description(t('cli.import.description'));
  imp
    .command('bank')
    .description(t('cli.import.bank.description'))
    .argument('<file>', t('cli.import.bank.file'))
    .option('--mapping <name>', t('cli.import.bank.mapping'))
    .option('--json', t('cli.json'))
    .action(async (file: string, o: { mapping?: string; json?: boolean }) => {
      try {
        if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('not_found', 'restore.no_file', { file }, { field: 'file' });
        const content = readFileSync(file);
        const r = await withDeps(ctx, 'import bank', (deps) => importBankFile(deps, cliActor(), content, { fileName: basename(file), mappingName: o.mapping, fmt: ctx.fmt }));
        if (o.json) printJson(r);
        else process.stdout.write(human(r, basename(file), ctx) + '\n');
      } catch (e) {
        ctx.exitCode = failWithPlace(e, ctx, Boolean(o.json));
      }
    });
}

function human(r: BankImportResult, file: string, ctx: CliContext): string {
  const t = ctx.fmt.t;
  const lines = [t('cli.import.bank.done', { file, statements: r.statements, entries: r.entries, matched: r.matched, suggested: r.suggested, unmatched: r.unmatched, ignored: r.ignored, duplicates: r.duplicates })];
  if (r.errors.length) {
    lines.push(t('cli.import.bank.errors', { count: r.errors.length }));
    for (const e of r.errors.slice(0, 50)) lines.push('  ' + t('cli.import.bank.error_line', { entry: e.entry, message: e.message }));
  }
  return lines.join('\n');
}

/** Like `fail`, with the place in the file (the problem's field errors) in both forms. */
function failWithPlace(e: unknown, ctx: CliContext, json: boolean): number {
  const { code, message } = errorMessage(e, ctx.fmt);
  const field = isAppError(e) ? e.field : undefined;
  if (json) printJson({ ok: false, error: { code, message, ...(field && { field }), ...(isAppError(e) && e.errors.length && { errors: e.errors }) } });
  else process.stderr.write(`partnerdesk: ${message}${field ? ` (${field})` : ''}\n`);
  return exitCodeFor(e);
}
