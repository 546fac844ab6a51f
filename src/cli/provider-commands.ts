import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { cliActor } from '../db/tx.js';
import { syncAccount, syncAll } from '../modules/customers/sync-customers.js';
import { listAccounts } from '../modules/providers/accounts.repo.js';
import { CreateAccountIn } from '../modules/providers/accounts.schema.js';
import { CLOUDS } from '../modules/providers/connector.js';
import { createAccount } from '../modules/providers/manage-accounts.js';
import { startSimulator } from '../modules/providers/simulator/server.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

export function providerCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;

  program
    .command('sync')
    .description(t('cli.sync.description'))
    .option('--account <id>', t('cli.sync.account'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { account?: string }) => ({
          runs: await withDeps(ctx, 'sync', async (deps) => (o.account ? [await syncAccount(deps, cliActor(), o.account, { trigger: 'cli' })] : (await syncAll(deps, cliActor(), 'cli')).runs)),
        }),
        (r) =>
          r.runs.length
            ? r.runs
                .map((run) =>
                  [
                    t('cli.sync.run', { account: run.accountId, state: run.state, ...run.stats }),
                    ...run.errors.slice(0, 20).map((e) => `  ${e.customer ?? ''} ${e.code}${e.providerCode ? ` (${e.providerCode})` : ''}: ${e.message}`),
                  ].join('\n'),
                )
                .join('\n')
            : t('cli.sync.none'),
      ),
    );

  const acc = program.command('provider-account').description(t('cli.account.description'));
  acc
    .command('add')
    .description(t('cli.account.add.description'))
    .requiredOption('--name <name>', t('cli.account.name'))
    .requiredOption('--cloud <cloud>', t('cli.account.cloud', { clouds: CLOUDS.join(', ') }))
    .requiredOption('--tenant <id>', t('cli.account.tenant'))
    .requiredOption('--app-id <id>', t('cli.account.app_id'))
    .option('--secret-env <VAR>', t('cli.account.secret_env'))
    .option('--currency <code>', t('cli.account.currency'))
    .option('--api-base-url <url>', t('cli.account.api_base_url'))
    .option('--token-authority <url>', t('cli.account.token_authority'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { name: string; cloud: string; tenant: string; appId: string; secretEnv?: string; currency?: string; apiBaseUrl?: string; tokenAuthority?: string }) => {
          // the secret comes from an environment variable, never from the command line (shell history, ps)
          const secret = o.secretEnv ? process.env[o.secretEnv] : undefined;
          if (o.secretEnv && !secret) throw new AppError('bad_request', 'providers.secret_env_empty', { name: o.secretEnv }, { field: '--secret-env' });
          const parsed = CreateAccountIn.safeParse({
            name: o.name,
            cloud: o.cloud,
            partnerTenantId: o.tenant,
            appId: o.appId,
            ...(secret && { secret }),
            ...(o.currency && { currency: o.currency }),
            ...(o.apiBaseUrl && { apiBaseUrl: o.apiBaseUrl }),
            ...(o.tokenAuthority && { tokenAuthority: o.tokenAuthority }),
          });
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            throw new AppError('bad_request', 'cli.bad_option', { option: String(issue.path[0] ?? ''), reason: issue.message }, { field: String(issue.path[0] ?? '') });
          }
          const a = await withDeps(ctx, 'provider-account add', (deps) => createAccount(deps, cliActor(), parsed.data));
          return { account: a };
        },
        (r) => t('cli.account.added', { name: r.account.name, id: r.account.id, cloud: r.account.cloud, payee: r.account.payee }),
      ),
    );
  acc
    .command('list')
    .description(t('cli.account.list.description'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async () => ({ accounts: await withDeps(ctx, 'provider-account list', (deps) => listAccounts(deps.db)) }),
        (r) =>
          r.accounts.length
            ? r.accounts.map((a) => `${a.id}\t${a.name}\t${a.cloud}\t${a.payee}\t${a.currency}\t${a.lastSyncStatus ?? '-'}`).join('\n')
            : t('cli.account.none'),
      ),
    );

  program
    .command('simulator')
    .description(t('cli.simulator.description'))
    .option('--port <port>', t('cli.simulator.port'), '3001')
    .option('--host <host>', t('cli.simulator.host'), '127.0.0.1')
    .option('--seed <seed>', t('cli.simulator.seed'), 'demo')
    .action(async (o: { port: string; host: string; seed: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535 || (o.seed !== 'demo' && o.seed !== 'empty')) {
        process.stderr.write(`partnerdesk: ${t('errors.cli.bad_option', { option: Number.isInteger(port) ? '--seed' : '--port', reason: 'demo | empty, 0–65535' })}\n`);
        ctx.exitCode = 2;
        return;
      }
      const sim = await startSimulator({ port, host: o.host, seed: o.seed, clock: systemClock });
      process.stdout.write(t('cli.simulator.running', { url: sim.url }) + '\n');
      for (const p of sim.partners()) process.stdout.write(`  ${p.cloud}\ttenant ${p.tenantId}\tapp ${p.appId}\tsecret ${p.secret}\n`);
      process.stdout.write(t('cli.serve.stop_hint') + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => void sim.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
