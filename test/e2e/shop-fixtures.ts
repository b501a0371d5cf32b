import { randomBytes } from 'node:crypto';
import { ConfirmShopOrderDocument, PayOrderDocument } from '../generated/graphql.ts';
import type { TestApp } from '../utils/test-app.ts';

/** Shared helpers of the shop tests: their own shops and products, and row-level assertions. */

export const ADDRESS = {
  recipient: '李雷',
  address: '北京市海淀区中关村大街 1 号',
  telNum: '13800138000',
};

export interface TestShop {
  id: string;
  cnName: string;
  enName: string;
  productIds: string[];
}

/** A fresh shop with the given products, inserted straight into the database. */
export async function makeShop(
  t: TestApp,
  products: { name?: string; price: string; stock: number }[],
): Promise<TestShop> {
  const tag = randomBytes(4).toString('hex');
  const cnName = `测试店 ${tag}`;
  const enName = `Test shop ${tag}`;
  const { rows } = await t.db.query(
    `insert into shops (cn_name, en_name) values ($1, $2) returning id::text`,
    [cnName, enName],
  );
  const productIds: string[] = [];
  for (const [i, p] of products.entries()) {
    const res = await t.db.query(
      `insert into products (shop_id, name, price, stock) values ($1, $2, $3, $4) returning id::text`,
      [rows[0].id, p.name ?? `商品 ${i + 1} Product ${i + 1}`, p.price, p.stock],
    );
    productIds.push(res.rows[0].id);
  }
  return { id: rows[0].id, cnName, enName, productIds };
}

export async function stockOf(t: TestApp, productId: string): Promise<number> {
  const { rows } = await t.db.query(`select stock from products where id = $1`, [productId]);
  return rows[0].stock;
}

/** Ledger rows of one order, oldest first. */
export async function ledgerOf(t: TestApp, orderId: string): Promise<{ amount: string }[]> {
  const { rows } = await t.db.query(
    `select amount from bank_transactions where order_id = $1 order by id`,
    [orderId],
  );
  return rows;
}

const TABLES = [
  'shops',
  'products',
  'orders',
  'order_events',
  'shop_orders',
  'shop_order_lines',
  'bank_accounts',
  'bank_transactions',
  'idempotency_keys',
];

/** A fingerprint of every row a shop operation could touch: equal fingerprints, nothing changed. */
export async function fingerprint(t: TestApp): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await t.db.query(
      `select count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '')
         as f from ${table} x`,
    );
    result[table] = rows[0].f;
  }
  return result;
}

/** Confirms an order of `lines` ([productId, count]) and fails the test on any error. */
export async function confirmOrder(
  t: TestApp,
  token: string,
  shopId: string,
  lines: [string, number][],
) {
  const res = await t.gql(
    ConfirmShopOrderDocument,
    {
      input: {
        shopId,
        address: ADDRESS,
        products: lines.map(([productId, count]) => ({ productId, count })),
      },
    },
    { token },
  );
  const order = res.data?.confirmShopOrder.order;
  if (!order) throw new Error(`confirmation failed: ${JSON.stringify(res)}`);
  return order;
}

/** Confirms and pays (from the balance) an order of one product; returns its id. */
export async function paidShopOrder(
  t: TestApp,
  token: string,
  shopId: string,
  productId: string,
): Promise<string> {
  const order = await confirmOrder(t, token, shopId, [[productId, 1]]);
  const paid = await t.gql(
    PayOrderDocument,
    { orderId: order.id, payType: 'BALANCE', key: `paid-${order.id}` },
    { token },
  );
  if (paid.data?.payOrder.errors.length !== 0)
    throw new Error(`payment failed: ${JSON.stringify(paid)}`);
  return order.id;
}
