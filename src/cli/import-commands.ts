import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../core/errors.js';
import { cliActor } from '../db/tx.js';
import { RECON_FORMATS, type ReconFormat } from '../modules/provider-billing/formats/columns.js';
import { importRecon, type ImportSummary } from '../modules/provider-billing/import-recon.js';
import type { CliContext } from './main.js';
import { fail, printJson } from './output.js';
import { withDeps } from './with-store.js';

export function importCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const imp = program.command('import').description(t('cli.import.description'));
  imp
    .command('recon')
    .description(t('cli.import.recon.description'))
    .argument('<file>', t('cli.import.file'))
    .option('--format <format>', t('cli.import.format', { formats: RECON_FORMATS.join(', ') }))
    .option('--provider-account <id>', t('cli.import.account'))
    .option('--json', t('cli.json'))
    .action(async (file: string, o: { format?: string; providerAccount?: string; json?: boolean }) => {
      try {
        if (o.format && !(RECON_FORMATS as readonly string[]).includes(o.format)) {
          throw new AppError('bad_request', 'cli.bad_option', { option: '--format', reason: RECON_FORMATS.join(', ') }, { field: '--format' });
        }
        // a file (CSV, JSON lines, a Graph export manifest) or a directory holding a Graph export
        if (!existsSync(file) || !(statSync(file).isFile() || statSync(file).isDirectory())) throw new AppError('not_found', 'restore.no_file', { file }, { field: 'file' });
        const showProgress = !o.json && process.stderr.isTTY;
        const r = await withDeps(ctx, 'import recon', (deps) =>
          importRecon(deps, cliActor(), {
            path: file,
            fileName: basename(file),
            providerAccountId: o.providerAccount,
            format: o.format as ReconFormat | undefined,
            ...(showProgress && {
              onProgress: ({ bytes, totalBytes, rows }) => {
                const pct = totalBytes ? Math.min(100, Math.floor((bytes / totalBytes) * 100)) : 100;
                const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
                process.stderr.write(`\r[${bar}] ${pct}% ${rows}`);
              },
            }),
          }),
        );
        if (showProgress) process.stderr.write('\n');
        const summary = localize(r, ctx);
        if (o.json) printJson(summary);
        else process.stdout.write(human(summary, basename(file), ctx) + '\n');
        if (r.rejected > 0) ctx.exitCode = 2;
      } catch (e) {
        ctx.exitCode = fail(e, ctx.fmt, Boolean(o.json));
      }
    });
}

/** Row errors carry the catalog message in the operator's language. */
function localize(r: ImportSummary, ctx: CliContext): ImportSummary {
  return {
    ...r,
    errors: r.errors.map((e) => {
      const key = `errors.${e.code}`;
      return ctx.fmt.has(key) ? { ...e, message: ctx.fmt.t(key, { line: e.line, column: e.column ?? '', value: e.value ?? '', blob: e.blob ?? '', hasBlob: e.blob ? 'yes' : 'no' }) } : e;
    }),
  };
}

function human(r: ImportSummary, file: string, ctx: CliContext): string {
  const t = ctx.fmt.t;
  if (r.rejected > 0) return [t('errors.recon.rejected', { count: r.rejected }), ...r.errors.slice(0, 50).map((e) => `  ${e.message}`)].join('\n');
  if (r.duplicateOf) return t('cli.import.duplicate', { id: r.duplicateOf });
  return [
    t('cli.import.done', { file, format: r.format ?? '', rows: r.rows, imported: r.imported, replaced: r.replaced, duplicates: r.duplicates }),
    ...r.totals.map((x) => '  ' + t('cli.import.total', x)),
    ...(r.unmatched.customers || r.unmatched.subscriptions ? ['  ' + t('cli.import.unmatched', r.unmatched)] : []),
  ].join('\n');
}
