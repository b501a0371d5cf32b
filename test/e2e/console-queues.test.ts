import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, waitForSubscribers } from '../utils/console-page.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { underwritingOrder } from './insurance-fixtures.ts';
import { makeShop, paidShopOrder as paidOrder } from './shop-fixtures.ts';

let t: TestApp;
let browser: Browser;
let consumer: string;
// A shop order the consumer placed and paid elsewhere (their phone): staff must deliver it.
const paidShopOrder = (shopId: string, productId: string) =>
  paidOrder(t, consumer, shopId, productId);

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchChromium()]);
  consumer = await t.login(demo.consumer);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const queue = (page: Page, name: string) => page.getByRole('list', { name, exact: true });
const row = (page: Page, name: string, orderId: string) =>
  queue(page, name).locator(`.order-row[data-order-id="${orderId}"]`);

describe("the operator's work queues in the console", () => {
  it('lists what waits for staff from the queue API, moves orders between queues live, and empties as the work is done', async () => {
    const shop = await makeShop(t, [{ price: '8.00', stock: 50 }]);
    const firstShopOrder = await paidShopOrder(shop.id, shop.productIds[0]);
    const { orderId: planOrder } = await underwritingOrder(t, consumer);

    const operator = await consoleAs(browser, t, demo.operator, '/operator');
    const op = operator.page;
    await row(op, 'Orders waiting for staff', firstShopOrder)
      .getByText(/To do: deliver it/)
      .waitFor();
    const inspection = row(op, 'Inspections to do', planOrder);
    await inspection.getByText(/at 北京市东城区东直门东方银座/).waitFor();
    await queue(op, 'Results to give').waitFor({ state: 'detached' });
    await op.getByText('Nothing waits here.').first().waitFor();

    // The schedule of the day the inspection is booked for (tomorrow; today has none).
    await op.getByText('Nothing waits here.').nth(1).waitFor();
    const day = new Date(Date.now() + 24 * 3600 * 1000);
    const local = new Date(day.getTime() - day.getTimezoneOffset() * 60_000);
    await op.getByLabel('Day').fill(local.toISOString().slice(0, 10));
    await row(op, 'Inspection schedule', planOrder).waitFor();

    // A consumer pays for another order meanwhile: it joins the queue by itself.
    await waitForSubscribers(t, 1);
    const secondShopOrder = await paidShopOrder(shop.id, shop.productIds[0]);
    await row(op, 'Orders waiting for staff', secondShopOrder).waitFor();
    await op.getByLabel('Kind').selectOption('PLAN');
    await queue(op, 'Orders waiting for staff').waitFor({ state: 'detached' });
    await op.getByLabel('Kind').selectOption('SHOP');
    await row(op, 'Orders waiting for staff', secondShopOrder).waitFor();

    // The inspection, opened from the queue: once filled it waits for its result, by this operator.
    await inspection.getByRole('link').click();
    await op.getByRole('button', { name: 'Save the inspection' }).waitFor();
    expect(new URL(op.url()).pathname).toBe(`/operator/underwriting/${planOrder}`);
    await op.getByLabel('Certificates 证件').selectOption('COMPLETE');
    await op.getByRole('button', { name: 'Save the inspection' }).click();
    await op.getByRole('button', { name: 'Save the inspection again' }).waitFor();
    await op.getByRole('link', { name: 'Work' }).click();
    const result = row(op, 'Results to give', planOrder);
    await result.getByText(/by /).waitFor();
    await op.getByLabel('Only mine').check();
    await result.waitFor();
    await row(op, 'Inspection schedule', planOrder).waitFor({ state: 'detached' });

    // Delivered from the order's page: it leaves the queue.
    await row(op, 'Orders waiting for staff', firstShopOrder).getByRole('link').click();
    await op.getByRole('button', { name: /Mark delivered/ }).click();
    await op.locator('.page-header [data-status="COMPLETED"]').waitFor();
    await op.goBack();
    await row(op, 'Orders waiting for staff', secondShopOrder).waitFor();
    await row(op, 'Orders waiting for staff', firstShopOrder).waitFor({ state: 'detached' });
    await operator.close();
  });
});
