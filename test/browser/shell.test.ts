import { expect, it } from 'vitest';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';

/**
 * The web shell in a real browser against `partnerdesk serve` (the BUILT dist: run
 * `node scripts/build.mjs` first): sign in, switch the language (saved on the user), reload,
 * sign out; a wrong password shows the server's localized problem title.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the dashboard and the German “Me” page.
 */

const ADMIN = { email: 'ada@example.com', password: 'correct-horse-battery', role: 'admin' as const };
const en = catalog('en');
const de = catalog('de');

browserSuite('web shell in Chromium', () => {
  const desk = useDesk({ users: [ADMIN] });

  it('signs in, switches to German for good (saved on the user), and signs out', async () => {
    const page = await desk.newPage();
    const url = desk.url;

    await page.goto(url);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.getByRole('heading', { name: en('web.login.title') }).waitFor();
    await page.getByLabel(en('web.login.email')).fill(ADMIN.email);
    await page.getByLabel(en('web.login.password')).fill(ADMIN.password);
    await page.getByRole('button', { name: en('web.login.submit') }).click();

    const nav = page.getByRole('navigation', { name: en('web.nav.label') });
    await nav.getByRole('link', { name: en('web.nav.dashboard') }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    for (const key of ['web.nav.users', 'web.nav.audit', 'web.nav.me']) await nav.getByRole('link', { name: en(key) }).waitFor();
    await page.getByRole('heading', { level: 1, name: en('web.dashboard.title') }).waitFor();
    await page.getByText(en('web.dashboard.version'), { exact: true }).first().waitFor(); // /api/system answered
    await desk.screenshot(page, 'dashboard');

    // the language switch saves the choice on the user
    const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me' && r.request().method() === 'PATCH');
    await page.getByLabel(en('web.lang.label')).selectOption('de');
    expect((await saved).status()).toBe(200);
    const navDe = page.getByRole('navigation', { name: de('web.nav.label') });
    await navDe.getByRole('link', { name: de('web.nav.dashboard') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');

    await page.reload();
    await navDe.getByRole('link', { name: de('web.nav.audit') }).waitFor();
    await page.getByRole('heading', { level: 1, name: de('web.dashboard.title') }).waitFor();
    expect(await page.getByLabel(de('web.lang.label')).inputValue()).toBe('de');

    const me = await page.request.get(`${url}/api/me`);
    expect(me.status()).toBe(200);
    expect(((await me.json()) as { locale: string }).locale).toBe('de');

    await navDe.getByRole('link', { name: de('web.nav.me') }).click();
    await page.getByRole('heading', { level: 1, name: de('web.me.title') }).waitFor();
    await page.getByRole('heading', { name: de('web.me.tokens.title') }).waitFor();
    await desk.screenshot(page, 'me-de');

    await page.getByRole('button', { name: de('web.topbar.sign_out') }).click();
    await page.getByRole('heading', { name: de('web.login.title') }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    expect((await page.request.get(`${url}/api/auth/session`)).status()).toBe(401);
  });

  it('shows the localized problem title for a wrong password', async () => {
    const page = await desk.newPage();
    await page.goto(`${desk.url}/login`);
    await page.getByLabel(en('web.lang.label')).selectOption('de'); // before sign-in: kept in the browser
    await page.getByRole('heading', { name: de('web.login.title') }).waitFor();
    await page.getByLabel(de('web.login.email')).fill(ADMIN.email);
    await page.getByLabel(de('web.login.password')).fill('not-the-password');
    await page.getByRole('button', { name: de('web.login.submit') }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBe(de('errors.auth.invalid_credentials'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await desk.screenshot(page, 'login-error');
  });
});
