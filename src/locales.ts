import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n, LOCALES, type Catalog, type I18n, type Locale } from './core/i18n.js';
import { LOCALES_DIR } from './paths.js';

export function readCatalogs(dir = LOCALES_DIR): Record<Locale, Catalog> {
  return Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')) as Catalog])) as Record<
    Locale,
    Catalog
  >;
}

let shared: I18n | undefined;
/** The catalogs, read once per process. */
export function loadI18n(): I18n {
  shared ??= createI18n(readCatalogs());
  return shared;
}
