import type { DomainModule } from '../platform/module.ts';
import { type Order, OrderStatus } from '../platform/orders/order.entity.ts';
import type { OrderKindDefinition, TxContext } from '../platform/orders/order-kinds.ts';
import { CatalogResolver, ConsumerInsuranceResolver } from './insurance-catalog.resolver.ts';
import {
  DriverOrderExt,
  InsuranceOrderItem,
  PlanOrderExt,
  SaleOrderExt,
} from './insurance-order.entity.ts';
import { startExpiryJob } from './insurance-order-expiry.job.ts';
import { guardInsuranceMove, takeEffect } from './insurance-order-lifecycle.service.ts';
import { InsuranceOrderResolver, OrderItemResolver } from './insurance-order.resolver.ts';
import {
  prefetchDriverOrders,
  prefetchPlanOrders,
  prefetchSaleOrders,
} from './insurance.loaders.ts';
import { DriverOrderResolver, SaleOrderResolver } from './driver-sale-order.resolver.ts';
import { PlanOrderResolver } from './plan-order.resolver.ts';
import { PlanCatalogResolver } from './plan-catalog.resolver.ts';
import { VehicleRegistryResolver } from './vehicle-registry.resolver.ts';
import { driverOrderStates, planOrderStates, saleOrderStates } from './insurance-order.state.ts';
import { DriverOrderType, PlanOrderType, SaleOrderType } from './insurance-order.types.ts';
import { seedInsurance } from './insurance.seed.ts';
import { Migration20261122020000_insurance } from './migrations/Migration20261122020000_insurance.ts';
import { Migration20261201020000_insurance_catalog } from './migrations/Migration20261201020000_insurance_catalog.ts';
import {
  InsurancePlan,
  InsurancePlanItem,
  Promotion,
  Quotation,
  QuotedItem,
} from './plan.entity.ts';
import { Photo, Problem, Underwrite } from './underwriting/underwrite.entity.ts';
import { UnderwriteResolver } from './underwriting/underwrite.resolver.ts';
import { UnderwriteQueueResolver } from './underwriting/underwrite-queue.resolver.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';
import { InsurancePlanResolver } from './plan.resolver.ts';
import { QuotationResolver, QuotedItemResolver } from './quotation.resolver.ts';
import { VehicleResolver } from './vehicle.resolver.ts';

const guard = (ctx: TxContext, order: Order, to: OrderStatus) =>
  guardInsuranceMove(ctx.em, order, to);

// Each kind's fields read its rows, and what they point at, loaded with the page (order-prefetch.ts).
const planOrderKind: OrderKindDefinition = {
  kind: planOrderStates.kind,
  typeName: 'PlanOrder',
  orderNoPrefix: 'PL',
  table: planOrderStates,
  // A paid plan order waits for createUnderwrite; underwriting moves it on.
  staffSteps: [{ status: OrderStatus.PAID, step: 'book its inspection (createUnderwrite)' }],
  guard,
  prefetch: prefetchPlanOrders,
};

// A paid driver or sale order takes effect at once, for one year from now.
const effectiveOncePaid = {
  guard,
  afterPaid: (ctx: TxContext, order: Order) => takeEffect(ctx.em, order, ctx.viewer?.id ?? null),
  // An offline payment recorded with updateOrderState takes effect the same way.
  async afterManualTransition(ctx: TxContext, order: Order, _from: OrderStatus, to: OrderStatus) {
    if (to === OrderStatus.PAID) await takeEffect(ctx.em, order, ctx.viewer?.id ?? null);
  },
} satisfies Partial<OrderKindDefinition>;
const driverOrderKind: OrderKindDefinition = {
  kind: driverOrderStates.kind,
  typeName: 'DriverOrder',
  orderNoPrefix: 'DR',
  table: driverOrderStates,
  ...effectiveOncePaid,
  prefetch: prefetchDriverOrders,
};
const saleOrderKind: OrderKindDefinition = {
  kind: saleOrderStates.kind,
  typeName: 'SaleOrder',
  orderNoPrefix: 'SA',
  table: saleOrderStates,
  ...effectiveOncePaid,
  prefetch: prefetchSaleOrders,
};

/** Vehicle insurance orders and underwriting. */
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
    PlanCatalogResolver,
    VehicleRegistryResolver,
    UnderwriteQueueResolver,
  ],
  orphanedTypes: [PlanOrderType, DriverOrderType, SaleOrderType],
  orderKinds: [planOrderKind, driverOrderKind, saleOrderKind],
  migrations: [
    { name: 'Migration20261122020000_insurance', class: Migration20261122020000_insurance },
    {
      name: 'Migration20261201020000_insurance_catalog',
      class: Migration20261201020000_insurance_catalog,
    },
  ],
  seed: seedInsurance,
  start: ({ orm, config, log }) => startExpiryJob(orm, log, config.insuranceExpirySweepMs),
};
