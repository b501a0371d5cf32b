import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  ConfirmShopOrderDocument,
  MeDocument,
  RefreshTokenDocument,
} from '../generated/graphql.ts';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, openConsole, waitForSubscribers } from '../utils/console-page.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { ADDRESS, makeShop, type TestShop } from './shop-fixtures.ts';

// Access tokens live 6 s here, so a test sees several of them expire.
const TTL_SECONDS = 6;

let t: TestApp;
let browser: Browser;
let shop: TestShop;
beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestApp({ config: { tokenTtlSeconds: TTL_SECONDS } }),
    launchChromium(),
  ]);
  shop = await makeShop(t, [{ price: '5.00', stock: 100 }]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface StoredSession {
  token: string;
  refreshToken: string;
  tokenExpiresAt: string;
}

const stored = (page: Page) =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem('orderly.session') ?? 'null') as StoredSession | null,
  );

/** An unpaid shop order of the consumer's, placed through the API (as another device would). */
async function placeShopOrder(token: string): Promise<string> {
  const res = await t.gql(
    ConfirmShopOrderDocument,
    {
      input: {
        shopId: shop.id,
        address: ADDRESS,
        products: [{ productId: shop.productIds[0], count: 1 }],
      },
    },
    { token },
  );
  const id = res.data?.confirmShopOrder.order?.id;
  if (!id) throw new Error(`order not placed: ${JSON.stringify(res)}`);
  return id;
}

/** The order, placed and cancelled elsewhere, shows up and moves on in the tab by itself. */
async function followsAnOrderLive(page: Page, token: string): Promise<void> {
  const orderId = await placeShopOrder(token);
  const row = page.locator(`.order-row[data-order-id="${orderId}"]`);
  await row.getByText('待支付').waitFor();
  expect((await t.gql(CancelShopOrderDocument, { orderId }, { token })).data).toBeTruthy();
  await row.getByText('已取消').waitFor();
}

describe('console sessions: refresh tokens and logout', () => {
  it('renews the access token before it expires, in two tabs at once: pages and the live feed keep working', async () => {
    const tab = await consoleAs(browser, t, demo.consumer, '/orders');
    const first = tab.page;
    const second = await tab.context.newPage();
    await second.goto(first.url());
    await second.getByTestId('live').and(second.locator('[data-state="live"]')).waitFor();
    const login = (await stored(first))!;

    // Three token lifetimes: each token is renewed once (one tab refreshes, the other takes the
    // stored result; a refresh token presented twice would have ended the session).
    const seen = new Set([login.token]);
    await expect
      .poll(
        async () => {
          seen.add((await stored(first))!.token);
          return seen.size;
        },
        { timeout: TTL_SECONDS * 4000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(4);
    expect(Date.now() - Date.parse(login.tokenExpiresAt)).toBeGreaterThan(TTL_SECONDS * 1000);

    for (const page of [first, second]) {
      expect(new URL(page.url()).pathname).toBe('/orders');
      await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    }
    // Both sockets carry a good token (a stale one is closed at its expiry): events arrive.
    const apiToken = await t.login(demo.consumer);
    await waitForSubscribers(t, 2);
    await followsAnOrderLive(first, apiToken);
    await second.reload();
    await second.getByRole('heading', { name: 'My orders' }).waitFor();
    // HTTP with the renewed token.
    await first.getByRole('link', { name: 'Balance' }).click();
    await first.getByTestId('balance').waitFor();
    expect(new URL(first.url()).pathname).toBe('/account');
    await tab.close();
  });

  it('opens with an expired token (the laptop slept): renews it and shows the page, live', async () => {
    const login = await t.gql(
      `mutation ($id: ID!, $pw: String!) {
        login(consumerId: $id, password: $pw) {
          token refreshToken tokenExpiresAt consumer { id name role }
        }
      }`,
      { id: demo.otherConsumer.id, pw: demo.otherConsumer.password },
    );
    const session = login.data.login;
    // Until the token is refused by the service.
    await expect
      .poll(async () => (await t.gql(MeDocument, {}, { token: session.token })).status, {
        timeout: TTL_SECONDS * 2000,
        interval: 500,
      })
      .toBe(401);

    const tab = await openConsole(browser, t, '/login');
    const { page } = tab;
    await page.evaluate(
      (value) => localStorage.setItem('orderly.session', value),
      JSON.stringify({ ...session, key: 'slept' }),
    );
    await page.goto(new URL('/orders', page.url()).toString());
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    // The service acknowledges any socket and closes one whose token has expired at once, so the
    // feed may look live for a moment before the renewal: wait for the renewed token first.
    await expect
      .poll(async () => (await stored(page))?.token, { timeout: 10_000 })
      .not.toBe(session.token);
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/orders');
    await followsAnOrderLive(page, await t.login(demo.otherConsumer));
    await tab.close();
  });

  it('logs out through the service: the tokens the tab held no longer work', async () => {
    const tab = await consoleAs(browser, t, demo.thirdConsumer, '/account');
    const { page } = tab;
    await page.getByTestId('balance').waitFor();
    const before = (await stored(page))!;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await stored(page)).toBeNull();

    const me = await t.gql(MeDocument, {}, { token: before.token });
    expect(me.errors?.[0]?.extensions?.reason).toBe('revoked');
    const refreshed = await t.gql(RefreshTokenDocument, { refreshToken: before.refreshToken });
    expect(refreshed.data?.refreshToken?.token ?? null).toBeNull();
    expect(refreshed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await tab.close();
  });
});
