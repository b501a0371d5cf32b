import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  ConfirmShopOrderDocument,
  PayShopOrderDocument,
  ShopOrderLimitsDocument,
  ShopsDocument,
} from '../generated/graphql.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { concurrently, demo, startTestApp, type Account, type TestApp } from '../utils/test-app.ts';
import { ADDRESS, makeShop, stockOf } from './shop-fixtures.ts';

/*
 * Issue 20.7, free stock hoarding: an unpaid order holds its stock for SHOP_ORDER_TTL_MINUTES,
 * so one consumer confirming every unit of every shop, over and over, kept everyone else
 * OUT_OF_STOCK. What one consumer may hold unpaid is limited (orders, items, value): this file
 * runs the service with the limits' defaults, which the rest of the suite turns off.
 */

const DEFAULTS = loadConfig({});
let t: TestApp;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await startTestApp({
    config: {
      shopMaxUnpaidOrders: DEFAULTS.shopMaxUnpaidOrders,
      shopMaxUnpaidUnits: DEFAULTS.shopMaxUnpaidUnits,
      shopMaxUnpaidValue: DEFAULTS.shopMaxUnpaidValue,
    },
  });
  for (const account of [demo.consumer, demo.otherConsumer, demo.thirdConsumer]) {
    tokens.set(account.id, await t.login(account));
  }
});
afterAll(() => t?.close());

/** Each test starts with nobody holding anything unpaid. */
afterEach(async () => {
  const { rows } = await t.db.query<{ id: string; consumer_id: string }>(
    `select id, consumer_id::text from orders where kind = 'SHOP' and status = 'PENDING_PAYMENT'`,
  );
  for (const row of rows) {
    await t.gql(
      CancelShopOrderDocument,
      { orderId: row.id },
      { token: tokens.get(row.consumer_id) },
    );
  }
});

const confirm = (who: Account, shopId: string, lines: [string, number][], key?: string) =>
  t.gql(
    ConfirmShopOrderDocument,
    {
      input: {
        shopId,
        address: ADDRESS,
        products: lines.map(([productId, count]) => ({ productId, count })),
      },
      key,
    },
    { token: tokens.get(who.id) },
  );
const codes = (res: Awaited<ReturnType<typeof confirm>>) =>
  res.data!.confirmShopOrder.errors.map((e) => e.code);

describe('what one consumer may hold unpaid', () => {
  it('says so in the schema: the limits and the unpaid lifetime, at their documented defaults', async () => {
    const res = await t.gql(ShopOrderLimitsDocument, {});
    expect(res.data!.shopOrderLimits).toEqual({
      maxUnpaidOrders: 5,
      maxUnpaidUnits: 100,
      maxUnpaidValue: '20000.00',
      unpaidOrderTtlMinutes: 30,
    });
  });

  it('refuses the attack: one consumer confirming every unit of each demo shop gets nothing, and others still buy', async () => {
    const shops = (await t.gql(ShopsDocument, {})).data!.shops;
    for (const shop of shops) {
      const everything = shop.products.map((p) => [p.id, p.stock] as [string, number]);
      const res = await confirm(demo.thirdConsumer, shop.id, everything);
      expect(res.data!.confirmShopOrder.order).toBeNull();
      expect(codes(res)).toContain('UNPAID_LIMIT_REACHED');
      expect(res.data!.confirmShopOrder.errors[0]).toMatchObject({
        field: ['input', 'products'],
        message: expect.stringMatching(/^Unpaid orders may (hold 100 items|come to 20000\.00)/),
      });
    }
    // Nothing was taken: another consumer buys the scarcest demo product.
    const scarce = shops
      .flatMap((s) => s.products.map((p) => ({ shop: s.id, ...p })))
      .sort((a, b) => a.stock - b.stock)[0];
    expect(await stockOf(t, scarce.id)).toBe(scarce.stock);
    const other = await confirm(demo.otherConsumer, scarce.shop, [[scarce.id, scarce.stock]]);
    expect(codes(other)).toEqual([]);
  });

  it('counts orders: the sixth unpaid order is refused until one is paid or cancelled', async () => {
    const shop = await makeShop(t, [{ price: '1.00', stock: 1000 }]);
    const [id] = shop.productIds;
    const orders: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await confirm(demo.consumer, shop.id, [[id, 1]]);
      expect(codes(res)).toEqual([]);
      orders.push(res.data!.confirmShopOrder.order!.id);
    }
    const sixth = await confirm(demo.consumer, shop.id, [[id, 1]]);
    expect(sixth.data!.confirmShopOrder.errors).toEqual([
      {
        code: 'UNPAID_LIMIT_REACHED',
        message:
          'You already have 5 unpaid shop orders, the most one consumer may have; pay or cancel one first.',
        field: ['input', 'products'],
      },
    ]);
    expect(await stockOf(t, id)).toBe(995);

    const paid = await t.gql(
      PayShopOrderDocument,
      { orderId: orders[0], payType: 'BALANCE', key: `limit-${orders[0]}` },
      { token: tokens.get(demo.consumer.id) },
    );
    expect(paid.data!.payOrder.errors).toEqual([]);
    expect(codes(await confirm(demo.consumer, shop.id, [[id, 1]]))).toEqual([]);
    expect(codes(await confirm(demo.consumer, shop.id, [[id, 1]]))).toEqual([
      'UNPAID_LIMIT_REACHED',
    ]);
    await t.gql(
      CancelShopOrderDocument,
      { orderId: orders[1] },
      {
        token: tokens.get(demo.consumer.id),
      },
    );
    expect(codes(await confirm(demo.consumer, shop.id, [[id, 1]]))).toEqual([]);
  });

  it('counts items and value across the unpaid orders, and a replayed confirmation holds nothing more', async () => {
    const shop = await makeShop(t, [
      { price: '1.00', stock: 1000 },
      { price: '9000.00', stock: 10 },
    ]);
    const [cheap, dear] = shop.productIds;
    expect(codes(await confirm(demo.otherConsumer, shop.id, [[cheap, 60]], 'hold-60'))).toEqual([]);
    const over = await confirm(demo.otherConsumer, shop.id, [[cheap, 41]]);
    expect(over.data!.confirmShopOrder.errors[0].message).toBe(
      'Unpaid orders may hold 100 items in all; you hold 60 and this order adds 41.',
    );
    expect(codes(await confirm(demo.otherConsumer, shop.id, [[cheap, 40]]))).toEqual([]);
    // At the item limit, the same key with the same cart is the first order again, not a refusal.
    const replay = await confirm(demo.otherConsumer, shop.id, [[cheap, 60]], 'hold-60');
    expect(codes(replay)).toEqual([]);
    expect(await stockOf(t, cheap)).toBe(900);

    const third = demo.thirdConsumer;
    expect(codes(await confirm(third, shop.id, [[dear, 2]]))).toEqual([]);
    const value = await confirm(third, shop.id, [[dear, 1]]);
    expect(value.data!.confirmShopOrder.errors[0]).toMatchObject({
      code: 'UNPAID_LIMIT_REACHED',
      message:
        'Unpaid orders may come to 20000.00 in all; yours come to 18000.00 and this order adds 9000.00.',
    });
    expect(await stockOf(t, dear)).toBe(8);
  });

  it('lets exactly the allowed number through when one consumer sends ten confirmations at once', async () => {
    const shop = await makeShop(t, [{ price: '1.00', stock: 1000 }]);
    const [id] = shop.productIds;
    const results = await concurrently(10, () => confirm(demo.consumer, shop.id, [[id, 1]]));
    const outcome = results.map((r) => codes(r).join() || 'OK').sort();
    expect(outcome).toEqual([...Array(5).fill('OK'), ...Array(5).fill('UNPAID_LIMIT_REACHED')]);
    expect(await stockOf(t, id)).toBe(995);
  });
});
