import { Command, CommanderError } from 'commander';
import { localeFromEnv, parseConfig, type Config } from '../core/config.js';
import { createI18n, type Formatter } from '../core/i18n.js';
import { readCatalogs } from '../locales.js';
import { VERSION } from '../version.js';
import { fail } from './output.js';
import { dataCommands } from './data-commands.js';
import { serverCommands } from './server-commands.js';
import { userCommands } from './user-commands.js';
import { providerCommands } from './provider-commands.js';
import { importCommands } from './import-commands.js';
import { bankCommands } from './bank-commands.js';
import { payablesCommands } from './payables-commands.js';
import { invoiceCommands } from './invoice-commands.js';
import { mailCommands } from './mail-commands.js';
import { ledgerCommands } from './ledger-commands.js';

export interface CliContext {
  config: () => Config;
  fmt: Formatter;
  /** Set by an action that ends on its own terms (a failure already printed). */
  exitCode: number;
}

/** `partnerdesk <subcommand>`: every subcommand works on the configured store directly. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const i18n = createI18n(readCatalogs());
  // the CLI's own language comes first: a bad configuration must be explained in it too
  const fmt = i18n.formatter(localeFromEnv(env));
  let config: Config | undefined;
  let configError: unknown;
  try {
    config = parseConfig(env, process.cwd());
  } catch (e) {
    configError = e;
  }
  const jsonWanted = argv.includes('--json');
  const ctx: CliContext = {
    fmt,
    exitCode: 0,
    config: () => {
      if (!config) throw configError;
      return config;
    },
  };

  const program = new Command('partnerdesk')
    .description(fmt.t('cli.description'))
    .version(VERSION, '-V, --version')
    .helpOption('-h, --help', fmt.t('cli.help'))
    .helpCommand(true)
    .showHelpAfterError()
    .exitOverride();
  serverCommands(program, ctx);
  userCommands(program, ctx);
  dataCommands(program, ctx);
  providerCommands(program, ctx);
  importCommands(program, ctx);
  bankCommands(program, ctx);
  payablesCommands(program, ctx);
  invoiceCommands(program, ctx);
  mailCommands(program, ctx);
  ledgerCommands(program, ctx);

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    process.exitCode = fail(e, fmt, jsonWanted);
    return;
  }
  if (ctx.exitCode) process.exitCode = ctx.exitCode;
}
