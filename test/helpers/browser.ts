import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../src/paths.js';
import { runCli, startServe, storeEnv, type Served } from './processes.js';

/**
 * What every browser test shares: Debian's Chromium through playwright-core, a `partnerdesk serve`
 * (the BUILT dist: `node scripts/build.mjs` first) on this leg's store with staff users made
 * before it starts, sign-in, and optional screenshots (PARTNERDESK_SCREENSHOT_DIR).
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM);

/** describe() when Chromium is there; without it, skip locally but never silently on CI. */
export function browserSuite(name: string, fn: () => void): void {
  const run = hasChromium || Boolean(process.env.CI);
  (run ? describe : describe.skip)(run ? name : `${name} (skipped: ${CHROMIUM} not found; with CI set this fails)`, fn);
}

type Messages = { [key: string]: string | Messages };
/** A catalog lookup for assertions; plain {name} arguments only (enough for labels). */
export function catalog(locale: 'en' | 'de'): (key: string, params?: Record<string, string>) => string {
  const root = JSON.parse(readFileSync(join(ROOT, 'locales', `${locale}.json`), 'utf8')) as Messages;
  return (key, params = {}) => {
    let node: string | Messages | undefined = root;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') throw new Error(`no message ${key} in ${locale}.json`);
    return node.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
  };
}

export interface StaffUser {
  email: string;
  password: string;
  role: 'admin' | 'billing' | 'support' | 'viewer';
}

export interface Desk {
  readonly url: string;
  newPage(): Promise<Page>;
  /** a new browser context, signed in through the login form, on the dashboard */
  signIn(user: { email: string; password: string }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
}

/** Registers beforeAll/afterAll in the calling suite: users and `beforeServe` steps (CLI, or the store opened directly), then serve and the browser. */
export function useDesk(opts: { users: StaffUser[]; serveEnv?: Record<string, string>; beforeServe?: (env: Record<string, string>) => void | Promise<void> }): Desk {
  let store: ReturnType<typeof storeEnv> | undefined;
  let served: Served | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const en = catalog('en');

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: the browser tests cannot run on CI without it`);
    if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('dist/web is not built: run `node scripts/build.mjs` first');
    store = storeEnv();
    // before serve: the embedded store allows one process at a time
    for (const u of opts.users) {
      const created = runCli(['user', 'create', '--email', u.email, '--role', u.role, '--password', u.password, '--json'], store.env);
      expect(created.code, created.stderr || created.stdout).toBe(0);
    }
    await opts.beforeServe?.(store.env);
    served = await startServe({ ...store.env, PARTNERDESK_DEMO: '0', ...opts.serveEnv });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await served?.stop();
    await store?.cleanup();
  });

  const desk: Desk = {
    get url() {
      return served!.url;
    },
    async newPage() {
      const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async signIn(user) {
      const page = await desk.newPage();
      await page.goto(`${served!.url}/login`);
      await page.getByLabel(en('web.login.email')).fill(user.email);
      await page.getByLabel(en('web.login.password')).fill(user.password);
      await page.getByRole('button', { name: en('web.login.submit') }).click();
      await page.getByRole('heading', { level: 1, name: en('web.dashboard.title') }).waitFor();
      return page;
    },
    async screenshot(page, name) {
      const dir = process.env.PARTNERDESK_SCREENSHOT_DIR;
      if (!dir) return;
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${name}-${process.env.PARTNERDESK_TEST_STORE ?? 'pglite'}.png`), fullPage: true });
    },
  };
  return desk;
}
