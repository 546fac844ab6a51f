import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { cliActor } from '../db/tx.js';
import { createUser, setPassword, updateUser } from '../modules/users/manage-users.js';
import { generatePassword } from '../modules/users/passwords.js';
import { createToken, listTokens, revokeToken } from '../modules/users/tokens.js';
import { findUserByEmail, listUsers, STAFF_ROLES, type StaffRole } from '../modules/users/users.repo.js';
import { LOCALES, isLocale, type Locale } from '../core/i18n.js';
import type { Deps } from '../deps.js';
import type { CliContext } from './main.js';
import { action, withDeps } from './with-store.js';

async function userByEmail(deps: Deps, email: string) {
  const u = await findUserByEmail(deps.db, email);
  if (!u) throw new AppError('not_found', 'users.not_found', { email });
  return u;
}

export function userCommands(program: Command, ctx: CliContext): void {
  const t = ctx.fmt.t;
  const user = program.command('user').description(t('cli.user.description'));

  user
    .command('create')
    .description(t('cli.user.create.description'))
    .requiredOption('--email <email>', t('cli.user.email'))
    .option('--role <role>', t('cli.user.role', { roles: STAFF_ROLES.join(', ') }))
    .option('--customer <id>', t('cli.user.customer'))
    .option('--name <name>', t('cli.user.name'), '')
    .option('--locale <locale>', t('cli.user.locale', { locales: LOCALES.join(', ') }), 'en')
    .option('--password <password>', t('cli.user.password'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { email: string; role?: string; customer?: string; name: string; locale: string; password?: string; json?: boolean }) => {
          if (o.role && !(STAFF_ROLES as readonly string[]).includes(o.role)) {
            throw new AppError('bad_request', 'users.bad_role', { role: o.role, roles: STAFF_ROLES.join(', ') }, { field: '--role' });
          }
          if (!isLocale(o.locale)) throw new AppError('bad_request', 'users.bad_locale', { locale: o.locale }, { field: '--locale' });
          const password = o.password ?? generatePassword();
          const u = await withDeps(ctx, 'user create', (deps) =>
            createUser(deps, cliActor(), {
              email: o.email,
              name: o.name,
              role: o.role as StaffRole | undefined,
              customerId: o.customer,
              locale: o.locale as Locale,
              password,
            }),
          );
          return { user: { id: u.id, email: u.email, role: u.role, customerId: u.customerId }, ...(o.password ? {} : { password }) };
        },
        (r) =>
          [
            t('cli.user.created', { email: r.user.email, role: r.user.role ?? t('cli.user.customer_role', { id: r.user.customerId ?? '' }) }),
            ...('password' in r ? [t('cli.user.generated_password', { password: r.password as string })] : []),
          ].join('\n'),
      ),
    );

  user
    .command('list')
    .description(t('cli.user.list.description'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async () => {
          const res = await withDeps(ctx, 'user list', (deps) => listUsers(deps.db, { limit: 10_000, offset: 0 }));
          return { users: res.items.map((u) => ({ id: u.id, email: u.email, name: u.name, kind: u.kind, role: u.role, customerId: u.customerId, status: u.status, locale: u.locale })) };
        },
        (r) => (r.users.length ? r.users.map((u) => `${u.email}\t${u.role ?? `customer:${u.customerId}`}\t${u.status}\t${u.locale}`).join('\n') : t('cli.user.none')),
      ),
    );

  user
    .command('set-password')
    .description(t('cli.user.set_password.description'))
    .requiredOption('--email <email>', t('cli.user.email'))
    .option('--password <password>', t('cli.user.password'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { email: string; password?: string }) => {
          const password = o.password ?? generatePassword();
          await withDeps(ctx, 'user set-password', async (deps) => setPassword(deps, cliActor(), (await userByEmail(deps, o.email)).id, password));
          return { email: o.email, ...(o.password ? {} : { password }) };
        },
        (r) => [t('cli.user.password_set', { email: r.email }), ...('password' in r ? [t('cli.user.generated_password', { password: r.password as string })] : [])].join('\n'),
      ),
    );

  for (const [name, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    user
      .command(name)
      .description(t(`cli.user.${name}.description`))
      .requiredOption('--email <email>', t('cli.user.email'))
      .option('--json', t('cli.json'))
      .action(
        action(
          ctx,
          async (o: { email: string }) => {
            const u = await withDeps(ctx, `user ${name}`, async (deps) => updateUser(deps, cliActor(), (await userByEmail(deps, o.email)).id, { status }));
            return { email: u.email, status: u.status };
          },
          (r) => t('cli.user.status_set', { email: r.email, status: r.status }),
        ),
      );
  }

  const token = program.command('token').description(t('cli.token.description'));
  token
    .command('create')
    .description(t('cli.token.create.description'))
    .requiredOption('--user <email>', t('cli.user.email'))
    .option('--name <name>', t('cli.token.name'), 'cli')
    .option('--expires-days <days>', t('cli.token.expires'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { user: string; name: string; expiresDays?: string }) => {
          let expiresInDays: number | undefined;
          if (o.expiresDays !== undefined) {
            if (!/^\d{1,4}$/.test(o.expiresDays) || Number(o.expiresDays) < 1) {
              throw new AppError('bad_request', 'tokens.bad_expiry', { value: o.expiresDays }, { field: '--expires-days' });
            }
            expiresInDays = Number(o.expiresDays);
          }
          const res = await withDeps(ctx, 'token create', async (deps) =>
            createToken(deps, cliActor(), (await userByEmail(deps, o.user)).id, { name: o.name, expiresInDays }),
          );
          return { token: res.token, id: res.apiToken.id, user: o.user, name: res.apiToken.name, expiresAt: res.apiToken.expiresAt };
        },
        (r) => [t('cli.token.created', { user: r.user, id: r.id }), r.token, t('cli.token.shown_once')].join('\n'),
      ),
    );

  token
    .command('list')
    .description(t('cli.token.list.description'))
    .requiredOption('--user <email>', t('cli.user.email'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (o: { user: string }) => ({
          tokens: await withDeps(ctx, 'token list', async (deps) => listTokens(deps.db, (await userByEmail(deps, o.user)).id)),
        }),
        (r) => (r.tokens.length ? r.tokens.map((k) => `${k.id}\t${k.name}\t${k.revokedAt ? 'revoked' : 'active'}\t${k.createdAt.toISOString()}`).join('\n') : t('cli.token.none')),
      ),
    );

  token
    .command('revoke')
    .description(t('cli.token.revoke.description'))
    .argument('<id>', t('cli.token.id'))
    .option('--json', t('cli.json'))
    .action(
      action(
        ctx,
        async (_o, _cmd, args) => {
          const k = await withDeps(ctx, 'token revoke', (deps) => revokeToken(deps, cliActor(), args[0]!));
          return { id: k.id, revokedAt: k.revokedAt };
        },
        (r) => t('cli.token.revoked', { id: r.id }),
      ),
    );
}
