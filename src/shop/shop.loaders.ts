import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { readRows } from '../platform/db/read-rows.ts';
import { defineLoader, groupByKeys, indexByKeys, type MaybePromise } from '../platform/loaders.ts';
import { ShopOrderLine, ShopOrderRow } from './shop-order.entity.ts';
import { Product, Shop } from './shop.entity.ts';
import { reservedUnits } from './stock.repository.ts';

// Each loader costs one query per batch of parents: a list of N orders or shops is not N queries.
// They read plain rows (readRows), not managed entities: cheaper, and only field resolvers use them.
// A row a batch already brought comes back as a value, not a promise (Loaders.now).

const shopsById = defineLoader('shop.shopById', async (ids: readonly string[], em: EntityManager) =>
  indexByKeys(ids, await readRows(em, Shop, { id: ids }), (s) => s.id),
);

const shopOrdersByOrder = defineLoader(
  'shop.orderRowByOrder',
  async (ids: readonly string[], em: EntityManager) => {
    const rows = await readRows(em, ShopOrderRow, { order: ids });
    return indexByKeys(ids, rows, (r) => r.order.id).map(
      (row, i) => row ?? new Error(`order ${ids[i]} has no shop_orders row`),
    );
  },
);

const productsByShop = defineLoader(
  'shop.productsByShop',
  async (ids: readonly string[], em: EntityManager) =>
    groupByKeys(ids, await readRows(em, Product, { shop: ids }, { id: 'asc' }), (p) => p.shop.id),
);

const reservedByProduct = defineLoader(
  'shop.reservedByProduct',
  async (ids: readonly string[], em: EntityManager) => {
    const held = await reservedUnits(em, ids);
    return ids.map((id) => held.get(id) ?? 0);
  },
);

const linesByOrder = defineLoader(
  'shop.linesByOrder',
  async (ids: readonly string[], em: EntityManager) =>
    groupByKeys(
      ids,
      await readRows(em, ShopOrderLine, { orderId: ids }, { orderId: 'asc', lineNo: 'asc' }),
      (l) => l.orderId,
    ),
);

export function loadShop(ctx: RequestContext, id: string): MaybePromise<Shop | null> {
  return ctx.loaders.now(shopsById, id);
}

/** A shop's products in id order; deactivated ones only when asked for. */
export async function loadProductsOfShop(
  ctx: RequestContext,
  shopId: string,
  includeInactive = false,
): Promise<Product[]> {
  const products = await ctx.loaders.get(productsByShop).load(shopId);
  return includeInactive ? products : products.filter((p) => p.active);
}

/** Units of a product that unpaid orders hold, one statement per batch of products. */
export function loadReservedUnits(ctx: RequestContext, productId: string): Promise<number> {
  return ctx.loaders.get(reservedByProduct).load(productId);
}

export function loadShopOrderRow(ctx: RequestContext, orderId: string): MaybePromise<ShopOrderRow> {
  return ctx.loaders.now(shopOrdersByOrder, orderId);
}

/** An order's lines in line order. */
export function loadShopOrderLines(ctx: RequestContext, orderId: string): Promise<ShopOrderLine[]> {
  return ctx.loaders.get(linesByOrder).load(orderId);
}
