import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdjustProductStockDocument,
  CatalogHistoryDocument,
  ConfirmShopOrderDocument,
  CreateProductDocument,
  CreateShopDocument,
  PayShopOrderDocument,
  QuoteCartDocument,
  ShopProductsDocument,
  UpdateProductDocument,
  UpdateShopDocument,
} from '../generated/graphql.ts';
import { concurrently, demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { apiShop, tag } from './catalog-fixtures.ts';
import { ADDRESS, confirmOrder, stockOf } from './shop-fixtures.ts';

let t: TestApp;
let admin: string;
let operator: string;
let consumer: string;

beforeAll(async () => {
  t = await startTestApp();
  [admin, operator, consumer] = await Promise.all([
    t.login(demo.admin),
    t.login(demo.operator),
    t.login(demo.consumer),
  ]);
});
afterAll(() => t?.close());

const product = async (id: string, shopId: string) => {
  const res = await t.gql(ShopProductsDocument, { id: shopId, includeInactive: true });
  return res.data!.shop!.products.find((p) => p.id === id)!;
};
const update = (input: Record<string, unknown>, token = admin) =>
  t.gql(UpdateProductDocument, { input: input as never }, { token });
const adjust = (productId: string, delta: number, token = operator) =>
  t.gql(AdjustProductStockDocument, { input: { productId, delta, reason: 'count' } }, { token });

describe('shops and products', () => {
  it('opens a shop with products that consumers can order at once, and records who did it', async () => {
    const shop = await apiShop(t, admin, [{ name: '灯 Lamp', price: '88.00', stock: 5 }]);
    const listed = await t.gql(ShopProductsDocument, { id: shop.id });
    expect(listed.data!.shop!.products).toEqual([
      {
        id: shop.productIds[0],
        name: '灯 Lamp',
        price: '88.00',
        stock: 5,
        reserved: 0,
        active: true,
        version: 1,
      },
    ]);
    const order = await confirmOrder(t, consumer, shop.id, [[shop.productIds[0], 2]]);
    expect(order.payment).toBe('176.00');

    const history = await t.gql(
      CatalogHistoryDocument,
      { entityType: 'PRODUCT', entityId: shop.productIds[0] },
      { token: operator },
    );
    expect(history.data!.catalogHistory.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        action: 'CREATED',
        actor: { id: demo.admin.id },
        changes: {
          shopId: { from: null, to: shop.id },
          name: { from: null, to: '灯 Lamp' },
          price: { from: null, to: '88.00' },
          stock: { from: null, to: 5 },
        },
      }),
    ]);
  });

  it('refuses bad names, prices and stock at once, each naming its field, and saves nothing', async () => {
    const { rows: before } = await t.db.query(`select count(*) from products`);
    const shop = await apiShop(t, admin, []);
    const res = await t.gql(
      CreateProductDocument,
      { input: { shopId: shop.id, name: '  ', price: '-1.00', stock: -3 } },
      { token: admin },
    );
    expect(res.data!.createProduct.product).toBeNull();
    expect(res.data!.createProduct.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'name']],
      ['INVALID_INPUT', ['input', 'price']],
      ['INVALID_INPUT', ['input', 'stock']],
    ]);
    const unknown = await t.gql(
      CreateProductDocument,
      { input: { shopId: '999999999', name: 'x', price: '1.00', stock: 1 } },
      { token: admin },
    );
    expect(unknown.data!.createProduct.errors).toEqual([
      { code: 'NOT_FOUND', message: 'No such shop.', field: ['input', 'shopId'] },
    ]);
    const { rows: after } = await t.db.query(`select count(*) from products`);
    expect(after).toEqual(before);
  });

  it('refuses a name another shop or product already has, also when two ask at once', async () => {
    const name = tag();
    const input = { cnName: `同名 ${name}`, enName: `Same ${name}` };
    const both = await concurrently(2, () =>
      t.gql(CreateShopDocument, { input }, { token: admin }),
    );
    const errors = both.map((r) => r.data!.createShop.errors);
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    expect(errors.flat()).toEqual([
      {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/Another shop has this (Chinese|English) name/),
        field: ['input', expect.stringMatching(/^(cn|en)Name$/)],
      },
    ]);
    const shop = await apiShop(t, admin, [{ name: '杯 Cup', price: '1.00', stock: 1 }]);
    const twice = await t.gql(
      CreateProductDocument,
      { input: { shopId: shop.id, name: '杯 Cup', price: '2.00', stock: 1 } },
      { token: admin },
    );
    expect(twice.data!.createProduct.errors).toEqual([
      {
        code: 'INVALID_INPUT',
        message: 'The shop already sells a product of this name.',
        field: ['input', 'name'],
      },
    ]);
  });

  it('renames a shop at the version read; a stale version is STALE_UPDATE and changes nothing', async () => {
    const shop = await apiShop(t, admin, []);
    const renamed = await t.gql(
      UpdateShopDocument,
      { input: { shopId: shop.id, expectedVersion: 1, enName: `Renamed ${tag()}` } },
      { token: admin },
    );
    expect(renamed.data!.updateShop.shop!.version).toBe(2);
    const stale = await t.gql(
      UpdateShopDocument,
      { input: { shopId: shop.id, expectedVersion: 1, cnName: '旧版' } },
      { token: admin },
    );
    expect(stale.data!.updateShop.errors).toEqual([
      {
        code: 'STALE_UPDATE',
        message: expect.stringContaining('version 2, not 1'),
        field: ['input', 'expectedVersion'],
      },
    ]);
  });
});

describe('prices', () => {
  it('records a price change, before and after, in the history (orders keep theirs: shop-orders.test.ts)', async () => {
    const shop = await apiShop(t, admin, [{ name: '茶 Tea', price: '10.00', stock: 10 }]);
    const [tea] = shop.productIds;
    await update({ productId: tea, expectedVersion: 1, price: '99.00', name: '新茶' });
    const history = await t.gql(
      CatalogHistoryDocument,
      { entityType: 'PRODUCT', entityId: tea, first: 1 },
      { token: admin },
    );
    expect(history.data!.catalogHistory).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      edges: [
        {
          node: {
            action: 'UPDATED',
            actor: { id: demo.admin.id },
            changes: {
              price: { from: '10.00', to: '99.00' },
              name: { from: '茶 Tea', to: '新茶' },
            },
          },
        },
      ],
    });
    const older = await t.gql(
      CatalogHistoryDocument,
      {
        entityType: 'PRODUCT',
        entityId: tea,
        after: history.data!.catalogHistory.pageInfo.endCursor,
      },
      { token: admin },
    );
    expect(older.data!.catalogHistory.edges.map((e) => e.node.action)).toEqual(['CREATED']);
  });

  it('changes nothing, not even the version, when an update repeats what is there', async () => {
    const shop = await apiShop(t, admin, [{ price: '3.00', stock: 1 }]);
    const res = await update({ productId: shop.productIds[0], expectedVersion: 1, price: '3.00' });
    expect(res.data!.updateProduct.product!.version).toBe(1);
  });
});

describe('deactivating a product', () => {
  it('stops new quotes and orders; an unpaid order keeps its snapshot and can still be paid', async () => {
    const shop = await apiShop(t, admin, [{ name: '旧款 Old model', price: '50.00', stock: 4 }]);
    const [old] = shop.productIds;
    const pending = await confirmOrder(t, consumer, shop.id, [[old, 1]]);
    const off = await update({ productId: old, expectedVersion: 1, active: false });
    expect(off.data!.updateProduct.product).toMatchObject({ active: false, stock: 3, reserved: 1 });

    const quote = await t.gql(
      QuoteCartDocument,
      { input: { shopId: shop.id, products: [{ productId: old, count: 1 }] } },
      { token: consumer },
    );
    expect(quote.data!.cartQuote.errors).toEqual([
      {
        code: 'INVALID_INPUT',
        message: `Product ${old} (旧款 Old model) is no longer sold.`,
        field: ['input', 'products', '0', 'productId'],
      },
    ]);
    const confirm = await t.gql(
      ConfirmShopOrderDocument,
      { input: { shopId: shop.id, address: ADDRESS, products: [{ productId: old, count: 1 }] } },
      { token: consumer },
    );
    expect(confirm.data!.confirmShopOrder.errors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    const listed = await t.gql(ShopProductsDocument, { id: shop.id });
    expect(listed.data!.shop!.products).toEqual([]);

    const paid = await t.gql(
      PayShopOrderDocument,
      { orderId: pending.id, payType: 'BALANCE', key: `old-${pending.id}` },
      { token: consumer },
    );
    expect(paid.data!.payOrder.errors).toEqual([]);
    expect(paid.data!.payOrder.transaction!.amount).toBe('-50.00');
  });
});

describe('stock', () => {
  it('restocks and takes units away, but never the units unpaid orders hold', async () => {
    const shop = await apiShop(t, admin, [{ name: '伞 Umbrella', price: '30.00', stock: 5 }]);
    const [umbrella] = shop.productIds;
    await confirmOrder(t, consumer, shop.id, [[umbrella, 3]]);
    const restocked = await adjust(umbrella, 10);
    expect(restocked.data!.adjustProductStock.product).toMatchObject({ stock: 12, reserved: 3 });

    const tooMany = await adjust(umbrella, -13);
    expect(tooMany.data!.adjustProductStock.errors).toEqual([
      {
        code: 'INVALID_INPUT',
        message:
          'Only 12 of 伞 Umbrella are free to take away, not 13; the 3 more that unpaid orders hold stay theirs.',
        field: ['input', 'delta'],
      },
    ]);
    expect(await stockOf(t, umbrella)).toBe(12);
    expect((await adjust(umbrella, -12)).data!.adjustProductStock.product!.stock).toBe(0);
    expect((await adjust(umbrella, 0)).data!.adjustProductStock.errors[0].field).toEqual([
      'input',
      'delta',
    ]);

    const history = await t.gql(
      CatalogHistoryDocument,
      { entityType: 'PRODUCT', entityId: umbrella, first: 2 },
      { token: admin },
    );
    expect(history.data!.catalogHistory.edges.map((e) => e.node)).toMatchObject([
      {
        action: 'STOCK_ADJUSTED',
        actor: { id: demo.operator.id },
        changes: { stock: { from: 12, to: 0 } },
        reason: 'count',
      },
      { action: 'STOCK_ADJUSTED', changes: { stock: { from: 2, to: 12 } } },
    ]);
  });
});

describe('two staff and the shoppers at once', () => {
  it('lets exactly one of two edits made against the same version through; the other is STALE_UPDATE', async () => {
    const shop = await apiShop(t, admin, [{ price: '10.00', stock: 50 }]);
    const [id] = shop.productIds;
    const results = await concurrently(2, (i) =>
      update({ productId: id, expectedVersion: 1, price: i === 0 ? '11.00' : '12.00' }),
    );
    const codes = results.map((r) => r.data!.updateProduct.errors.map((e) => e.code));
    expect(codes.sort()).toEqual([[], ['STALE_UPDATE']]);
    const winner = results.find((r) => r.data!.updateProduct.errors.length === 0)!;
    expect((await product(id, shop.id)).price).toBe(winner.data!.updateProduct.product!.price);
    expect((await product(id, shop.id)).version).toBe(2);
  });

  it('keeps every reservation and every adjustment when staff edit and restock while consumers order', async () => {
    const shop = await apiShop(t, admin, [{ price: '2.00', stock: 40 }]);
    const [id] = shop.productIds;
    // A price edit made with what the editor read before the orders came: it must not write
    // back that stock figure.
    const read = await product(id, shop.id);
    const [orders, restocks] = await Promise.all([
      concurrently(10, () => confirmOrder(t, consumer, shop.id, [[id, 2]])),
      concurrently(5, () => adjust(id, 3)),
      update({ productId: id, expectedVersion: read.version, price: '2.50' }),
      concurrently(4, () => adjust(id, -1, admin)),
    ]);
    expect(orders).toHaveLength(10);
    expect(restocks.every((r) => r.data!.adjustProductStock.errors.length === 0)).toBe(true);
    // 40 - 10 × 2 reserved + 5 × 3 restocked - 4 taken away.
    const after = await product(id, shop.id);
    expect(after).toMatchObject({ stock: 31, reserved: 20, price: '2.50' });
    const { rows } = await t.db.query(
      `select count(*)::int as n from catalog_changes
        where entity_type = 'PRODUCT' and entity_id = $1 and action = 'STOCK_ADJUSTED'`,
      [id],
    );
    expect(rows[0].n).toBe(9);
  });
});
