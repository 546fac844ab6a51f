import pino, { type Logger } from 'pino';
import { offsetClock, systemClock, type Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import type { I18n } from './core/i18n.js';
import type { Db, Store } from './db/store.js';
import { EffectRegistry } from './jobs/dispatcher.js';
import { EventBus } from './jobs/events.js';
import type { Jobs } from './jobs/boss.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from './core/errors.js';
import { parseSecretKey, secretBox, type SecretBox } from './core/secrets.js';
import { loadI18n } from './locales.js';
import type { Mailer } from './modules/notifications/mailer.js';

/**
 * What use cases, routes and jobs are given: explicit dependencies, no container.
 * Tests build the same object with a TestClock and a test store.
 */
export interface Deps {
  config: Config;
  store: Store;
  db: Db;
  clock: Clock;
  i18n: I18n;
  log: Logger;
  effects: EffectRegistry;
  /** domain events between modules (payments → collections), delivered through the outbox */
  events: EventBus;
  /** encrypts provider credentials at rest */
  secrets: SecretBox;
  /** Set when the process runs the job queue (serve, worker); the CLI does without. */
  jobs?: Jobs;
  notifyOutbox?: () => void;
  /** The SMTP pool of `email.send`, made when the effects are registered; whoever closes the store closes it. */
  mailer?: Mailer;
}

export function clockFor(config: Config): Clock {
  if (!config.clockStart) return systemClock;
  return offsetClock(config.clockStart.getTime() - Date.now());
}

export function makeLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', 'secret', 'token', '*.password', '*.secret', '*.token', '*.*.password', '*.*.secret', '*.*.token'],
      remove: true,
    },
  });
}

/**
 * The secret key: PARTNERDESK_SECRET_KEY, or on the embedded store a key file made on first use
 * beside the database (data/secret.key, mode 600: back it up with the data). A server store
 * without the variable cannot store secrets.
 */
export function secretKeyResolver(config: Config, store: Store): () => Buffer {
  let key = config.secretKey;
  return () => {
    if (key) return key;
    if (store.kind !== 'embedded' || !store.lock) throw new AppError('unavailable', 'secrets.no_key');
    const file = join(config.dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    key = parseSecretKey(readFileSync(file, 'utf8'));
    return key;
  };
}

export function makeDeps(config: Config, store: Store, extra: Partial<Pick<Deps, 'clock' | 'log' | 'effects'>> = {}): Deps {
  return {
    secrets: secretBox(secretKeyResolver(config, store)),
    config,
    store,
    db: store.db,
    clock: extra.clock ?? clockFor(config),
    i18n: loadI18n(),
    log: extra.log ?? makeLogger(config),
    effects: extra.effects ?? new EffectRegistry(),
    events: new EventBus(),
  };
}
