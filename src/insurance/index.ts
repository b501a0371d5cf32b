import type { DomainModule } from '../platform/module';
import { type Order, OrderStatus } from '../platform/orders/order.entity';
import {
  defineOrderKind,
  type OrderKindDefinition,
  type TxContext,
} from '../platform/orders/order-kinds';
import { CatalogResolver, ConsumerInsuranceResolver } from './catalog.resolver';
import {
  DriverOrderExt,
  InsuranceOrderItem,
  PlanOrderExt,
  SaleOrderExt,
} from './insurance-order.entity';
import { refuseEarlyExpiry, startExpiryClock, takeEffect } from './insurance-order.lifecycle';
import { InsuranceOrderResolver, OrderItemResolver } from './insurance-order.resolver';
import { DriverOrderResolver, SaleOrderResolver } from './driver-sale-order.resolver';
import { PlanOrderResolver } from './plan-order.resolver';
import { driverOrderStates, planOrderStates, saleOrderStates } from './insurance-order.state';
import { DriverOrderType, PlanOrderType, SaleOrderType } from './insurance-order.types';
import { seedInsurance } from './insurance.seed';
import { Migration20261122020000_insurance } from './migrations/Migration20261122020000_insurance';
import { InsurancePlan, InsurancePlanItem, Promotion, Quotation, QuotedItem } from './plan.entity';
import { Photo, Problem, Underwrite } from './underwriting/underwrite.entity';
import { UnderwriteResolver } from './underwriting/underwrite.resolver';
import { Driver, Vehicle } from './vehicle.entity';
import {
  InsurancePlanResolver,
  QuotationResolver,
  QuotedItemResolver,
  VehicleResolver,
} from './vehicle.resolver';

defineOrderKind({
  kind: planOrderStates.kind,
  typeName: 'PlanOrder',
  orderNoPrefix: 'PL',
  table: planOrderStates,
  payable: true,
  // A paid plan order waits for createUnderwrite; underwriting moves it on.
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
  async afterManualTransition(ctx: TxContext, order: Order, _from: OrderStatus, to: OrderStatus) {
    await refuseEarlyExpiry(ctx.em, order, to);
  },
});

// A paid driver or sale order takes effect at once, for one year from now.
const effectiveOncePaid = {
  payable: true,
  cancellableFrom: [OrderStatus.PENDING_PAYMENT],
  async afterPaid(ctx: TxContext, order: Order) {
    await takeEffect(ctx.em, order, ctx.viewer?.id ?? null);
  },
  // An offline payment recorded with updateOrderState takes effect the same way.
  async afterManualTransition(ctx: TxContext, order: Order, _from: OrderStatus, to: OrderStatus) {
    if (to === OrderStatus.PAID) await takeEffect(ctx.em, order, ctx.viewer?.id ?? null);
    await refuseEarlyExpiry(ctx.em, order, to);
  },
} satisfies Partial<OrderKindDefinition>;
defineOrderKind({
  kind: driverOrderStates.kind,
  typeName: 'DriverOrder',
  orderNoPrefix: 'DR',
  table: driverOrderStates,
  ...effectiveOncePaid,
});
defineOrderKind({
  kind: saleOrderStates.kind,
  typeName: 'SaleOrder',
  orderNoPrefix: 'SA',
  table: saleOrderStates,
  ...effectiveOncePaid,
});

/** Vehicle insurance orders and underwriting (seed 001). */
export const insuranceModule: DomainModule = {
  name: 'insurance',
  entities: [
    Vehicle,
    Driver,
    InsurancePlan,
    InsurancePlanItem,
    Quotation,
    QuotedItem,
    Promotion,
    PlanOrderExt,
    DriverOrderExt,
    SaleOrderExt,
    InsuranceOrderItem,
    Underwrite,
    Photo,
    Problem,
  ],
  resolvers: [
    CatalogResolver,
    ConsumerInsuranceResolver,
    VehicleResolver,
    QuotationResolver,
    QuotedItemResolver,
    InsurancePlanResolver,
    InsuranceOrderResolver,
    OrderItemResolver,
    PlanOrderResolver,
    DriverOrderResolver,
    SaleOrderResolver,
    UnderwriteResolver,
  ],
  orphanedTypes: [PlanOrderType, DriverOrderType, SaleOrderType],
  migrations: [
    { name: 'Migration20261122020000_insurance', class: Migration20261122020000_insurance },
  ],
  seed: seedInsurance,
  start: ({ orm, config, log }) => startExpiryClock(orm, log, config.insuranceExpirySweepMs),
};
