import type { Command } from 'commander';
import pino from 'pino';
import { makeDeps, type Deps } from '../deps.js';
import { openAndMigrate } from '../runtime.js';
import type { CliContext } from './main.js';
import { fail, printJson } from './output.js';

/** Open the store (embedded: take the directory lock), migrate, run, close. */
export async function withDeps<T>(ctx: CliContext, command: string, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = ctx.config();
  const { store } = await openAndMigrate(config, command);
  // the CLI talks to people on stdout; its log goes to stderr and says only warnings by default
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const deps = makeDeps(config, store, { log });
  try {
    return await fn(deps);
  } finally {
    await deps.mailer?.close();
    await store.close();
  }
}

/**
 * Wrap an action: `--json` prints one object (`{ ok: true, … }` or `{ ok: false, error }`),
 * otherwise `human` prints localized lines. Failures set a non-zero exit code.
 */
export function action<O, R extends object>(
  ctx: CliContext,
  fn: (opts: O, cmd: Command, args: string[]) => Promise<R>,
  human: (r: R) => string,
) {
  return async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const opts = cmd.opts() as O & { json?: boolean };
    const args = cmd.args;
    try {
      const r = await fn(opts, cmd, args);
      if (opts.json) printJson({ ok: true, ...r });
      else process.stdout.write(human(r) + '\n');
    } catch (e) {
      ctx.exitCode = fail(e, ctx.fmt, Boolean(opts.json));
    }
  };
}
