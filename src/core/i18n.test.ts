import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { readCatalogs } from '../locales.js';
import { createI18n, flattenCatalog, formatMoney, LOCALES, matchLocale, negotiateLocale } from './i18n.js';

const catalogs = readCatalogs();
const flat = Object.fromEntries(LOCALES.map((l) => [l, flattenCatalog(catalogs[l])])) as Record<(typeof LOCALES)[number], Record<string, string>>;

/** Argument names and, per plural argument, its categories. */
function shape(elements: MessageFormatElement[], args = new Set<string>(), plurals: Set<string>[] = []) {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) args.add(el.value);
    if (el.type === TYPE.select || el.type === TYPE.plural) {
      args.add(el.value);
      if (el.type === TYPE.plural) plurals.push(new Set(Object.keys(el.options)));
      for (const opt of Object.values(el.options)) shape(opt.value, args, plurals);
    }
    if (el.type === TYPE.tag) shape(el.children, args, plurals);
  }
  return { args, plurals };
}

const REQUIRED_PLURALS: Record<string, string[]> = { en: ['one', 'other'], de: ['one', 'other'], 'zh-CN': ['other'], ru: ['one', 'few', 'many', 'other'] };

describe('message catalogs', () => {
  it('has every English key in every locale, and no extra ones', () => {
    const en = Object.keys(flat.en);
    expect(en.length).toBeGreaterThan(50);
    for (const l of LOCALES) {
      const keys = new Set(Object.keys(flat[l]));
      expect(en.filter((k) => !keys.has(k)), `missing in ${l}`).toEqual([]);
      expect([...keys].filter((k) => !(k in flat.en)), `extra in ${l}`).toEqual([]);
    }
  });

  it('parses every message as ICU, with the same placeholders in every locale and the plural forms each language needs', () => {
    const problems: string[] = [];
    for (const key of Object.keys(flat.en)) {
      const enShape = shape(parse(flat.en[key]!, { ignoreTag: true }));
      for (const l of LOCALES) {
        const src = flat[l][key];
        if (src === undefined) continue; // reported by the test above
        let s;
        try {
          s = shape(parse(src, { ignoreTag: true }));
        } catch (e) {
          problems.push(`${l} ${key}: does not parse (${(e as Error).message})`);
          continue;
        }
        const a = [...enShape.args].sort().join(',');
        const b = [...s.args].sort().join(',');
        if (a !== b) problems.push(`${l} ${key}: placeholders {${b}} differ from en {${a}}`);
        for (const cats of s.plurals) {
          const missing = REQUIRED_PLURALS[l]!.filter((c) => !cats.has(c));
          if (missing.length) problems.push(`${l} ${key}: plural lacks ${missing.join('/')}`);
        }
        if (l !== 'en' && l !== 'de' && src === flat.en[key] && /[a-z]{4,}/i.test(src.replace(/\{[^}]*\}/g, ''))) {
          problems.push(`${l} ${key}: not translated`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('formats Russian plurals with one/few/many', () => {
    const i18n = createI18n(catalogs);
    const key = 'errors.store.migrations_pending';
    // 1 → one, 3 → few, 5 → many, 21 → one again: three distinct wordings once the numbers are removed
    const forms = [1, 3, 5, 21].map((count) => i18n.t('ru', key, { count }).replace(/\d+/g, '#'));
    expect(new Set(forms).size).toBe(3);
    expect(forms[0]).toBe(forms[3]);
  });
});

describe('locale negotiation', () => {
  it('maps tags to supported locales', () => {
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('zh_TW')).toBe('zh-CN');
    expect(matchLocale('de-AT')).toBe('de');
    expect(matchLocale('ru_RU.UTF-8')).toBe('ru');
    expect(matchLocale('fr-FR')).toBeUndefined();
    expect(matchLocale('')).toBeUndefined();
  });

  it('honours q-values and falls back to English', () => {
    expect(negotiateLocale('fr;q=1, de;q=0.8, ru;q=0.9')).toBe('ru');
    expect(negotiateLocale('fr, es')).toBe('en');
    expect(negotiateLocale('de;q=0, en')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale('*')).toBe('en');
  });
});

describe('formatting', () => {
  it('formats money exactly with ISO digits in each locale', () => {
    const big = { amount: 123456789012345678901n, currency: 'EUR' };
    expect(formatMoney('en', big)).toBe('€1,234,567,890,123,456,789.01');
    expect(formatMoney('de', { amount: 123456n, currency: 'EUR' })).toBe('1.234,56\u00a0€');
    expect(formatMoney('ru', { amount: -50n, currency: 'RUB' })).toMatch(/^-0,50\s₽$/);
    expect(formatMoney('zh-CN', { amount: 100n, currency: 'CNY' })).toBe('¥1.00');
    expect(formatMoney('en', { amount: 1234n, currency: 'KWD' })).toMatch(/1\.234/);
    expect(formatMoney('en', { amount: 1234n, currency: 'HUF' })).toMatch(/12\.34/);
  });

  it('formats dates in a given time zone', () => {
    const i18n = createI18n(catalogs);
    const d = new Date('2026-10-31T23:30:00Z');
    expect(i18n.formatter('de').date(d, 'Europe/Berlin')).toBe('01.11.2026');
    expect(i18n.formatter('en').date(d, 'UTC')).toBe('Oct 31, 2026');
  });

  it('falls back to English, then to the key', () => {
    const i18n = createI18n({ en: { a: 'A {x}' }, de: {}, 'zh-CN': {}, ru: {} });
    expect(i18n.t('de', 'a', { x: 1 })).toBe('A 1');
    expect(i18n.t('de', 'missing')).toBe('missing');
  });
});
