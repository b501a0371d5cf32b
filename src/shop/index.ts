import type { DomainModule } from '../platform/module.ts';
import { OrderStatus } from '../platform/orders/order.entity.ts';
import type { OrderKindDefinition } from '../platform/orders/order-kinds.ts';
import { loadShopOrderRow } from './shop.loaders.ts';
import { Migration20261122030000_shop } from './migrations/Migration20261122030000_shop.ts';
import { ShopOrderLine, ShopOrderRow } from './shop-order.entity.ts';
import { startExpiryJob } from './shop-order-expiry.job.ts';
import { ShopOrderResolver } from './shop-order.resolver.ts';
import { shopOrders } from './shop-order.service.ts';
import { shopOrderStates } from './shop-order.state.ts';
import { Product, Shop } from './shop.entity.ts';
import { ShopResolver } from './shop.resolver.ts';
import { ShopCatalogResolver } from './shop-catalog.resolver.ts';
import { Migration20261201030000_shop_catalog } from './migrations/Migration20261201030000_shop_catalog.ts';
import { seedShops } from './shop.seed.ts';
import { ShopOrderType } from './shop.types.ts';

const shopOrderKind: OrderKindDefinition = {
  kind: shopOrderStates.kind,
  typeName: 'ShopOrder',
  orderNoPrefix: 'SH',
  table: shopOrderStates,
  staffSteps: [{ status: OrderStatus.PAID, step: 'deliver it (updateOrderState COMPLETED)' }],
  // An order whose unpaid time ran out can no longer be paid, even before the timer expires it.
  guard: (ctx, order, to) => shopOrders.refuseExpiredPayment(ctx, order, to),
  // Records the pay type; the product ids go back to the payer.
  afterPaid: (ctx, order, payType) => shopOrders.afterPaid(ctx, order, payType),
  // isCanceled, and the reserved stock goes back on the shelf.
  afterCancelled: (ctx, order) => shopOrders.afterCancelled(ctx, order),
  // A shop order's fields read its shop_orders row first: it comes with the page of orders.
  prefetch: (ctx, ids) => Promise.all(ids.map((id) => loadShopOrderRow(ctx, id))),
};

/** Shop orders: shops, products, cart quotes, confirmation, expiry of unpaid orders. */
export const shopModule: DomainModule = {
  name: 'shop',
  entities: [Shop, Product, ShopOrderRow, ShopOrderLine],
  resolvers: [ShopResolver, ShopOrderResolver, ShopCatalogResolver],
  orphanedTypes: [ShopOrderType],
  orderKinds: [shopOrderKind],
  migrations: [
    { name: 'Migration20261122030000_shop', class: Migration20261122030000_shop },
    { name: 'Migration20261201030000_shop_catalog', class: Migration20261201030000_shop_catalog },
  ],
  seed: seedShops,
  start: startExpiryJob,
};
