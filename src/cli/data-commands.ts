import type { Command } from 'commander';
import { backupEmbedded, restoreEmbedded } from '../db/backup.js';
import { seedDemo } from '../demo/seed.js';
import { listAudit } from '../modules/audit/audit.repo.js';
import { dispatchDue } from '../jobs/dispatcher.js';
import { registerEffects } from '../jobs/definitions.js';
import { outboxStats } from '../jobs/outbox.js';
import { openAndMigrate } from '../runtime.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

export function dataCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;

  program
    .command('backup')
    .description(t('cli.backup.description'))
    .argument('<file>', t('cli.backup.file'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (_o, _c, args) => backupEmbedded(ctx.config(), args[0]!),
        (r) => t('cli.backup.done', { file: r.file, bytes: r.bytes }),
      ),
    );

  program
    .command('restore')
    .description(t('cli.restore.description'))
    .argument('<file>', t('cli.backup.file'))
    .option('--force', t('cli.restore.force'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { force?: boolean }, _c, args) => {
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const r = await restoreEmbedded(ctx.config(), args[0]!, Boolean(o.force), stamp);
          // a backup from an older version is brought up to date right away
          const { store, applied } = await openAndMigrate(ctx.config(), 'restore');
          await store.close();
          return { ...r, migrated: applied };
        },
        (r) => [t('cli.restore.done', { file: r.file, dir: r.dataDir }), ...(r.previous ? [t('cli.restore.previous', { dir: r.previous })] : [])].join('\n'),
      ),
    );

  program
    .command('seed')
    .description(t('cli.seed.description'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async () => withDeps(ctx, 'seed', (deps) => seedDemo(deps)),
        (r) => (r.seeded ? t('cli.seed.done', { users: r.users, email: r.admin!.email, password: r.admin!.password }) : t('cli.seed.skipped')),
      ),
    );

  program
    .command('audit')
    .description(t('cli.audit.description'))
    .option('--entity <type>', t('cli.audit.entity'))
    .option('--id <id>', t('cli.audit.id'))
    .option('--limit <n>', t('cli.audit.limit'), '50')
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { entity?: string; id?: string; limit: string }) => {
          const limit = Math.min(Math.max(Number.parseInt(o.limit, 10) || 50, 1), 10_000);
          const items = await withDeps(ctx, 'audit', (deps) => listAudit(deps.db, { entityType: o.entity, entityId: o.id, limit }));
          return { items };
        },
        (r) => (r.items.length ? r.items.map((a) => `${a.at.toISOString()}\t${a.actorLabel}\t${a.action}\t${a.entityType}:${a.entityId ?? ''}`).join('\n') : t('cli.audit.none')),
      ),
    );

  program
    .command('outbox')
    .description(t('cli.outbox.description'))
    .option('--dispatch', t('cli.outbox.dispatch'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { dispatch?: boolean }) =>
          withDeps(ctx, 'outbox', async (deps) => {
            registerEffects(deps);
            const dispatched = o.dispatch ? await dispatchDue(deps) : null;
            return { dispatched, stats: await outboxStats(deps.db) };
          }),
        (r) =>
          [
            ...(r.dispatched ? [t('cli.outbox.dispatched', r.dispatched as unknown as Record<string, number>)] : []),
            t('cli.outbox.stats', r.stats as unknown as Record<string, number>),
          ].join('\n'),
      ),
    );
}
