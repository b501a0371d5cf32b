import type { RequestContext } from '../context';
import { groupByKeys, indexByKeys } from '../platform/loaders';
import { ShopOrderLine, ShopOrderRow } from './shop-order.entity';
import { Product, Shop } from './shop.entity';

// Each loader costs one query per batch of parents: a list of N orders or shops is not N queries.

export function loadShop(ctx: RequestContext, id: string): Promise<Shop | null> {
  return ctx.loaders
    .get<string, Shop | null>('shopById', async (ids, em) =>
      indexByKeys(ids, await em.find(Shop, { id: { $in: [...ids] } }), (s) => s.id),
    )
    .load(id);
}

/** A shop's products in id order. */
export function loadProductsOfShop(ctx: RequestContext, shopId: string): Promise<Product[]> {
  return ctx.loaders
    .get<string, Product[]>('productsByShop', async (ids, em) =>
      groupByKeys(
        ids,
        await em.find(Product, { shop: { $in: [...ids] } }, { orderBy: { id: 'asc' } }),
        (p) => p.shop.id,
      ),
    )
    .load(shopId);
}

export function loadShopOrderRow(ctx: RequestContext, orderId: string): Promise<ShopOrderRow> {
  return ctx.loaders
    .get<string, ShopOrderRow>('shopOrderByOrder', async (ids, em) => {
      const rows = await em.find(ShopOrderRow, { order: { $in: [...ids] } });
      return indexByKeys(ids, rows, (r) => r.order.id).map(
        (row, i) => row ?? new Error(`order ${ids[i]} has no shop_orders row`),
      );
    })
    .load(orderId);
}

/** An order's lines in line order. */
export function loadShopOrderLines(ctx: RequestContext, orderId: string): Promise<ShopOrderLine[]> {
  return ctx.loaders
    .get<string, ShopOrderLine[]>('shopOrderLinesByOrder', async (ids, em) =>
      groupByKeys(
        ids,
        await em.find(
          ShopOrderLine,
          { orderId: { $in: [...ids] } },
          { orderBy: { orderId: 'asc', lineNo: 'asc' } },
        ),
        (l) => l.orderId,
      ),
    )
    .load(orderId);
}
