import type { DomainModule } from '../platform/module';
import { OrderStatus } from '../platform/orders/order.entity';
import { defineOrderKind } from '../platform/orders/order-kinds';
import { shopOrderStates } from './shop-order.state';

defineOrderKind({
  kind: shopOrderStates.kind,
  typeName: 'ShopOrder',
  orderNoPrefix: 'SH',
  table: shopOrderStates,
  payable: true,
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
});

/** Shop orders (seed 002). */
export const shopModule: DomainModule = {
  name: 'shop',
  entities: [],
  resolvers: [],
  migrations: [],
};
