import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, openConsole, origin } from '../utils/console-page.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the web console, served by the service', () => {
  it('answers / with the console page, revalidated on every load, scripts from the service only', async () => {
    const res = await fetch(`${origin(t)}/`, { headers: html });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const page = await res.text();
    expect(page).toContain('<div id="root"></div>');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves its hashed assets cached for a year, and revalidates unhashed files', async () => {
    const page = await (await fetch(`${origin(t)}/`, { headers: html })).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(origin(t) + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await fetch(`${origin(t)}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a client route reloaded in the browser with the console page', async () => {
    const res = await fetch(`${origin(t)}/orders/00000000-0000-4000-8000-000000000000`, {
      headers: html,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root"></div>');
  });

  it('leaves unknown API paths, missing assets and non-page requests to the API (no console page)', async () => {
    for (const [path, headers] of [
      ['/healthz/nothing', html],
      ['/assets/missing-0000.js', html],
      ['/some/path', { accept: 'application/json' }],
      ['/some/path', { accept: '*/*' }],
    ] as const) {
      const res = await fetch(origin(t) + path, { headers });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('<div id="root"></div>');
    }
  });

  it('keeps GraphiQL at /graphql', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(await res.text()).toContain('Orderly GraphiQL');
  });
});

describe('the console in a browser', () => {
  it('sends a visitor to the login page, and says why a wrong password is refused', async () => {
    const tab = await openConsole(browser, t, '/orders');
    const { page } = tab;
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Account id').fill(demo.consumer.id);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Wrong password').waitFor();
    await page.getByLabel('Password').fill(demo.consumer.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back where the visitor was going, logged in, with the live feed connected.
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    await tab.close();
  });

  it('logs out and ends the session when the service no longer accepts the token', async () => {
    const tab = await consoleAs(browser, t, demo.consumer, '/account');
    const { page } = tab;
    await page.getByTestId('balance').waitFor();
    // A token the service refuses (as an expired one is), stored where the console keeps it.
    await page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem('orderly.session')!);
      localStorage.setItem('orderly.session', JSON.stringify({ ...stored, token: 'expired' }));
    });
    await page.reload();
    await page.getByText('Your session has ended. Please log in again.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await tab.close();
  });
});
