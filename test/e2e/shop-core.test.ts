import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  DeleteShopOrderDocument,
  LoginDocument,
  MyOrdersDocument,
  type MyOrdersQuery,
  PayShopOrderDocument,
  SetShopOrderStateDocument,
  ShopOrderDetailDocument,
  ShopOrderEventsDocument,
  ShopOrderListDocument,
} from '../generated/graphql.ts';
import { accounts } from '../../src/platform/accounts/accounts.service.ts';
import { demo, startTestApp, type GraphQLResponse, type TestApp } from '../utils/test-app.ts';
import {
  confirmOrder,
  fingerprint,
  ledgerOf,
  makeShop,
  stockOf,
  type TestShop,
} from './shop-fixtures.ts';
import { balanceOf } from '../utils/ledger.ts';

// The shared order core (src/platform/orders) exercised through a real payable kind.

let t: TestApp;
let token: string;
let liLei: string;
let hanMeimei: string;
let operator: string;
let shop: TestShop;

beforeAll(async () => {
  t = await startTestApp();
  [token, liLei, hanMeimei, operator] = await Promise.all([
    t.login(demo.consumer),
    t.login(demo.otherConsumer),
    t.login(demo.thirdConsumer),
    t.login(demo.operator),
  ]);
  shop = await makeShop(t, [
    { name: '茶 Tea', price: '12.00', stock: 1000 },
    { name: '金条 Gold bar', price: '40000.00', stock: 10 },
  ]);
});
afterAll(() => t?.close());

const pay = (orderId: string, key: string, as = token, payType: 'WECHAT' | 'JDPAY' = 'WECHAT') =>
  t.gql(PayShopOrderDocument, { orderId, payType, key }, { token: as });

describe('payOrder idempotency', () => {
  it('answers the same payment for the same key and input, and debits once', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const first = await pay(order.id, 'same-key');
    const balance = await balanceOf(t, demo.consumer.id);
    const again = await pay(order.id, 'same-key');
    expect(again.data!.payOrder).toEqual(first.data!.payOrder);
    expect(first.data!.payOrder.order!.status).toBe('PAID');
    expect(first.data!.payOrder.productIds).toEqual([shop.productIds[0]]);
    expect(await ledgerOf(t, order.id)).toEqual([{ amount: '-12.00' }]);
    expect(await balanceOf(t, demo.consumer.id)).toBe(balance);
  });

  it('refuses the same key with a different input with IDEMPOTENCY_KEY_REUSED, changing nothing', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(order.id, 'reused-key', token, 'WECHAT');
    const before = await fingerprint(t);
    const other = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const afterConfirm = await fingerprint(t);
    expect(afterConfirm).not.toEqual(before);
    for (const [orderId, payType] of [
      [order.id, 'JDPAY'],
      [other.id, 'WECHAT'],
    ] as const) {
      const res = await pay(orderId, 'reused-key', token, payType);
      expect(res.data!.payOrder).toMatchObject({
        order: null,
        errors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['idempotencyKey'] }],
      });
    }
    expect(await fingerprint(t)).toEqual(afterConfirm);
  });

  it('replays a payment after the order moved on: the first debit, the current status, no new debit', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const key = `replay-after-delivery-${order.id}`;
    const first = await pay(order.id, key);
    expect(first.data!.payOrder.order!.status).toBe('PAID');
    const delivered = await t.gql(
      SetShopOrderStateDocument,
      { orderId: order.id, status: 'COMPLETED' },
      { token: operator },
    );
    expect(delivered.data!.updateOrderState.errors).toEqual([]);
    const balance = await balanceOf(t, demo.consumer.id);
    const before = await fingerprint(t);

    const again = await pay(order.id, key);
    // Success with the same ids and the same debit; the order as it is now, not as it was.
    expect(again.data!.payOrder.errors).toEqual([]);
    expect(again.data!.payOrder.transaction).toEqual(first.data!.payOrder.transaction);
    expect(again.data!.payOrder.productIds).toEqual(first.data!.payOrder.productIds);
    expect(again.data!.payOrder.order).toMatchObject({ id: order.id, status: 'COMPLETED' });
    expect(await ledgerOf(t, order.id)).toEqual([{ amount: '-12.00' }]);
    expect(await balanceOf(t, demo.consumer.id)).toBe(balance);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('refuses an empty key with BAD_USER_INPUT', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const res = await pay(order.id, '');
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('INSUFFICIENT_BALANCE', () => {
  it('changes nothing, and the same key works once the money is there', async () => {
    const gold = shop.productIds[1];
    const order = await confirmOrder(t, liLei, shop.id, [[gold, 2]]);
    const before = await fingerprint(t);
    const res = await pay(order.id, 'too-poor', liLei);
    expect(res.data!.payOrder).toMatchObject({
      order: null,
      productIds: null,
      transaction: null,
      errors: [{ code: 'INSUFFICIENT_BALANCE' }],
    });
    expect(res.data!.payOrder.errors[0].message).toMatch(/80000\.00 needed, 50000\.00 available/);
    expect(await fingerprint(t)).toEqual(before);
    const seen = await t.gql(ShopOrderDetailDocument, { id: order.id }, { token: liLei });
    expect(seen.data!.order).toMatchObject({ status: 'PENDING_PAYMENT', payType: null });

    const admin = await t.login(demo.admin);
    await t.gql(
      `mutation { deposit(consumerId: "${demo.otherConsumer.id}", amount: "30000.00") { id } }`,
      {},
      { token: admin },
    );
    const retry = await pay(order.id, 'too-poor', liLei);
    expect(retry.data!.payOrder.order!.status).toBe('PAID');
    expect(await balanceOf(t, demo.otherConsumer.id)).toBe('0.00');
  });
});

describe("another consumer's shop order", () => {
  it('cannot be seen, paid, cancelled or deleted by another consumer: FORBIDDEN, nothing changes', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const before = await fingerprint(t);
    const attempts = [
      await t.gql(ShopOrderDetailDocument, { id: order.id }, { token: hanMeimei }),
      await pay(order.id, 'not-mine', hanMeimei),
      await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token: hanMeimei }),
      await t.gql(DeleteShopOrderDocument, { orderId: order.id }, { token: hanMeimei }),
    ];
    for (const res of attempts) expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const list = await t.gql(ShopOrderListDocument, { first: 100 }, { token: hanMeimei });
    expect(list.data!.orders.edges.map((e) => e.node.id)).not.toContain(order.id);
    const theirs = await t.gql(
      ShopOrderListDocument,
      { first: 100, consumerId: demo.consumer.id },
      { token: hanMeimei },
    );
    expect(theirs.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await fingerprint(t)).toEqual(before);
  });

  it('is NOT_FOUND for an id that names no order, however it is spelled', async () => {
    for (const orderId of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const res = await pay(orderId, `missing-${orderId}`);
      expect(res.data!.payOrder.errors).toMatchObject([{ code: 'NOT_FOUND' }]);
      const seen = await t.gql(ShopOrderDetailDocument, { id: orderId }, { token });
      expect(seen.data!.order).toBeNull();
    }
  });

  it('is visible to OPERATOR, who may list it by consumer', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const seen = await t.gql(ShopOrderDetailDocument, { id: order.id }, { token: operator });
    expect(seen.data!.order).toMatchObject({ id: order.id, consumer: { id: demo.consumer.id } });
    const list = await t.gql(
      ShopOrderListDocument,
      { first: 100, consumerId: demo.consumer.id },
      { token: operator },
    );
    expect(list.data!.orders.edges.map((e) => e.node.id)).toContain(order.id);
  });
});

describe('updateOrderState on a shop order', () => {
  it('lets OPERATOR complete a paid order (delivered)', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(order.id, `deliver-${order.id}`);
    const res = await t.gql(
      SetShopOrderStateDocument,
      { orderId: order.id, status: 'COMPLETED' },
      { token: operator },
    );
    expect(res.data!.updateOrderState).toEqual({
      order: { id: order.id, status: 'COMPLETED', statusLabel: '已完成' },
      errors: [],
    });
  });

  it.each([
    ['PENDING_PAYMENT', 'PAID', 'by payOrder'],
    ['PENDING_PAYMENT', 'CANCELLED', 'by cancelOrder'],
    ['PENDING_PAYMENT', 'EXPIRED', 'by unpaid-order timer'],
    ['PENDING_PAYMENT', 'COMPLETED', 'cannot move'],
  ])('refuses %s → %s by hand with INVALID_TRANSITION', async (_from, status, why) => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const before = await fingerprint(t);
    const res = await t.gql(
      SetShopOrderStateDocument,
      { orderId: order.id, status: status as 'PAID' },
      { token: operator },
    );
    expect(res.data!.updateOrderState.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(res.data!.updateOrderState.errors[0].message).toContain(why);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('is FORBIDDEN to a consumer, even on their own order', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(order.id, `own-${order.id}`);
    const res = await t.gql(
      SetShopOrderStateDocument,
      { orderId: order.id, status: 'COMPLETED' },
      { token },
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const seen = await t.gql(ShopOrderDetailDocument, { id: order.id }, { token });
    expect(seen.data!.order!.status).toBe('PAID');
  });
});

describe('orders(kind: SHOP) pagination', () => {
  it('lists the most recently updated first, pages by cursor and counts them all', async () => {
    const me = await t.login(demo.thirdConsumer);
    const [a, b, c] = [
      await confirmOrder(t, me, shop.id, [[shop.productIds[0], 1]]),
      await confirmOrder(t, me, shop.id, [[shop.productIds[0], 2]]),
      await confirmOrder(t, me, shop.id, [[shop.productIds[0], 3]]),
    ];
    // Paying the oldest makes it the most recently updated.
    await pay(a.id, `first-${a.id}`, me);
    const page1 = await t.gql(ShopOrderListDocument, { first: 2 }, { token: me });
    const { orders } = page1.data!;
    expect(orders.totalCount).toBe(3);
    expect(orders.edges.map((e) => e.node.id)).toEqual([a.id, c.id]);
    expect(orders.pageInfo).toEqual({
      hasNextPage: true,
      endCursor: orders.edges[1].cursor,
    });
    const page2 = await t.gql(
      ShopOrderListDocument,
      { first: 2, after: orders.pageInfo.endCursor },
      { token: me },
    );
    expect(page2.data!.orders.edges.map((e) => e.node.id)).toEqual([b.id]);
    expect(page2.data!.orders.pageInfo.hasNextPage).toBe(false);
    expect(page2.data!.orders.totalCount).toBe(3);

    const unpaid = await t.gql(
      ShopOrderListDocument,
      { first: 10, status: 'PENDING_PAYMENT' },
      { token: me },
    );
    expect(unpaid.data!.orders.edges.map((e) => e.node.id)).toEqual([c.id, b.id]);
    expect(unpaid.data!.orders.totalCount).toBe(2);
  });

  it('refuses a forged cursor and a page size out of 1..100 with BAD_USER_INPUT', async () => {
    for (const vars of [{ first: 5, after: 'bm90LWEtY3Vyc29y' }, { first: 0 }, { first: 101 }]) {
      const res = await t.gql(ShopOrderListDocument, vars, { token });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('orders keyset pagination on ties and the staff consumer filter', () => {
  const pageThrough = async (as: string, vars: { consumerId?: string; kind?: 'SHOP' }) => {
    const seen: { id: string; updatedAt: string; consumer: string }[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 200; page++) {
      const res: GraphQLResponse<MyOrdersQuery> = await t.gql(
        MyOrdersDocument,
        { ...vars, first: 1, after },
        { token: as },
      );
      expect(res.errors).toBeUndefined();
      const { edges, pageInfo } = res.data!.orders;
      seen.push(
        ...edges.map((e) => ({
          id: e.node.id,
          updatedAt: e.node.updatedAt,
          consumer: e.node.consumer.id,
        })),
      );
      if (!pageInfo.hasNextPage) return seen;
      after = pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  };

  it('pages one at a time through orders updated at the same instant: each once, newest first, then by id', async () => {
    // A consumer of its own, so no other test's orders join the list.
    await accounts.register(
      { em: t.app.orm.em.fork() },
      { id: '40000021', name: 'tie breaker', password: 'tie-pass' },
    );
    const login = await t.gql(LoginDocument, { consumerId: '40000021', password: 'tie-pass' });
    const me = login.data!.login.token!;
    const orders = [];
    for (let i = 0; i < 7; i++) {
      orders.push(await confirmOrder(t, me, shop.id, [[shop.productIds[0], 1]]));
    }
    const ids = orders.map((o) => o.id);
    // Five share one instant, one is a second later, one a second earlier.
    await t.db.query(
      `update orders set updated_at = '2026-03-01T08:00:00.000Z' where id = any($1)`,
      [ids.slice(0, 5)],
    );
    await t.db.query(`update orders set updated_at = '2026-03-01T08:00:01.000Z' where id = $1`, [
      ids[5],
    ]);
    await t.db.query(`update orders set updated_at = '2026-03-01T07:59:59.000Z' where id = $1`, [
      ids[6],
    ]);
    const tied = [...ids.slice(0, 5)].sort().reverse();
    const seen = await pageThrough(me, {});
    expect(seen.map((o) => o.id)).toEqual([ids[5], ...tied, ids[6]]);
    expect(seen.map((o) => o.updatedAt)).toEqual([
      '2026-03-01T08:00:01.000Z',
      ...Array(5).fill('2026-03-01T08:00:00.000Z'),
      '2026-03-01T07:59:59.000Z',
    ]);
  });

  it("shows OPERATOR only that consumer's orders, all of them, under orders(consumerId:)", async () => {
    // Orders of other consumers exist, so a filter that let them through would show.
    await confirmOrder(t, liLei, shop.id, [[shop.productIds[0], 1]]);
    await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const { rows } = await t.db.query(
      `select consumer_id::text as consumer, count(*)::int as n from orders group by 1`,
    );
    expect(rows.filter((r) => r.consumer !== demo.consumer.id).length).toBeGreaterThan(0);
    const seen = await pageThrough(operator, { consumerId: demo.consumer.id });
    expect(seen.length).toBe(rows.find((r) => r.consumer === demo.consumer.id)!.n);
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length);
    for (const order of seen) expect(order.consumer).toBe(demo.consumer.id);
    const count = await t.gql(
      MyOrdersDocument,
      { consumerId: demo.consumer.id, first: 1 },
      { token: operator },
    );
    expect(count.data!.orders.totalCount).toBe(seen.length);
  });
});

describe('the event log of a shop order', () => {
  it('records the confirmation and the payment, oldest first, with who did it', async () => {
    const tea = shop.productIds[0];
    const stock = await stockOf(t, tea);
    const order = await confirmOrder(t, token, shop.id, [[tea, 2]]);
    const paid = await pay(order.id, `events-${order.id}`, token, 'JDPAY');
    const res = await t.gql(ShopOrderEventsDocument, { id: order.id }, { token });
    const events = res.data!.order!.events;
    expect(events).toMatchObject([
      {
        type: 'ORDER_CREATED',
        fromStatus: null,
        toStatus: 'PENDING_PAYMENT',
        actor: { id: demo.consumer.id },
        data: { shopId: shop.id, totalAmount: 2 },
      },
      {
        type: 'STATUS_CHANGED',
        fromStatus: 'PENDING_PAYMENT',
        toStatus: 'PAID',
        actor: { id: demo.consumer.id },
        data: {
          payType: 'JDPAY',
          amount: '24.00',
          transactionId: paid.data!.payOrder.transaction!.id,
        },
      },
    ]);
    expect(Number(events[1].id)).toBeGreaterThan(Number(events[0].id));
    expect(events[0].cursor).not.toBe(events[1].cursor);
    expect(await stockOf(t, tea)).toBe(stock - 2);
  });

  it('loads the events of a whole page of orders', async () => {
    const res = await t.gql(
      `query { orders(kind: SHOP, first: 5) { edges { node { id events { type } } } } }`,
      {},
      { token },
    );
    expect(res.errors).toBeUndefined();
    for (const edge of res.data.orders.edges) {
      expect(edge.node.events[0].type).toBe('ORDER_CREATED');
    }
  });
});
