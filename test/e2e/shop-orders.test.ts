import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelShopOrderDocument,
  ConfirmShopOrderDocument,
  DeleteShopOrderDocument,
  OrderActionsDocument,
  PayShopOrderDocument,
  SetShopOrderStateDocument,
  ShopOrderDetailDocument,
  ShopOrderListDocument,
  UpdateProductDocument,
} from '../generated/graphql.ts';
import { expireUnpaidOrders } from '../../src/shop/shop-order-expiry.job.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import {
  ADDRESS,
  confirmOrder,
  fingerprint,
  ledgerOf,
  makeShop,
  stockOf,
  type TestShop,
} from './shop-fixtures.ts';
import { balanceOf } from '../utils/ledger.ts';

let t: TestApp;
let token: string;
let operatorToken: string;
let shop: TestShop;
let statements: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
  token = await t.login(demo.consumer);
  operatorToken = await t.login(demo.operator);
  shop = await makeShop(t, [
    { name: '苹果 Apple', price: '3.50', stock: 1000 },
    { name: '香蕉 Banana', price: '1.25', stock: 1000 },
    { name: '樱桃 Cherry', price: '19.99', stock: 2 },
  ]);
});
afterAll(() => t?.close());

const confirm = (input: {
  shopId?: string;
  address?: Partial<typeof ADDRESS>;
  products: [string, number][];
}) =>
  t.gql(
    ConfirmShopOrderDocument,
    {
      input: {
        shopId: input.shopId ?? shop.id,
        address: { ...ADDRESS, ...input.address },
        products: input.products.map(([productId, count]) => ({ productId, count })),
      },
    },
    { token },
  );
const pay = (orderId: string, key: string, payType: 'WECHAT' | 'JDPAY' | 'BALANCE' = 'WECHAT') =>
  t.gql(PayShopOrderDocument, { orderId, payType, key }, { token });
const detail = (id: string, as = token) => t.gql(ShopOrderDetailDocument, { id }, { token: as });

describe('confirmShopOrder (seed 002 processCode 2)', () => {
  it('saves the order with the address and a snapshot of names and prices, and reserves stock', async () => {
    const [apple, banana] = shop.productIds;
    const before = [await stockOf(t, apple), await stockOf(t, banana)];
    const res = await confirm({
      address: { recipient: '  韩梅梅 ', telNum: '+86 138-0013-8000' },
      products: [
        [banana, 4],
        [apple, 3],
      ],
    });
    expect(res.errors).toBeUndefined();
    const { order, errors } = res.data!.confirmShopOrder;
    expect(errors).toEqual([]);
    expect(order).toMatchObject({
      kind: 'SHOP',
      status: 'PENDING_PAYMENT',
      statusCode: 1,
      statusLabel: '待支付',
      orderNo: expect.stringMatching(/^SH\d{14}$/),
      consumer: { id: demo.consumer.id },
      shop: { id: shop.id },
      shopCnName: shop.cnName,
      shopEnName: shop.enName,
      address: { recipient: '韩梅梅', address: ADDRESS.address, telNum: '+86 138-0013-8000' },
      lines: [
        { productId: banana, name: '香蕉 Banana', price: '1.25', count: 4, totalPrice: '5.00' },
        { productId: apple, name: '苹果 Apple', price: '3.50', count: 3, totalPrice: '10.50' },
      ],
      productIds: [banana, apple],
      totalAmount: 7,
      payment: '15.50',
      isCanceled: false,
      payType: null,
    });
    expect(new Date(order!.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect([await stockOf(t, apple), await stockOf(t, banana)]).toEqual([
      before[0] - 3,
      before[1] - 4,
    ]);
    const { rows } = await t.db.query(
      `select s.recipient, s.tel_num, s.total_amount, s.is_canceled, s.pay_type, o.payment
         from shop_orders s join orders o on o.id = s.order_id where s.order_id = $1`,
      [order!.id],
    );
    expect(rows).toEqual([
      {
        recipient: '韩梅梅',
        tel_num: '+86 138-0013-8000',
        total_amount: 7,
        is_canceled: false,
        pay_type: null,
        payment: '15.50',
      },
    ]);
    // Confirming moves no money: payOrder does.
    expect(await ledgerOf(t, order!.id)).toEqual([]);
  });

  it.each([
    ['an empty recipient', { recipient: '' }, 'recipient'],
    ['a blank recipient', { recipient: '   ' }, 'recipient'],
    ['a recipient of 51 characters', { recipient: '李'.repeat(51) }, 'recipient'],
    ['an empty address', { address: '' }, 'address'],
    ['an address of 201 characters', { address: 'x'.repeat(201) }, 'address'],
    // (NUL itself never gets here: the edge refuses it in any string as BAD_USER_INPUT.)
    ['an address with a control character', { address: 'Room 1\u0007' }, 'address'],
    ['letters for a telephone number', { telNum: 'call me' }, 'telNum'],
    ['a telephone number of 3 digits', { telNum: '110' }, 'telNum'],
    ['a telephone number of 16 digits', { telNum: '1234567890123456' }, 'telNum'],
    ['an empty telephone number', { telNum: '' }, 'telNum'],
    ['a plus sign in the middle', { telNum: '138+0013 8000' }, 'telNum'],
  ])(
    'refuses %s with INVALID_INPUT naming the field, saving nothing',
    async (_l, address, name) => {
      const before = await fingerprint(t);
      const res = await confirm({ address, products: [[shop.productIds[0], 1]] });
      expect(res.data!.confirmShopOrder.order).toBeNull();
      expect(res.data!.confirmShopOrder.errors).toMatchObject([
        { code: 'INVALID_INPUT', field: ['input', 'address', name] },
      ]);
      expect(await fingerprint(t)).toEqual(before);
    },
  );

  it('accepts a landline number with an area code', async () => {
    const res = await confirm({
      address: { telNum: '010-62345678' },
      products: [[shop.productIds[0], 1]],
    });
    expect(res.data!.confirmShopOrder.errors).toEqual([]);
  });

  it('refuses the cart mistakes the quote names, saving nothing', async () => {
    const before = await fingerprint(t);
    const other = await makeShop(t, [{ price: '1.00', stock: 5 }]);
    const after = await fingerprint(t);
    const res = await confirm({
      address: { telNum: 'nope' },
      products: [
        [shop.productIds[0], 0],
        [other.productIds[0], 1],
      ],
    });
    expect(res.data!.confirmShopOrder.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.products.0.count'],
      ['INVALID_INPUT', 'input.products.1.productId'],
      ['INVALID_INPUT', 'input.address.telNum'],
    ]);
    expect(before).not.toEqual(after);
    expect(await fingerprint(t)).toEqual(after);
  });

  it('names what only the catalogue knows in a well-formed cart as the quote does, saving nothing', async () => {
    const other = await makeShop(t, [{ price: '1.00', stock: 5 }]);
    const gone = await makeShop(t, [{ name: '旧 Old', price: '2.00', stock: 5 }]);
    await t.db.query(`update products set active = false where id = $1`, [gone.productIds[0]]);
    const before = await fingerprint(t);
    const shopLines = await confirm({
      products: [
        [shop.productIds[0], 1],
        [other.productIds[0], 1],
        ['999999999', 1],
      ],
    });
    expect(shopLines.data!.confirmShopOrder).toMatchObject({ order: null });
    expect(
      shopLines.data!.confirmShopOrder.errors.map((e) => [e.code, e.field!.join('.'), e.message]),
    ).toEqual([
      [
        'INVALID_INPUT',
        'input.products.1.productId',
        `Product ${other.productIds[0]} (商品 1 Product 1) is sold by another shop, not ${shop.cnName}.`,
      ],
      ['NOT_FOUND', 'input.products.2.productId', 'No product 999999999.'],
    ]);
    const noShop = await confirm({ shopId: '999999999', products: [[shop.productIds[0], 1]] });
    expect(noShop.data!.confirmShopOrder.errors).toEqual([
      { code: 'NOT_FOUND', message: 'No such shop.', field: ['input', 'shopId'] },
    ]);
    const offSale = await confirm({ shopId: gone.id, products: [[gone.productIds[0], 1]] });
    expect(offSale.data!.confirmShopOrder.errors).toEqual([
      {
        code: 'INVALID_INPUT',
        message: `Product ${gone.productIds[0]} (旧 Old) is no longer sold.`,
        field: ['input', 'products', '0', 'productId'],
      },
    ]);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('answers OUT_OF_STOCK naming the short line and saves nothing, not even the other lines', async () => {
    const [apple, , cherry] = shop.productIds;
    const before = await fingerprint(t);
    const res = await confirm({
      products: [
        [apple, 5],
        [cherry, 3],
      ],
    });
    const { order, errors } = res.data!.confirmShopOrder;
    expect(order).toBeNull();
    expect(errors).toEqual([
      {
        code: 'OUT_OF_STOCK',
        message: 'Only 2 of 樱桃 Cherry left; line 1 asks for 3.',
        field: ['input', 'products', '1', 'count'],
      },
    ]);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('refuses an order that would cost nothing', async () => {
    const free = await makeShop(t, [{ price: '0.00', stock: 5 }]);
    const res = await t.gql(
      ConfirmShopOrderDocument,
      {
        input: {
          shopId: free.id,
          address: ADDRESS,
          products: [{ productId: free.productIds[0], count: 1 }],
        },
      },
      { token },
    );
    expect(res.data!.confirmShopOrder.errors).toMatchObject([{ code: 'INVALID_INPUT' }]);
    expect(await stockOf(t, free.productIds[0])).toBe(5);
  });

  it('keeps the prices of the confirmation when the shop changes them later', async () => {
    const tea = await makeShop(t, [{ name: '茶 Tea', price: '10.00', stock: 10 }]);
    const product = tea.productIds[0];
    const order = await confirmOrder(t, token, tea.id, [[product, 2]]);
    const changed = await t.gql(
      UpdateProductDocument,
      { input: { productId: product, expectedVersion: 1, price: '99.00', name: '新茶 New tea' } },
      { token: await t.login(demo.admin) },
    );
    expect(changed.data!.updateProduct.product).toMatchObject({ price: '99.00', version: 2 });
    const seen = (await detail(order.id)).data!.order!;
    expect(seen).toMatchObject({
      payment: '20.00',
      lines: [{ name: '茶 Tea', price: '10.00', count: 2, totalPrice: '20.00' }],
    });
    const paid = await pay(order.id, `price-${order.id}`);
    expect(paid.data!.payOrder.transaction!.amount).toBe('-20.00');
    // A new order pays the new price.
    expect((await confirmOrder(t, token, tea.id, [[product, 1]])).payment).toBe('99.00');
  });

  it('with an idempotency key, confirms once however often it is sent', async () => {
    const apple = shop.productIds[0];
    const stock = await stockOf(t, apple);
    const input = { shopId: shop.id, address: ADDRESS, products: [{ productId: apple, count: 2 }] };
    const first = await t.gql(ConfirmShopOrderDocument, { input, key: 'confirm-1' }, { token });
    const again = await t.gql(ConfirmShopOrderDocument, { input, key: 'confirm-1' }, { token });
    // The first reply is the order as its transaction wrote it, the replay reads it back: alike.
    expect(again.data!.confirmShopOrder.order!.id).toBe(first.data!.confirmShopOrder.order!.id);
    expect(again.data).toEqual(first.data);
    expect(await stockOf(t, apple)).toBe(stock - 2);
    const changed = await t.gql(
      ConfirmShopOrderDocument,
      { input: { ...input, products: [{ productId: apple, count: 3 }] }, key: 'confirm-1' },
      { token },
    );
    expect(changed.data!.confirmShopOrder.errors).toMatchObject([
      { code: 'IDEMPOTENCY_KEY_REUSED' },
    ]);
    expect(await stockOf(t, apple)).toBe(stock - 2);
    for (const key of ['', 'k'.repeat(201)]) {
      const bad = await t.gql(ConfirmShopOrderDocument, { input, key }, { token });
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await stockOf(t, apple)).toBe(stock - 2);
  });

  it('needs a logged-in consumer', async () => {
    const res = await t.gql(ConfirmShopOrderDocument, {
      input: { shopId: shop.id, address: ADDRESS, products: [] },
    });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('payOrder and cancelOrder on a shop order (seed 002 processCode 3)', () => {
  it('pays from the bank account, records the pay type and answers the product ids', async () => {
    const [apple, banana] = shop.productIds;
    const order = await confirmOrder(t, token, shop.id, [
      [apple, 2],
      [banana, 2],
    ]);
    const balance = await balanceOf(t, demo.consumer.id);
    const stock = await stockOf(t, apple);
    const res = await pay(order.id, `pay-${order.id}`, 'JDPAY');
    expect(res.errors).toBeUndefined();
    const { payOrder } = res.data!;
    expect(payOrder.errors).toEqual([]);
    expect(payOrder.order).toEqual({
      id: order.id,
      status: 'PAID',
      payType: 'JDPAY',
      isCanceled: false,
    });
    expect(payOrder.productIds).toEqual([apple, banana]);
    expect(payOrder.transaction).toMatchObject({ amount: '-9.50', orderId: order.id });
    expect(Number(await balanceOf(t, demo.consumer.id))).toBeCloseTo(Number(balance) - 9.5, 2);
    // Paid stock is sold: it stays off the shelf.
    expect(await stockOf(t, apple)).toBe(stock);
    const seen = (await detail(order.id)).data!.order!;
    expect(seen).toMatchObject({ status: 'PAID', statusLabel: '已支付', expiresAt: null });
  });

  it('cancels an unpaid order: isCanceled, CANCELLED, the stock back and no money moved', async () => {
    const cherry = shop.productIds[2];
    const order = await confirmOrder(t, token, shop.id, [[cherry, 2]]);
    expect(await stockOf(t, cherry)).toBe(0);
    const balance = await balanceOf(t, demo.consumer.id);
    const res = await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token });
    expect(res.data!.cancelOrder).toEqual({
      order: { id: order.id, status: 'CANCELLED', isCanceled: true, payType: null },
      errors: [],
    });
    expect(await stockOf(t, cherry)).toBe(2);
    expect(await balanceOf(t, demo.consumer.id)).toBe(balance);
    expect(await ledgerOf(t, order.id)).toEqual([]);
    const again = await pay(order.id, `after-cancel-${order.id}`);
    expect(again.data!.payOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    const twice = await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token });
    expect(twice.data!.cancelOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(await stockOf(t, cherry)).toBe(2);
  });

  it('refuses to cancel a paid order, changing nothing', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(order.id, `paid-${order.id}`);
    const before = await fingerprint(t);
    const res = await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token });
    expect(res.data!.cancelOrder.errors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('refuses to pay an order past its expiry even before the timer has expired it', async () => {
    const apple = shop.productIds[0];
    const order = await confirmOrder(t, token, shop.id, [[apple, 1]]);
    await t.db.query(
      `update shop_orders set expires_at = now() - interval '1 second' where order_id = $1`,
      [order.id],
    );
    const before = await fingerprint(t);
    const res = await pay(order.id, `late-${order.id}`);
    expect(res.data!.payOrder.errors).toMatchObject([
      { code: 'INVALID_TRANSITION', message: expect.stringMatching(/expired unpaid/) },
    ]);
    expect(await fingerprint(t)).toEqual(before);
  });
});

describe('deleteOrder on a shop order', () => {
  async function listedIds(as = token): Promise<string[]> {
    const res = await t.gql(ShopOrderListDocument, { first: 100 }, { token: as });
    return res.data!.orders.edges.map((e) => e.node.id);
  }

  it('deletes a cancelled order: "Order deleted.", gone from its owner\'s list and detail, kept for staff', async () => {
    const order = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await t.gql(CancelShopOrderDocument, { orderId: order.id }, { token });
    expect(await listedIds()).toContain(order.id);
    const res = await t.gql(DeleteShopOrderDocument, { orderId: order.id }, { token });
    expect(res.data!.deleteOrder).toEqual({ ok: true, message: 'Order deleted.', errors: [] });
    expect(await listedIds()).not.toContain(order.id);
    expect((await detail(order.id)).data!.order).toBeNull();
    expect((await detail(order.id, operatorToken)).data!.order).toMatchObject({ id: order.id });
    const { rows } = await t.db.query(
      `select type from order_events where order_id = $1 order by id`,
      [order.id],
    );
    expect(rows.map((r) => r.type)).toEqual(['ORDER_CREATED', 'STATUS_CHANGED', 'ORDER_DELETED']);
    const again = await t.gql(DeleteShopOrderDocument, { orderId: order.id }, { token });
    expect(again.data!.deleteOrder).toMatchObject({ ok: false, errors: [{ code: 'NOT_FOUND' }] });
  });

  it('deletes a completed order and an expired one', async () => {
    const completed = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(completed.id, `complete-${completed.id}`);
    await t.gql(
      SetShopOrderStateDocument,
      { orderId: completed.id, status: 'COMPLETED' },
      { token: operatorToken },
    );
    const expired = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const ids = await expireUnpaidOrders(t.app.orm.em.fork(), new Date(Date.now() + 31 * 60_000));
    expect(ids).toContain(expired.id);
    for (const order of [completed, expired]) {
      const res = await t.gql(DeleteShopOrderDocument, { orderId: order.id }, { token });
      expect(res.data!.deleteOrder).toEqual({ ok: true, message: 'Order deleted.', errors: [] });
      expect(await listedIds()).not.toContain(order.id);
    }
  });

  it('offers PAY and CANCEL while unpaid, nothing once paid, DELETE once cancelled, and nothing once deleted', async () => {
    const actions = async (orderId: string, as = token) =>
      (await t.gql(OrderActionsDocument, { id: orderId }, { token: as })).data!.order?.actions;
    const paid = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    expect(await actions(paid.id)).toEqual(['PAY', 'CANCEL']);
    await pay(paid.id, `actions-${paid.id}`);
    expect(await actions(paid.id)).toEqual([]);
    const cancelled = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await t.gql(CancelShopOrderDocument, { orderId: cancelled.id }, { token });
    expect(await actions(cancelled.id)).toEqual(['DELETE']);
    await t.gql(DeleteShopOrderDocument, { orderId: cancelled.id }, { token });
    expect(await actions(cancelled.id, operatorToken)).toEqual([]);
  });

  it('refuses to delete an unpaid order or a paid, unfinished one with INVALID_TRANSITION', async () => {
    const pending = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    const paid = await confirmOrder(t, token, shop.id, [[shop.productIds[0], 1]]);
    await pay(paid.id, `unfinished-${paid.id}`);
    const before = await fingerprint(t);
    for (const order of [pending, paid]) {
      const res = await t.gql(DeleteShopOrderDocument, { orderId: order.id }, { token });
      expect(res.data!.deleteOrder).toMatchObject({
        ok: false,
        errors: [{ code: 'INVALID_TRANSITION' }],
      });
      expect(res.data!.deleteOrder.message).toBe(
        `A ${order === pending ? 'PENDING_PAYMENT' : 'PAID'} order cannot be deleted; only cancelled, completed or expired ones can.`,
      );
      expect(await listedIds()).toContain(order.id);
    }
    expect(await fingerprint(t)).toEqual(before);
  });
});

describe('the shop order list and detail (seed 002 orderlist)', () => {
  it('lists shop orders with the brief fields, and the detail adds lines, payment and address', async () => {
    const [apple, banana] = shop.productIds;
    const order = await confirmOrder(t, token, shop.id, [
      [apple, 1],
      [banana, 2],
    ]);
    const res = await t.gql(ShopOrderListDocument, { first: 1 }, { token });
    const node = res.data!.orders.edges[0].node;
    expect(node).toEqual({
      kind: 'SHOP',
      id: order.id,
      orderNo: order.orderNo,
      status: 'PENDING_PAYMENT',
      statusLabel: '待支付',
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      isCanceled: false,
      shopCnName: shop.cnName,
      shopEnName: shop.enName,
      shop: { id: shop.id },
      productIds: [apple, banana],
      totalAmount: 3,
      payment: '6.00',
    });
    const full = (await detail(order.id)).data!.order!;
    expect(full).toMatchObject({
      address: ADDRESS,
      lines: [
        { productId: apple, count: 1, price: '3.50', totalPrice: '3.50' },
        { productId: banana, count: 2, price: '1.25', totalPrice: '2.50' },
      ],
    });
  });

  it('loads a page of shop orders in a fixed number of SQL statements, however many orders', async () => {
    const count = async (first: number) => {
      statements = [];
      const res = await t.gql(ShopOrderListDocument, { first }, { token });
      expect(res.data!.orders.edges).toHaveLength(first);
      return statements.filter((s) => /\[query\]/.test(s)).length;
    };
    expect(await count(10)).toBe(await count(2));
    // orders, count, shop rows, lines, shops.
    expect(await count(10)).toBeLessThanOrEqual(5);
  });
});
