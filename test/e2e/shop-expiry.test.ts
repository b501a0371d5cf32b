import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  PayShopOrderDocument,
  ShopOrderDetailDocument,
  ShopOrderEventsDocument,
} from '../generated/graphql.ts';
import { expireUnpaidOrders } from '../../src/shop/shop-order-expiry.job.ts';
import { expiryOf } from '../../src/shop/shop-order.service.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { confirmOrder, fingerprint, ledgerOf, makeShop, stockOf } from './shop-fixtures.ts';

const MINUTE = 60_000;

describe('expireUnpaidOrders, driven by hand', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // The default TTL (30 minutes): the timer never fires during these tests.
    t = await startTestApp();
    token = await t.login(demo.consumer);
  });
  afterAll(() => t?.close());

  const expire = (at: number) => expireUnpaidOrders(t.app.orm.em.fork(), new Date(at));

  it('expires only unpaid orders past their expiry, giving their stock back once', async () => {
    const shop = await makeShop(t, [{ price: '5.00', stock: 10 }]);
    const [product] = shop.productIds;
    const unpaid = await confirmOrder(t, token, shop.id, [[product, 2]]);
    const paid = await confirmOrder(t, token, shop.id, [[product, 3]]);
    const cancelled = await confirmOrder(t, token, shop.id, [[product, 1]]);
    await t.gql(
      PayShopOrderDocument,
      { orderId: paid.id, payType: 'WECHAT', key: `paid-${paid.id}` },
      { token },
    );
    await t.gql(CancelShopOrderDocument, { orderId: cancelled.id }, { token });
    expect(await stockOf(t, product)).toBe(5);

    const before = await fingerprint(t);
    expect(await expire(Date.now() + 29 * MINUTE)).toEqual([]);
    expect(await fingerprint(t)).toEqual(before);

    expect(await expire(Date.now() + 31 * MINUTE)).toEqual([unpaid.id]);
    expect(await stockOf(t, product)).toBe(7);
    const seen = await t.gql(ShopOrderDetailDocument, { id: unpaid.id }, { token });
    expect(seen.data!.order).toMatchObject({
      status: 'EXPIRED',
      statusLabel: '已失效',
      isCanceled: true,
      payType: null,
      expiresAt: null,
    });
    const events = await t.gql(ShopOrderEventsDocument, { id: unpaid.id }, { token });
    expect(events.data!.order!.events.at(-1)).toMatchObject({
      type: 'STATUS_CHANGED',
      fromStatus: 'PENDING_PAYMENT',
      toStatus: 'EXPIRED',
      actor: null,
      data: { reason: 'unpaid' },
    });

    // A second sweep finds nothing: the stock came back exactly once.
    expect(await expire(Date.now() + 60 * MINUTE)).toEqual([]);
    expect(await stockOf(t, product)).toBe(7);
    for (const id of [paid.id, cancelled.id]) {
      const other = await t.gql(ShopOrderDetailDocument, { id }, { token });
      expect(other.data!.order!.status).not.toBe('EXPIRED');
    }
  });

  it('expires in batches of the given size, oldest expiry first', async () => {
    const shop = await makeShop(t, [{ price: '1.00', stock: 10 }]);
    const orders = [];
    for (let i = 0; i < 3; i++) {
      orders.push(await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]));
    }
    const later = Date.now() + 31 * MINUTE;
    const first = await expireUnpaidOrders(t.app.orm.em.fork(), new Date(later), 2);
    const rest = await expireUnpaidOrders(t.app.orm.em.fork(), new Date(later), 2);
    expect(first).toEqual([orders[0].id, orders[1].id]);
    expect(rest).toEqual([orders[2].id]);
    expect(await stockOf(t, shop.productIds[0])).toBe(10);
  });

  it('leaves an expired order unpayable and uncancellable', async () => {
    const shop = await makeShop(t, [{ price: '8.00', stock: 4 }]);
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 4]]);
    await expire(Date.now() + 31 * MINUTE);
    const before = await fingerprint(t);
    const paid = await t.gql(
      PayShopOrderDocument,
      { orderId: order.id, payType: 'JDPAY', key: `expired-${order.id}` },
      { token },
    );
    expect(paid.data!.payOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    const cancelled = await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token });
    expect(cancelled.data!.cancelOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(await fingerprint(t)).toEqual(before);
    expect(await ledgerOf(t, order.id)).toEqual([]);
  });

  it('gives the stock back once when the owner cancels just as the timer expires the order', async () => {
    const shop = await makeShop(t, [{ price: '2.00', stock: 50 }]);
    const [product] = shop.productIds;
    for (let round = 0; round < 5; round++) {
      const order = await confirmOrder(t, token, shop.id, [[product, 5]]);
      const stock = await stockOf(t, product);
      const [cancelled, expired] = await Promise.all([
        t.gql(CancelShopOrderDocument, { orderId: order.id }, { token }),
        expire(Date.now() + 31 * MINUTE),
      ]);
      const status = (await t.gql(ShopOrderDetailDocument, { id: order.id }, { token })).data!
        .order!.status;
      if (cancelled.data!.cancelOrder.errors.length === 0) expect(status).toBe('CANCELLED');
      else expect(expired).toContain(order.id);
      expect(['CANCELLED', 'EXPIRED']).toContain(status);
      expect(await stockOf(t, product)).toBe(stock + 5);
    }
  });

  it('never expires unpaid orders when the TTL is 0', () => {
    expect(expiryOf(new Date(0), 0)).toBeNull();
    expect(expiryOf(new Date(0), 30)).toEqual(new Date(30 * MINUTE));
  });
});

describe('the unpaid-order timer with a short TTL', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // 0.02 minutes = 1.2 s; the timer sweeps every 300 ms.
    t = await startTestApp({ config: { shopOrderTtlMinutes: 0.02 } });
    token = await t.login(demo.consumer);
  });
  afterAll(() => t?.close());

  it('expires an unpaid order by itself and puts its stock back', async () => {
    const shop = await makeShop(t, [{ price: '6.00', stock: 3 }]);
    const [product] = shop.productIds;
    const order = await confirmOrder(t, token, shop.id, [[product, 3]]);
    expect(order.status).toBe('PENDING_PAYMENT');
    expect(await stockOf(t, product)).toBe(0);
    const deadline = Date.now() + 10_000;
    let status = order.status;
    while (status !== 'EXPIRED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await t.gql(ShopOrderDetailDocument, { id: order.id }, { token })).data!.order!
        .status!;
    }
    expect(status).toBe('EXPIRED');
    expect(await stockOf(t, product)).toBe(3);
    expect(await ledgerOf(t, order.id)).toEqual([]);
  });
});

describe('a TTL of 0: unpaid orders never expire', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ config: { shopOrderTtlMinutes: 0 } });
    token = await t.login(demo.consumer);
  });
  afterAll(() => t?.close());

  it('confirms with expiresAt null, never sweeps the order, and it can still be paid', async () => {
    const shop = await makeShop(t, [{ price: '4.00', stock: 5 }]);
    const [product] = shop.productIds;
    const order = await confirmOrder(t, token, shop.id, [[product, 2]]);
    expect(order).toMatchObject({ status: 'PENDING_PAYMENT', expiresAt: null });
    expect(await stockOf(t, product)).toBe(3);

    // A sweep as if ten years had passed finds nothing to expire.
    expect(
      await expireUnpaidOrders(t.app.orm.em.fork(), new Date(Date.now() + 5256000 * MINUTE)),
    ).toEqual([]);
    const seen = await t.gql(ShopOrderDetailDocument, { id: order.id }, { token });
    expect(seen.data!.order).toMatchObject({
      status: 'PENDING_PAYMENT',
      isCanceled: false,
      expiresAt: null,
    });
    expect(await stockOf(t, product)).toBe(3);

    const paid = await t.gql(
      PayShopOrderDocument,
      { orderId: order.id, payType: 'BALANCE', key: `never-${order.id}` },
      { token },
    );
    expect(paid.data!.payOrder.errors).toEqual([]);
    expect(paid.data!.payOrder.order).toMatchObject({ status: 'PAID' });
    expect(await ledgerOf(t, order.id)).toEqual([{ amount: '-8.00' }]);
  });
});
