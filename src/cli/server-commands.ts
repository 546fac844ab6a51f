import type { Command } from 'commander';
import { migrate, migrationStatus } from '../db/migrate.js';
import { openStore } from '../db/store.js';
import { start } from '../runtime.js';
import { VERSION } from '../version.js';
import type { CliContext } from './main.js';
import { action } from './with-store.js';
import { fail } from './output.js';

export function serverCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;

  program
    .command('serve')
    .description(t('cli.serve.description'))
    .action(async () => {
      try {
        await runUntilSignal(ctx, 'serve');
      } catch (e) {
        ctx.exitCode = fail(e, ctx.fmt, false);
      }
    });

  program
    .command('worker')
    .description(t('cli.worker.description'))
    .action(async () => {
      try {
        await runUntilSignal(ctx, 'worker');
      } catch (e) {
        ctx.exitCode = fail(e, ctx.fmt, false);
      }
    });

  program
    .command('migrate')
    .description(t('cli.migrate.description'))
    .option('--status', t('cli.migrate.status'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (opts: { status?: boolean; json?: boolean }) => {
          const config = ctx.config();
          const store = await openStore(config, { command: 'migrate' });
          try {
            const applied = opts.status ? [] : await migrate(store.pool, store.schema);
            const status = await migrationStatus(store.pool);
            return { store: store.description, appliedNow: applied, applied: status.applied, pending: status.pending };
          } finally {
            await store.close();
          }
        },
        (r) =>
          [
            t('cli.migrate.store', { store: r.store }),
            r.appliedNow.length ? t('cli.migrate.applied', { count: r.appliedNow.length, list: r.appliedNow.join(', ') }) : t('cli.migrate.up_to_date', { count: r.applied.length }),
            ...(r.pending.length ? [t('cli.migrate.pending', { count: r.pending.length, list: r.pending.join(', ') })] : []),
          ].join('\n'),
      ),
    );
}

async function runUntilSignal(ctx: CliContext, mode: 'serve' | 'worker'): Promise<void> {
  const t = ctx.fmt.t;
  const config = ctx.config();
  // Signal handlers go up before anything starts: a signal during start-up, or right after the
  // "running" line (which a supervisor may act on at once), still stops cleanly.
  let early: NodeJS.Signals | null = null;
  let onSignal: (sig: NodeJS.Signals) => void = (sig) => (early ??= sig);
  const handler = (sig: NodeJS.Signals) => onSignal(sig);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  let running: Awaited<ReturnType<typeof start>>;
  try {
    running = await start(config, mode);
  } catch (e) {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    throw e;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const { deps } = running;
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    onSignal = (sig) => {
      if (stopping) {
        process.stderr.write(t('cli.serve.forced') + '\n');
        process.exit(1);
      }
      stopping = true;
      deps.log.info({ signal: sig }, 'stopping');
      running
        .stop()
        .then(() => {
          out(t('cli.serve.stopped'));
          resolve();
        })
        .catch((err) => {
          deps.log.error({ err }, 'shutdown failed');
          process.exitCode = 1;
          resolve();
        });
    };
  });
  if (mode === 'serve') {
    out(t('cli.serve.running', { version: VERSION, url: running.url! }));
    out(t('cli.serve.store', { store: deps.store.description }));
    if (deps.store.kind === 'embedded') out(t('cli.serve.embedded_note'));
    out(t('cli.serve.docs', { url: `${running.url}/docs` }));
    if (running.seed?.admin) out(t('cli.serve.first_admin', { email: running.seed.admin.email, password: running.seed.admin.password }));
    if (running.demoProvider && 'url' in running.demoProvider) out(t('cli.serve.demo_provider', { url: running.demoProvider.url, accounts: running.demoProvider.accounts }));
    if (running.demoProvider && 'error' in running.demoProvider) out(t('cli.serve.demo_provider_failed', { reason: running.demoProvider.error }));
    if (running.bootstrapAdmin) out(t('cli.serve.bootstrap_admin', { email: running.bootstrapAdmin }));
    if (running.noUsers) out(t(deps.store.kind === 'embedded' ? 'cli.serve.no_users' : 'cli.serve.no_users_server'));
    out(t('cli.serve.stop_hint'));
  } else {
    out(t('cli.worker.running', { store: deps.store.description }));
  }
  if (early) onSignal(early);
  await stopped;
  process.off('SIGINT', handler);
  process.off('SIGTERM', handler);
}
