import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { LOCALES, isLocale } from '../core/i18n.js';
import { cliActor } from '../db/tx.js';
import { registerEffects } from '../jobs/definitions.js';
import { sendTestEmail } from '../modules/notifications/test-email.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

export function mailCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const mail = program.command('mail').description(t('cli.mail.description'));

  mail
    .command('test')
    .description(t('cli.mail.test.description'))
    .option('--to <address>', t('cli.mail.test.to'), (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--locale <locale>', t('cli.mail.test.locale', { locales: LOCALES.join(', ') }))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { to: string[]; locale?: string }) => {
          if (o.to.length === 0) throw new AppError('bad_request', 'mail.no_recipients', {}, { field: '--to' });
          const locale = o.locale ?? ctx.config().mailLocale;
          if (!isLocale(locale)) throw new AppError('bad_request', 'users.bad_locale', { locale }, { field: '--locale' });
          if (!ctx.config().smtpUrl) throw new AppError('bad_request', 'mail.not_configured');
          return withDeps(ctx, 'mail test', async (deps) => {
            registerEffects(deps);
            return sendTestEmail(deps, cliActor(), { to: o.to, locale });
          });
        },
        (r) =>
          [
            t('cli.mail.test.sent', { to: r.accepted.join(', '), messageId: r.messageId }),
            ...(r.rejected.length ? [t('cli.mail.test.rejected', { rejected: r.rejected.join(', ') })] : []),
          ].join('\n'),
      ),
    );
}
