import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QuoteCartDocument, ShopByIdDocument, ShopsDocument } from '../generated/graphql.ts';
import { seedShops } from '../../src/shop/shop.seed.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { fingerprint, makeShop, type TestShop } from './shop-fixtures.ts';

let t: TestApp;
let token: string;
let shop: TestShop;
let other: TestShop;
let statements: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
  token = await t.login(demo.consumer);
  shop = await makeShop(t, [
    { name: '苹果 Apple', price: '3.50', stock: 10 },
    { name: '香蕉 Banana', price: '1.25', stock: 5 },
    { name: '樱桃 Cherry', price: '19.99', stock: 1 },
  ]);
  other = await makeShop(t, [{ price: '8.00', stock: 3 }]);
});
afterAll(() => t?.close());
beforeEach(() => {
  statements = [];
});

const quote = (shopId: string, products: { productId: string; count: number }[]) =>
  t.gql(QuoteCartDocument, { input: { shopId, products } }, { token });

describe('the shop catalogue', () => {
  it('lists the demo shops with Chinese and English names and tens of products', async () => {
    const res = await t.gql(ShopsDocument);
    const shops = res.data!.shops;
    const demoShops = shops.filter((s) => !s.enName.startsWith('Test shop'));
    expect(demoShops.length).toBeGreaterThanOrEqual(4);
    expect(demoShops.map((s) => s.cnName)).toContain('鲜果时光');
    expect(demoShops.map((s) => s.enName)).toContain('Fresh Fruit Time');
    const products = demoShops.flatMap((s) => s.products);
    expect(products.length).toBeGreaterThanOrEqual(30);
    for (const p of products) {
      expect(p.price).toMatch(/^\d+\.\d{2}$/);
      expect(p.stock).toBeGreaterThan(0);
    }
  });

  it('loads every shop with its products in a fixed number of SQL statements', async () => {
    await t.gql(ShopsDocument);
    // Two: the shops, then the products of all of them in one batch.
    expect(statements.filter((s) => /^select /i.test(s))).toHaveLength(2);
  });

  it('shows one shop by id, and null for an unknown or malformed id', async () => {
    const res = await t.gql(ShopByIdDocument, { id: shop.id });
    expect(res.data!.shop).toMatchObject({ id: shop.id, cnName: shop.cnName });
    expect(res.data!.shop!.products.map((p) => p.id)).toEqual(shop.productIds);
    for (const id of ['999999999', 'abc', '-1', '']) {
      const missing = await t.gql(ShopByIdDocument, { id });
      expect(missing.errors).toBeUndefined();
      expect(missing.data!.shop).toBeNull();
    }
  });

  it('adds the demo data only once however often it is seeded', async () => {
    const before = await fingerprint(t);
    await seedShops(t.app.orm.em.fork());
    await seedShops(t.app.orm.em.fork());
    expect(await fingerprint(t)).toEqual(before);
  });
});

describe('cartQuote (seed 002 processCode 1)', () => {
  it('prices each line and the cart, and writes nothing', async () => {
    const before = await fingerprint(t);
    const [apple, banana] = shop.productIds;
    const res = await quote(shop.id, [
      { productId: apple, count: 3 },
      { productId: banana, count: 4 },
    ]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.cartQuote).toEqual({
      shopCnName: shop.cnName,
      shopEnName: shop.enName,
      lines: [
        { productId: apple, name: '苹果 Apple', price: '3.50', count: 3, totalPrice: '10.50' },
        { productId: banana, name: '香蕉 Banana', price: '1.25', count: 4, totalPrice: '5.00' },
      ],
      totalAmount: 7,
      payment: '15.50',
      errors: [],
    });
    expect(await fingerprint(t)).toEqual(before);
  });

  it('needs a logged-in consumer', async () => {
    const res = await t.gql(QuoteCartDocument, {
      input: { shopId: shop.id, products: [{ productId: shop.productIds[0], count: 1 }] },
    });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['an unknown shop', '999999999'],
    ['a malformed shop id', 'shop-1'],
  ])('answers NOT_FOUND naming the shop for %s', async (_label, shopId) => {
    const res = await quote(shopId, [{ productId: shop.productIds[0], count: 1 }]);
    expect(res.data!.cartQuote).toMatchObject({ shopCnName: '', lines: [], payment: '0.00' });
    expect(res.data!.cartQuote.errors).toEqual([
      { code: 'NOT_FOUND', message: 'No such shop.', field: ['input', 'shopId'] },
    ]);
  });

  it('names every bad line at once and prices nothing', async () => {
    const before = await fingerprint(t);
    const [apple, banana] = shop.productIds;
    const res = await quote(shop.id, [
      { productId: apple, count: 1 },
      { productId: other.productIds[0], count: 1 },
      { productId: banana, count: 0 },
      { productId: apple, count: 2 },
      { productId: '999999999', count: 1 },
      { productId: 'x', count: -3 },
    ]);
    const { cartQuote } = res.data!;
    expect(cartQuote.lines).toEqual([]);
    expect(cartQuote.totalAmount).toBe(0);
    expect(cartQuote.errors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.products.1.productId'],
      ['INVALID_INPUT', 'input.products.2.count'],
      ['INVALID_INPUT', 'input.products.3.productId'],
      ['NOT_FOUND', 'input.products.4.productId'],
      ['NOT_FOUND', 'input.products.5.productId'],
      ['INVALID_INPUT', 'input.products.5.count'],
    ]);
    expect(cartQuote.errors[0].message).toMatch(/another shop/);
    expect(cartQuote.errors[2].message).toMatch(/already on line 0/);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('refuses an empty cart, too many lines, and a count past 9999', async () => {
    const empty = await quote(shop.id, []);
    expect(empty.data!.cartQuote.errors).toMatchObject([
      { code: 'INVALID_INPUT', field: ['input', 'products'] },
    ]);
    const many = await quote(
      shop.id,
      Array.from({ length: 51 }, (_, i) => ({ productId: String(1_000_000 + i), count: 1 })),
    );
    expect(many.data!.cartQuote.errors).toMatchObject([
      { code: 'INVALID_INPUT', field: ['input', 'products'] },
    ]);
    const huge = await quote(shop.id, [{ productId: shop.productIds[0], count: 10_000 }]);
    expect(huge.data!.cartQuote.errors).toMatchObject([
      { code: 'INVALID_INPUT', field: ['input', 'products', '0', 'count'] },
    ]);
  });

  it('still prices a cart the shelf cannot fill, warning OUT_OF_STOCK on that line', async () => {
    const [apple, , cherry] = shop.productIds;
    const res = await quote(shop.id, [
      { productId: apple, count: 2 },
      { productId: cherry, count: 2 },
    ]);
    const { cartQuote } = res.data!;
    expect(cartQuote.payment).toBe('46.98');
    expect(cartQuote.lines).toHaveLength(2);
    expect(cartQuote.errors).toMatchObject([
      { code: 'OUT_OF_STOCK', field: ['input', 'products', '1', 'count'] },
    ]);
    expect(cartQuote.errors[0].message).toMatch(/Only 1 of 樱桃 Cherry left/);
  });

  it('refuses a count that is not an Int with BAD_USER_INPUT', async () => {
    const res = await t.gql(
      `query { cartQuote(input: { shopId: "${shop.id}", products: [{ productId: "${shop.productIds[0]}", count: 1.5 }] }) { payment } }`,
      {},
      { token },
    );
    expect(res.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});
