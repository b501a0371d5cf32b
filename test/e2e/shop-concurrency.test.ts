import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  ConfirmShopOrderDocument,
  PayShopOrderDocument,
} from '../generated/graphql.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { waitForLockWaiters } from '../utils/lock-waiters.ts';
import { ADDRESS, confirmOrder, ledgerOf, makeShop, stockOf } from './shop-fixtures.ts';
import { balanceOf } from '../utils/ledger.ts';

// Real races: every request goes over HTTP at the same time, each on its own connection.

let t: TestApp;
let tokens: string[];

beforeAll(async () => {
  t = await startTestApp();
  tokens = await Promise.all(
    [demo.consumer, demo.otherConsumer, demo.thirdConsumer].map((a) => t.login(a)),
  );
});
afterAll(() => t?.close());

const confirm = (token: string, shopId: string, products: [string, number][]) =>
  t.gql(
    ConfirmShopOrderDocument,
    {
      input: {
        shopId,
        address: ADDRESS,
        products: products.map(([productId, count]) => ({ productId, count })),
      },
    },
    { token },
  );

describe('stock under concurrent confirmations', () => {
  it('sells the last item once when 10 confirmations race for it', async () => {
    const shop = await makeShop(t, [{ name: '最后一件 The last one', price: '99.00', stock: 1 }]);
    const [product] = shop.productIds;
    const results = await concurrently(10, (i) =>
      confirm(tokens[i % tokens.length], shop.id, [[product, 1]]),
    );
    const won = results.filter((r) => r.data?.confirmShopOrder.order);
    const lost = results.filter((r) => r.data?.confirmShopOrder.errors.length);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const r of lost) {
      expect(r.data!.confirmShopOrder.errors).toMatchObject([
        { code: 'OUT_OF_STOCK', field: ['input', 'products', '0', 'count'] },
      ]);
    }
    expect(await stockOf(t, product)).toBe(0);
    const { rows } = await t.db.query(
      `select count(*)::int as orders, coalesce(sum(l.count), 0)::int as items
         from shop_order_lines l where l.product_id = $1`,
      [product],
    );
    expect(rows[0]).toEqual({ orders: 1, items: 1 });
  });

  it('never oversells nor deadlocks when carts take the same products in opposite orders', async () => {
    const shop = await makeShop(t, [
      { price: '1.00', stock: 7 },
      { price: '2.00', stock: 7 },
    ]);
    const [a, b] = shop.productIds;
    const results = await concurrently(12, (i) =>
      confirm(
        tokens[i % tokens.length],
        shop.id,
        i % 2
          ? [
              [a, 1],
              [b, 1],
            ]
          : [
              [b, 1],
              [a, 1],
            ],
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const won = results.filter((r) => r.data!.confirmShopOrder.order).length;
    expect(won).toBe(7);
    expect([await stockOf(t, a), await stockOf(t, b)]).toEqual([0, 0]);
    const { rows } = await t.db.query(
      `select product_id::text, sum(count)::int as sold from shop_order_lines
        where product_id in ($1, $2) group by product_id order by product_id`,
      [a, b],
    );
    expect(rows).toEqual([
      { product_id: a, sold: 7 },
      { product_id: b, sold: 7 },
    ]);
  });
});

describe('paying and cancelling at once', () => {
  it('debits once when the same order is paid twice at once with different keys', async () => {
    const shop = await makeShop(t, [{ price: '25.00', stock: 10 }]);
    const order = await confirmOrder(t, tokens[0], shop.id, [[shop.productIds[0], 2]]);
    const balance = await balanceOf(t, demo.consumer.id);
    const results = await concurrently(2, (i) =>
      t.gql(
        PayShopOrderDocument,
        { orderId: order.id, payType: i ? 'WECHAT' : 'JDPAY', key: `race-${order.id}-${i}` },
        { token: tokens[0] },
      ),
    );
    const paid = results.filter((r) => r.data!.payOrder.order);
    const refused = results.filter((r) => r.data!.payOrder.errors.length);
    expect(paid).toHaveLength(1);
    expect(refused[0].data!.payOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(await ledgerOf(t, order.id)).toEqual([{ amount: '-50.00' }]);
    expect(Number(await balanceOf(t, demo.consumer.id))).toBeCloseTo(Number(balance) - 50, 2);
  });

  it('debits once when the same key is sent five times at once, answering each the same', async () => {
    const shop = await makeShop(t, [{ price: '10.00', stock: 10 }]);
    const order = await confirmOrder(t, tokens[1], shop.id, [[shop.productIds[0], 1]]);
    const results = await concurrently(5, () =>
      t.gql(
        PayShopOrderDocument,
        { orderId: order.id, payType: 'WECHAT', key: `same-${order.id}` },
        { token: tokens[1] },
      ),
    );
    const transactions = new Set(results.map((r) => r.data!.payOrder.transaction?.id));
    expect(transactions.size).toBe(1);
    expect([...transactions][0]).toBeDefined();
    expect(await ledgerOf(t, order.id)).toEqual([{ amount: '-10.00' }]);
  });

  /**
   * Holds the order's row lock on a side connection, sends `first` and waits until it is queued
   * behind that lock, then `second` likewise, then lets go: PostgreSQL hands a row lock to its
   * waiters in arrival order, so `first` runs first, and `second` finds what it left.
   */
  async function queuedBehindLock<A, B>(
    orderId: string,
    first: () => Promise<A>,
    second: () => Promise<B>,
  ): Promise<[A, B]> {
    const side = await t.db.connect();
    const waiting = async (n: number) => {
      if (!(await waitForLockWaiters(t.db, '%from orders where id = % for update%', n))) {
        throw new Error(`${n} requests never queued on the order`);
      }
    };
    try {
      await side.query('begin');
      await side.query('select id from orders where id = $1 for update', [orderId]);
      const a = first();
      await waiting(1);
      const b = second();
      await waiting(2);
      await side.query('rollback');
      return [await a, await b];
    } finally {
      await side.query('rollback').catch(() => undefined);
      side.release();
    }
  }

  async function raceOnce(first: 'pay' | 'cancel') {
    const shop = await makeShop(t, [{ price: '30.00', stock: 10 }]);
    const [product] = shop.productIds;
    const order = await confirmOrder(t, tokens[2], shop.id, [[product, 3]]);
    expect(await stockOf(t, product)).toBe(7);
    const balanceBefore = Number(await balanceOf(t, demo.thirdConsumer.id));
    const pay = () =>
      t.gql(
        PayShopOrderDocument,
        { orderId: order.id, payType: 'BALANCE', key: `race-cancel-${order.id}` },
        { token: tokens[2] },
      );
    const cancel = () =>
      t.gql(CancelShopOrderDocument, { orderId: order.id }, { token: tokens[2] });
    const [paid, cancelled] =
      first === 'pay'
        ? await queuedBehindLock(order.id, pay, cancel)
        : await queuedBehindLock(order.id, cancel, pay).then(([c, p]) => [p, c] as const);
    expect(paid.errors).toBeUndefined();
    expect(cancelled.errors).toBeUndefined();
    const { rows } = await t.db.query(
      `select o.status, s.is_canceled, s.pay_type from orders o
         join shop_orders s on s.order_id = o.id where o.id = $1`,
      [order.id],
    );
    return {
      paid: paid.data!.payOrder,
      cancelled: cancelled.data!.cancelOrder,
      row: rows[0],
      ledger: await ledgerOf(t, order.id),
      balanceMoved: Number(await balanceOf(t, demo.thirdConsumer.id)) - balanceBefore,
      stock: await stockOf(t, product),
    };
  }

  it('lets pay win when it takes the order first: cancel is refused, one debit, stock stays sold', async () => {
    const race = await raceOnce('pay');
    expect(race.paid.errors).toEqual([]);
    expect(race.paid.order).toMatchObject({ status: 'PAID' });
    expect(race.cancelled.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(race.row).toEqual({ status: 'PAID', is_canceled: false, pay_type: 'BALANCE' });
    expect(race.ledger).toEqual([{ amount: '-90.00' }]);
    expect(race.balanceMoved).toBeCloseTo(-90, 2);
    expect(race.stock).toBe(7);
  });

  it('lets cancel win when it takes the order first: pay is refused, no money moves, stock back', async () => {
    const race = await raceOnce('cancel');
    expect(race.cancelled.errors).toEqual([]);
    expect(race.cancelled.order).toMatchObject({ status: 'CANCELLED' });
    expect(race.paid.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(race.paid.order).toBeNull();
    expect(race.row).toEqual({ status: 'CANCELLED', is_canceled: true, pay_type: null });
    expect(race.ledger).toEqual([]);
    expect(race.balanceMoved).toBeCloseTo(0, 2);
    expect(race.stock).toBe(10);
  });
});
