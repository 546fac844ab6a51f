import { IntlMessageFormat } from 'intl-messageformat';
import { currencyExponent } from './currencies.js';
import { formatScaled, type Money } from './money.js';

export const LOCALES = ['en', 'de', 'zh-CN', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export type Catalog = { [key: string]: string | Catalog };
export type FlatCatalog = Record<string, string>;
export type MessageParams = Record<string, string | number | Date | bigint | boolean | null | undefined>;

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

/** Map any BCP 47 tag to a supported locale, or undefined. `zh`, `zh-Hans`, `zh-SG` → zh-CN. */
export function matchLocale(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.trim().replace('_', '-').toLowerCase();
  if (!t) return undefined;
  const lang = t.split('-')[0];
  if (lang === 'zh') return 'zh-CN';
  return LOCALES.find((l) => l.toLowerCase() === lang);
}

/** Pick the best supported locale from an Accept-Language header (q-values honoured). */
export function negotiateLocale(header: string | undefined | null, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!header) return fallback;
  const prefs = header
    .split(',')
    .map((part, i) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const qv = q ? Number.parseFloat(q.slice(2)) : 1;
      return { tag: tag ?? '', q: Number.isFinite(qv) ? qv : 0, i };
    })
    .filter((p) => p.q > 0 && p.tag !== '*')
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const p of prefs) {
    const m = matchLocale(p.tag);
    if (m) return m;
  }
  return fallback;
}

/** Flatten a nested catalog into dotted keys. */
export function flattenCatalog(c: Catalog, prefix = ''): FlatCatalog {
  const out: FlatCatalog = {};
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else Object.assign(out, flattenCatalog(v, `${prefix}${k}.`));
  }
  return out;
}

export interface Formatter {
  readonly locale: Locale;
  /** A catalog message; falls back to English, then to the key itself. */
  t(key: string, params?: MessageParams): string;
  has(key: string): boolean;
  money(m: Money): string;
  number(n: number | bigint): string;
  date(d: Date, timeZone?: string): string;
  dateTime(d: Date, timeZone?: string): string;
}

export interface I18n {
  formatter(locale: Locale): Formatter;
  t(locale: Locale, key: string, params?: MessageParams): string;
}

export function createI18n(catalogs: Record<Locale, Catalog>): I18n {
  const flat = Object.fromEntries(LOCALES.map((l) => [l, flattenCatalog(catalogs[l] ?? {})])) as Record<Locale, FlatCatalog>;
  const cache = new Map<string, IntlMessageFormat>();
  const formatters = new Map<Locale, Formatter>();

  function t(locale: Locale, key: string, params?: MessageParams): string {
    let loc: Locale = locale;
    let src = flat[locale][key];
    if (src === undefined) {
      loc = DEFAULT_LOCALE;
      src = flat[DEFAULT_LOCALE][key];
    }
    if (src === undefined) return key;
    const ck = `${loc}\u0000${key}`;
    let mf = cache.get(ck);
    if (!mf) {
      mf = new IntlMessageFormat(src, loc, undefined, { ignoreTag: true });
      cache.set(ck, mf);
    }
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params ?? {})) values[k] = typeof v === 'bigint' ? v.toString() : v ?? '';
    return String(mf.format(values as Record<string, string>));
  }

  function formatter(locale: Locale): Formatter {
    let f = formatters.get(locale);
    if (f) return f;
    const numberFmt = new Intl.NumberFormat(locale);
    f = {
      locale,
      t: (key, params) => t(locale, key, params),
      has: (key) => key in flat[locale],
      money: (m) => formatMoney(locale, m),
      number: (n) => numberFmt.format(n),
      date: (d, timeZone = 'UTC') => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(d),
      dateTime: (d, timeZone = 'UTC') =>
        new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d),
    };
    formatters.set(locale, f);
    return f;
  }

  return { t, formatter };
}

/**
 * Format money for people. The amount reaches Intl as an exact decimal string (Intl.NumberFormat
 * accepts strings without converting them to floats), with ISO 4217 fraction digits.
 */
export function formatMoney(locale: Locale, m: Money): string {
  const exp = currencyExponent(m.currency);
  const nf = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: exp,
    maximumFractionDigits: exp,
  });
  const decimal = formatScaled({ value: m.amount, scale: exp });
  return nf.format(decimal as unknown as number);
}
