import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { IntlMessageFormat } from 'intl-messageformat';
import en from '../../locales/en.json';
import de from '../../locales/de.json';
import zhCN from '../../locales/zh-CN.json';
import ru from '../../locales/ru.json';

export const LOCALES = ['en', 'de', 'zh-CN', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Language names are shown in their own language, whatever the current locale. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', 'zh-CN': '简体中文', ru: 'Русский' };

type Catalog = { [key: string]: string | Catalog };
type Flat = Record<string, string>;
export type Params = Record<string, string | number | Date | null | undefined>;

function flatten(c: Catalog | undefined, prefix = '', out: Flat = {}): Flat {
  for (const [k, v] of Object.entries(c ?? {})) {
    if (typeof v === 'string') out[prefix + k] = v;
    else flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

/**
 * The web.* subtree, plus the few server messages the UI shows from data rather than from a
 * problem: the reasons a draft invoice is held (errors.invoicing.hold.*, stored as keys, and the
 * pricing errors that hold a customer whose lines could not be rated, e.g. errors.pricing.no_rate).
 * Problem titles arrive already localized.
 */
function messagesOf(c: Catalog): Flat {
  const errors = c.errors as Catalog | undefined;
  const hold = (errors?.invoicing as Catalog | undefined)?.hold as Catalog | undefined;
  const pricing = errors?.pricing as Catalog | undefined;
  return { ...flatten(c.web as Catalog, 'web.'), ...flatten(hold, 'errors.invoicing.hold.'), ...flatten(pricing, 'errors.pricing.') };
}
const FLAT: Record<Locale, Flat> = {
  en: messagesOf(en as unknown as Catalog),
  de: messagesOf(de as unknown as Catalog),
  'zh-CN': messagesOf(zhCN as unknown as Catalog),
  ru: messagesOf(ru as unknown as Catalog),
};

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

/** Any BCP 47 tag → a supported locale (zh, zh-Hans, zh-TW → zh-CN; de-AT → de). */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lang = tag.trim().replace('_', '-').toLowerCase().split('-')[0];
  if (lang === 'zh') return 'zh-CN';
  return LOCALES.find((l) => l.toLowerCase() === lang);
}

const STORAGE_KEY = 'partnerdesk.locale';

/** The language before anyone signs in: the last choice on this browser, else the browser's language. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    /* storage blocked */
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const m = matchLocale(tag);
    if (m) return m;
  }
  return DEFAULT_LOCALE;
}

export function rememberLocale(l: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* storage blocked */
  }
}

export interface Formatter {
  locale: Locale;
  /** The message for a key (falls back to English, then to the key itself). */
  t(key: string, params?: Params): string;
  /** Whether the catalogs have this key (in this locale or in English). */
  has(key: string): boolean;
  number(n: number): string;
  dateTime(iso: string | Date | null | undefined, opts?: { timeZone?: string; style?: 'short' | 'medium' | 'long' }): string;
  date(iso: string | Date | null | undefined, opts?: { timeZone?: string }): string;
}

const cache = new Map<string, IntlMessageFormat>();

function translate(locale: Locale, key: string, params?: Params): string {
  let loc = locale;
  let src = FLAT[locale][key];
  if (src === undefined) {
    loc = DEFAULT_LOCALE;
    src = FLAT.en[key];
  }
  if (src === undefined) {
    if (import.meta.env.DEV) console.warn(`missing message ${key}`);
    return key;
  }
  const ck = `${loc}\u0000${key}`;
  let mf = cache.get(ck);
  if (!mf) {
    mf = new IntlMessageFormat(src, loc, undefined, { ignoreTag: true });
    cache.set(ck, mf);
  }
  const values: Record<string, string | number | Date> = {};
  for (const [k, v] of Object.entries(params ?? {})) values[k] = v ?? '';
  return String(mf.format(values));
}

function safeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

export function createFormatter(locale: Locale, defaultTimeZone?: string): Formatter {
  const nf = new Intl.NumberFormat(locale);
  const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    has: (key) => key in FLAT[locale] || key in FLAT.en,
    number: (n) => nf.format(n),
    dateTime(v, opts = {}) {
      if (!v) return '';
      const d = toDate(v);
      if (Number.isNaN(d.getTime())) return String(v);
      const style = opts.style ?? 'medium';
      return new Intl.DateTimeFormat(locale, {
        dateStyle: style,
        timeStyle: style === 'long' ? 'long' : 'short',
        timeZone: safeZone(opts.timeZone ?? defaultTimeZone),
      }).format(d);
    },
    date(v, opts = {}) {
      if (!v) return '';
      const d = toDate(v);
      if (Number.isNaN(d.getTime())) return String(v);
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: safeZone(opts.timeZone ?? defaultTimeZone) }).format(d);
    },
  };
}

const I18nContext = createContext<Formatter>(createFormatter(DEFAULT_LOCALE));

export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone?: string | undefined; children: ReactNode }) {
  const fmt = useMemo(() => createFormatter(locale, timeZone), [locale, timeZone]);
  return <I18nContext.Provider value={fmt}>{children}</I18nContext.Provider>;
}

export function useI18n(): Formatter {
  return useContext(I18nContext);
}

/** The IANA time zones this browser knows, UTC first. */
export function timeZones(current?: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set(['UTC', ...zones]);
  if (current) all.add(current);
  return [...all];
}
