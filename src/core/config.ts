import { AppError } from './errors.js';
import { parseSecretKey } from './secrets.js';
import { matchLocale, DEFAULT_LOCALE, type Locale } from './i18n.js';

/**
 * Configuration comes from the environment only. Parsing is pure: it takes an env record and
 * returns a typed config, or throws one AppError naming the variable, the value and what it wants.
 * Every variable is listed in docs/operations.md.
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbSchema: string;
  poolMax: number;
  demo: boolean;
  worker: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string;
  cookieSecure: boolean;
  bodyLimit: number;
  /** largest uploaded file (reconciliation files, bank statements), bytes */
  uploadLimit: number;
  sessionTtlHours: number;
  clockStart: Date | undefined;
  /** PARTNERDESK_SECRET_KEY (32 bytes, base64 or hex), if set */
  secretKey: Buffer | undefined;
  /** when the scheduled provider sync runs (cron, UTC) */
  syncCron: string;
  /** Fastify trustProxy: false, true (any), or the addresses/CIDRs of the proxies to trust. */
  trustProxy: boolean | string[];
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  cliLocale: Locale;
  /** PARTNERDESK_SMTP_URL: smtp://user:password@host:587 or smtps://…:465; unset: email is not configured */
  smtpUrl: string | undefined;
  /** PARTNERDESK_MAIL_FROM, parsed: the sender of every email */
  mailFrom: { name: string; address: string };
  /** PARTNERDESK_MAIL_LOCALE: the language of mail to addresses with no known preference (the finance list) */
  mailLocale: Locale;
  /** PARTNERDESK_FINANCE_EMAILS: finance addresses besides the admin and billing users */
  financeEmails: string[];
  /** PARTNERDESK_BUSINESS_TIME_ZONE: the partner's own IANA zone; "today" for due dates and payments */
  businessTimeZone: string;
}

/** The PARTNERDESK_* variables the desk knows; any other one is a typo and is refused. */
export const KNOWN_VARS = [
  'PARTNERDESK_DATA_DIR',
  'PARTNERDESK_DB_SCHEMA',
  'PARTNERDESK_DB_POOL_MAX',
  'PARTNERDESK_DEMO',
  'PARTNERDESK_WORKER',
  'PARTNERDESK_LOG_LEVEL',
  'PARTNERDESK_PUBLIC_URL',
  'PARTNERDESK_COOKIE_SECURE',
  'PARTNERDESK_BODY_LIMIT',
  'PARTNERDESK_SESSION_TTL_HOURS',
  'PARTNERDESK_CLOCK_START',
  'PARTNERDESK_ADMIN_EMAIL',
  'PARTNERDESK_ADMIN_PASSWORD',
  'PARTNERDESK_LOCALE',
  'PARTNERDESK_TRUST_PROXY',
  'PARTNERDESK_SECRET_KEY',
  'PARTNERDESK_SYNC_CRON',
  'PARTNERDESK_UPLOAD_LIMIT',
  'PARTNERDESK_SMTP_URL',
  'PARTNERDESK_MAIL_FROM',
  'PARTNERDESK_MAIL_LOCALE',
  'PARTNERDESK_FINANCE_EMAILS',
  'PARTNERDESK_BUSINESS_TIME_ZONE',
  // read by the test harness (scripts/test.mjs, test/), never by the desk itself
  'PARTNERDESK_TEST_STORE',
  'PARTNERDESK_TEST_DATABASE_URL',
  'PARTNERDESK_TEST_RUN',
  'PARTNERDESK_TEST_SUMMARY',
  'PARTNERDESK_SCREENSHOT_DIR',
] as const;

type Env = Record<string, string | undefined>;

function invalid(name: string, value: string, expected: string): AppError {
  return new AppError('bad_request', 'config.invalid', { name, value, expected }, { field: name });
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalid(name, raw, `${min}–${max}`);
  return Number(raw);
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw invalid(name, raw, '0 | 1');
}

function oneOf<T extends string>(env: Env, name: string, def: T, values: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!(values as readonly string[]).includes(raw)) throw invalid(name, raw, values.join(' | '));
  return raw as T;
}

export function parseConfig(env: Env, cwd: string): Config {
  for (const name of Object.keys(env)) {
    if (name.startsWith('PARTNERDESK_') && !(KNOWN_VARS as readonly string[]).includes(name)) {
      throw new AppError('bad_request', 'config.unknown', { name }, { field: name });
    }
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    let u: URL;
    try {
      u = new URL(databaseUrl);
    } catch {
      throw invalid('DATABASE_URL', redactUrl(databaseUrl), 'postgres://user:password@host:5432/database');
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      throw invalid('DATABASE_URL', redactUrl(databaseUrl), 'postgres://user:password@host:5432/database');
    }
  }

  const dbSchema = env.PARTNERDESK_DB_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(dbSchema)) throw invalid('PARTNERDESK_DB_SCHEMA', dbSchema, '[a-z_][a-z0-9_]*');
  if (dbSchema !== 'public' && !databaseUrl) throw invalid('PARTNERDESK_DB_SCHEMA', dbSchema, 'public (the embedded store has one schema)');

  const publicUrl = (env.PARTNERDESK_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw invalid('PARTNERDESK_PUBLIC_URL', publicUrl, 'https://desk.example.com');
  }
  const secureMode = oneOf(env, 'PARTNERDESK_COOKIE_SECURE', 'auto', ['auto', '0', '1'] as const);

  let clockStart: Date | undefined;
  if (env.PARTNERDESK_CLOCK_START) {
    clockStart = new Date(env.PARTNERDESK_CLOCK_START);
    if (Number.isNaN(clockStart.getTime())) throw invalid('PARTNERDESK_CLOCK_START', env.PARTNERDESK_CLOCK_START, '2026-10-01T00:00:00Z');
  }

  const adminEmail = env.PARTNERDESK_ADMIN_EMAIL || undefined;
  const adminPassword = env.PARTNERDESK_ADMIN_PASSWORD || undefined;
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) throw invalid('PARTNERDESK_ADMIN_EMAIL', adminEmail, 'name@example.com');
  if (adminPassword && adminPassword.length < 12) throw invalid('PARTNERDESK_ADMIN_PASSWORD', '***', '12+ characters');
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw invalid(adminEmail ? 'PARTNERDESK_ADMIN_PASSWORD' : 'PARTNERDESK_ADMIN_EMAIL', '', 'both PARTNERDESK_ADMIN_EMAIL and PARTNERDESK_ADMIN_PASSWORD');
  }

  const cliLocaleRaw = env.PARTNERDESK_LOCALE;
  if (cliLocaleRaw && !matchLocale(cliLocaleRaw)) throw invalid('PARTNERDESK_LOCALE', cliLocaleRaw, 'en | de | zh-CN | ru');
  const cliLocale = localeFromEnv(env);

  return {
    port,
    host,
    databaseUrl,
    dataDir: resolvePath(cwd, env.PARTNERDESK_DATA_DIR || 'data'),
    dbSchema,
    // 2 at least: start-up holds an advisory lock on one connection while it works on another
    poolMax: int(env, 'PARTNERDESK_DB_POOL_MAX', 10, 2, 200),
    demo: bool(env, 'PARTNERDESK_DEMO', true),
    worker: bool(env, 'PARTNERDESK_WORKER', true),
    logLevel: oneOf(env, 'PARTNERDESK_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    publicUrl,
    cookieSecure: secureMode === 'auto' ? publicUrl.startsWith('https:') : secureMode === '1',
    bodyLimit: int(env, 'PARTNERDESK_BODY_LIMIT', 1_048_576, 1024, 1_073_741_824),
    uploadLimit: int(env, 'PARTNERDESK_UPLOAD_LIMIT', 2_147_483_648, 1024, 17_179_869_184),
    sessionTtlHours: int(env, 'PARTNERDESK_SESSION_TTL_HOURS', 12, 1, 24 * 90),
    clockStart,
    trustProxy: parseTrustProxy(env.PARTNERDESK_TRUST_PROXY),
    secretKey: env.PARTNERDESK_SECRET_KEY ? parseSecretKey(env.PARTNERDESK_SECRET_KEY) : undefined,
    syncCron: parseCron(env.PARTNERDESK_SYNC_CRON),
    adminEmail,
    adminPassword,
    cliLocale,
    ...parseMail(env),
    businessTimeZone: parseTimeZone(env.PARTNERDESK_BUSINESS_TIME_ZONE),
  };
}

const EMAIL = /^[^@\s<>,;"]+@[^@\s<>,;"]+$/;

/** Email settings; a missing PARTNERDESK_SMTP_URL is valid (the desk runs without mail and says so). */
function parseMail(env: Env): Pick<Config, 'smtpUrl' | 'mailFrom' | 'mailLocale' | 'financeEmails'> {
  const smtpUrl = env.PARTNERDESK_SMTP_URL || undefined;
  if (smtpUrl) {
    const expected = 'smtp://user:password@host:587 | smtps://user:password@host:465';
    let u: URL;
    try {
      u = new URL(smtpUrl);
    } catch {
      throw invalid('PARTNERDESK_SMTP_URL', redactUrl(smtpUrl), expected);
    }
    if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) throw invalid('PARTNERDESK_SMTP_URL', redactUrl(smtpUrl), expected);
  }
  const fromRaw = (env.PARTNERDESK_MAIL_FROM || 'Partnerdesk <billing@localhost>').trim();
  const m = /^(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(fromRaw);
  const address = m?.[2] ?? m?.[3];
  if (!m || !address || !EMAIL.test(address)) throw invalid('PARTNERDESK_MAIL_FROM', fromRaw, 'Partnerdesk <billing@example.com> | billing@example.com');
  const mailLocaleRaw = env.PARTNERDESK_MAIL_LOCALE;
  const mailLocale = mailLocaleRaw ? matchLocale(mailLocaleRaw) : DEFAULT_LOCALE;
  if (!mailLocale) throw invalid('PARTNERDESK_MAIL_LOCALE', mailLocaleRaw!, 'en | de | zh-CN | ru');
  const financeEmails: string[] = [];
  for (const part of (env.PARTNERDESK_FINANCE_EMAILS ?? '').split(/[,;]/)) {
    const a = part.trim();
    if (!a) continue;
    if (!EMAIL.test(a)) throw invalid('PARTNERDESK_FINANCE_EMAILS', a, 'finance@example.com,ap@example.com');
    if (!financeEmails.some((x) => x.toLowerCase() === a.toLowerCase())) financeEmails.push(a);
  }
  return { smtpUrl, mailFrom: { name: (m[1] ?? '').trim(), address }, mailLocale, financeEmails };
}

function parseTimeZone(raw: string | undefined): string {
  if (!raw) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: raw.trim() }).resolvedOptions().timeZone;
  } catch {
    throw invalid('PARTNERDESK_BUSINESS_TIME_ZONE', raw, 'an IANA time zone, e.g. Europe/Berlin');
  }
}

function parseCron(raw: string | undefined): string {
  if (!raw) return '7 */4 * * *'; // every four hours
  if (!/^(\S+\s+){4}\S+$/.test(raw.trim())) throw invalid('PARTNERDESK_SYNC_CRON', raw, 'a 5-field cron expression, e.g. 7 */4 * * *');
  return raw.trim();
}

function parseTrustProxy(raw: string | undefined): boolean | string[] {
  if (raw === undefined || raw === '' || raw === '0' || raw.toLowerCase() === 'false') return false;
  if (raw === '1' || raw.toLowerCase() === 'true') return true;
  const list = raw.split(',').map((x) => x.trim()).filter(Boolean);
  if (!list.every((x) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x))) {
    throw invalid('PARTNERDESK_TRUST_PROXY', raw, '0 | 1 | 10.0.0.1,10.0.0.0/8');
  }
  return list;
}

/** The operator's language for CLI output; tolerant, so even a bad configuration is explained in it. */
export function localeFromEnv(env: Env): Locale {
  return matchLocale(env.PARTNERDESK_LOCALE) ?? matchLocale(env.LC_ALL) ?? matchLocale(env.LC_MESSAGES) ?? matchLocale(env.LANG) ?? DEFAULT_LOCALE;
}

function resolvePath(cwd: string, p: string): string {
  if (p.startsWith('/')) return p.replace(/\/+$/, '') || '/';
  const parts = [...cwd.split('/'), ...p.split('/')];
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** Hide a password in a connection string before it is shown anywhere. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
