import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateOrderStateDocument } from '../generated/graphql.ts';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, waitForSubscribers } from '../utils/console-page.ts';
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

const PHONE = { width: 390, height: 844 };

async function fillCart(page: Page) {
  await page.getByRole('link', { name: /鲜果时光/ }).click();
  await page.getByRole('heading', { name: '鲜果时光 Fresh Fruit Time' }).waitFor();
  await page.getByLabel('Count of 富士苹果 Fuji apples (1 kg)').fill('2');
  await page.getByLabel('Count of 丹东草莓 Dandong strawberries (500 g)').fill('1');
  // The service's quote: 2 × 12.80 + 45.00.
  await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('¥70.60');
}

async function checkout(page: Page, telNum = '138-0013-8000') {
  await page.getByLabel('Recipient 收件人').fill('李雷');
  await page.getByLabel('Address 地址').fill('北京市海淀区中关村大街 27 号 1101 室');
  await page.getByLabel('Telephone 电话').fill(telNum);
  await page.getByRole('button', { name: 'Confirm the order' }).click();
}

/** The page is no wider than the screen: nothing needs sideways scrolling but tables. */
async function fitsTheScreen(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}

describe('the shop flow in the console', () => {
  it('quotes a cart, refuses a bad telephone number at its field, confirms, pays, and shows the delivery live', async () => {
    const tab = await consoleAs(browser, t, demo.otherConsumer, '/shop', { viewport: PHONE });
    const { page } = tab;
    await fitsTheScreen(page);
    await fillCart(page);
    await checkout(page, 'call me');
    await page
      .locator('.field-error')
      .getByText(/telephone/i)
      .waitFor();
    expect(new URL(page.url()).pathname).toBe('/shop/1');

    await checkout(page);
    await page.getByTestId('order-no').waitFor();
    const orderId = new URL(page.url()).pathname.split('/').pop()!;
    await page
      .locator('.page-header [data-status="PENDING_PAYMENT"]')
      .getByText('待支付')
      .waitFor();
    await expect.poll(() => page.getByText('¥25.60').count()).toBeGreaterThan(0);
    await fitsTheScreen(page);

    await page.getByLabel('Pay with').selectOption('WECHAT');
    await page.getByRole('button', { name: 'Pay ¥70.60' }).click();
    await page.locator('.page-header [data-status="PAID"]').getByText('已支付').waitFor();
    await page.getByText('WeChat Pay 微信支付').waitFor();

    // Staff deliver it elsewhere: the page moves on by itself.
    await waitForSubscribers(t, 1);
    const operator = await t.login(demo.operator);
    const delivered = await t.gql(
      UpdateOrderStateDocument,
      { orderId, status: 'COMPLETED' },
      { token: operator },
    );
    expect(delivered.data?.updateOrderState.errors).toEqual([]);
    await page.locator('.page-header [data-status="COMPLETED"]').getByText('已完成').waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Status changed' })
      .getByText('已完成')
      .waitFor();

    // The ledger shows the debit.
    await page.getByRole('link', { name: 'Balance' }).click();
    await page.getByRole('list', { name: 'Ledger' }).getByText('−¥70.60').waitFor();
    expect(await page.getByTestId('balance').textContent()).toBe('¥49,929.40');
    await tab.close();
  });

  it('cancels an unpaid order, then deletes it from the list', async () => {
    const tab = await consoleAs(browser, t, demo.thirdConsumer, '/shop');
    const { page } = tab;
    await fillCart(page);
    await checkout(page);
    const orderNo = await page.getByTestId('order-no').textContent();
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel' }).click();
    await page.locator('.page-header [data-status="CANCELLED"]').getByText('已取消').waitFor();
    await page.getByText('Yes 已取消').waitFor();

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    const row = page.locator('.order-row', { hasText: orderNo! });
    await row.getByText('已取消').waitFor();
    await row.getByRole('link').click();
    await page.getByRole('button', { name: 'Delete from my orders' }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await page.getByText('No orders here yet.').waitFor();
    await tab.close();
  });
});
