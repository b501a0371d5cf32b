import type { DomainModule } from '../platform/module';
import { OrderStatus } from '../platform/orders/order.entity';
import { defineOrderKind } from '../platform/orders/order-kinds';
import { driverOrderStates, planOrderStates, saleOrderStates } from './insurance-order.state';

defineOrderKind({
  kind: planOrderStates.kind,
  typeName: 'PlanOrder',
  orderNoPrefix: 'PL',
  table: planOrderStates,
  payable: true,
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
});
defineOrderKind({
  kind: driverOrderStates.kind,
  typeName: 'DriverOrder',
  orderNoPrefix: 'DR',
  table: driverOrderStates,
  payable: true,
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
});
defineOrderKind({
  kind: saleOrderStates.kind,
  typeName: 'SaleOrder',
  orderNoPrefix: 'SA',
  table: saleOrderStates,
  payable: true,
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
});

/** Vehicle insurance orders and underwriting (seed 001). */
export const insuranceModule: DomainModule = {
  name: 'insurance',
  entities: [],
  resolvers: [],
  migrations: [],
};
