import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Account, TestApp } from './test-app.ts';

/** A person's browser on the console: its page, what it asked of other hosts, what it threw. */
export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  /** Requests to anywhere but the service (there must be none). */
  external: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  close(): Promise<void>;
}

export function origin(t: TestApp): string {
  return new URL(t.url).origin;
}

export interface ConsoleOptions {
  viewport?: { width: number; height: number };
  /** Runs on the new context before the console loads (routes, say). */
  beforeLoad?: (context: BrowserContext) => Promise<void>;
}

/** A fresh browser context (its own storage: another person) on the console's `path`. */
export async function openConsole(
  browser: Browser,
  t: TestApp,
  path = '/',
  options: ConsoleOptions = {},
): Promise<ConsoleTab> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  await options.beforeLoad?.(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const external: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(origin(t)) && !/^(data|blob):/.test(req.url()))
      external.push(req.url());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(origin(t) + path);
  return {
    context,
    page,
    external,
    errors,
    async close() {
      expect(external, 'the console loads nothing from other hosts').toEqual([]);
      expect(errors, 'the page threw no uncaught error').toEqual([]);
      await context.close();
    },
  };
}

/** Logs in through the login form, as a person would, and waits for the live feed. */
export async function logIn(page: Page, account: Pick<Account, 'id' | 'password'>): Promise<void> {
  await page.getByLabel('Account id').fill(account.id);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('live').and(page.locator('[data-state="live"]')).waitFor();
}

/** A browser context logged in as `account`, on `path`. */
export async function consoleAs(
  browser: Browser,
  t: TestApp,
  account: Pick<Account, 'id' | 'password'>,
  path = '/',
  options: ConsoleOptions = {},
): Promise<ConsoleTab> {
  const tab = await openConsole(browser, t, path, options);
  await logIn(tab.page, account);
  return tab;
}

/** Waits until the server holds `count` live subscriptions (the page's feed is subscribed). */
export async function waitForSubscribers(t: TestApp, count: number): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          (await fetch(`${origin(t)}/healthz/live`).then((r) => r.json())) as {
            subscriptions: number;
          }
        ).subscriptions,
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(count);
}
