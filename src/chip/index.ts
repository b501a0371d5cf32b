import type { DomainModule } from '../platform/module';
import { OrderStatus } from '../platform/orders/order.entity';
import { defineOrderKind } from '../platform/orders/order-kinds';
import { chipOrderStates } from './chip-order.state';

defineOrderKind({
  kind: chipOrderStates.kind,
  typeName: 'ChipOrder',
  orderNoPrefix: 'CH',
  table: chipOrderStates,
  payable: false,
  cancellableFrom: [OrderStatus.PAID],
});

/** Chip manufacturing orders (seed 000). */
export const chipModule: DomainModule = {
  name: 'chip',
  entities: [],
  resolvers: [],
  migrations: [],
};
