import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireViewer } from '../platform/auth/roles.ts';
import { BusinessError, ErrorCode, type UserError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { InputChecks } from '../platform/input.rules.ts';
import { Decimal, toMoneyString } from '../platform/money.ts';
import { Order, OrderKind } from '../platform/orders/order.entity.ts';
import { createOrder } from '../platform/orders/order-lifecycle.ts';
import { orders } from '../platform/orders/order.service.ts';
import {
  checkDriverOrderSize,
  checkDrivers,
  checkPlanOrderSize,
  checkSaleOrderSize,
  judgeDriverOrder,
  judgePlanOrder,
  judgeSaleOrder,
  type PricedItem,
} from './insurance-order.rules.ts';
import {
  DriverOrderExt,
  InsuranceOrderItem,
  PlanOrderExt,
  SaleOrderExt,
} from './insurance-order.entity.ts';
import type {
  PlaceAnDriverOrderInput,
  PlaceAnPlanOrderInput,
  PlaceAnSaleOrderInput,
} from './insurance-order.input.ts';
import {
  InsurancePlan,
  InsurancePlanItem,
  Promotion,
  Quotation,
  QuotedItem,
} from './plan.entity.ts';
import { quotationRefusal } from './quotation.rules.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';
import { insuranceCatalog } from './insurance-catalog.service.ts';

export interface PlacementResult {
  order?: Order;
  errors: UserError[];
}

/**
 * The caller's vehicle. An unknown vehicle and another consumer's look the same (NOT_FOUND),
 * so nobody learns which vehicles exist.
 */
async function ownVehicle(
  em: EntityManager,
  consumerId: string,
  vehicleId: string,
  checks: InputChecks,
): Promise<Vehicle | undefined> {
  // FOR SHARE: staff cannot hand the vehicle to another owner (or revalue it) under the order.
  const vehicle = isUuid(vehicleId)
    ? await em.findOne(Vehicle, vehicleId, { lockMode: LockMode.PESSIMISTIC_READ })
    : null;
  if (vehicle && vehicle.ownerId === consumerId) return vehicle;
  checks.add(ErrorCode.NOT_FOUND, 'You have no vehicle with this id.', ['input', 'vehicleId']);
  return undefined;
}

/** A quotation of this vehicle with its prices by plan item id; NOT_FOUND or its refusal. */
async function quotationOf(
  em: EntityManager,
  vehicle: Vehicle,
  quotationId: string,
  checks: InputChecks,
): Promise<Map<string, Decimal> | undefined> {
  const quotation = isUuid(quotationId)
    ? await em.findOne(Quotation, { id: quotationId, vehicleId: vehicle.id })
    : null;
  if (!quotation) {
    checks.add(
      ErrorCode.NOT_FOUND,
      `Vehicle ${vehicle.plateNumber} has no quotation with this id.`,
      ['input', 'quotationId'],
    );
    return undefined;
  }
  const refusal = quotationRefusal(quotation, new Date(), ['input', 'quotationId']);
  if (refusal) {
    checks.push(refusal);
    return undefined;
  }
  const quoted = await em.find(QuotedItem, { quotationId: quotation.id });
  return new Map(quoted.map((q) => [q.planItemId, q.price]));
}

/** Plan items by id, for the ids that can be ids at all. */
async function planItemsById(
  em: EntityManager,
  ids: string[],
): Promise<Map<string, InsurancePlanItem>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  const rows = wanted.length ? await em.find(InsurancePlanItem, { id: { $in: wanted } }) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Placing the three insurance kinds (placeAnPlanOrder / placeAnDriverOrder /
 * placeAnSaleOrder). Each reads the caller's vehicle, the quotation and the catalogue entries
 * the input names, lets insurance-order.rules.ts judge the whole input and recompute the
 * money, and saves the order in PENDING_PAYMENT only when every figure is the server's;
 * otherwise it answers every finding and saves nothing.
 */
export class InsuranceOrderService {
  placePlanOrder(ctx: RequestContext, input: PlaceAnPlanOrderInput): Promise<PlacementResult> {
    const viewer = requireViewer(ctx);
    return this.place(ctx, async (em, checks) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, checks);
      if (!vehicle) return;
      const quoted = await quotationOf(em, vehicle, input.quotationId, checks);
      if (!quoted || !checkPlanOrderSize(input, checks)) return;
      const planIds = input.plans.map((p) => p.planId).filter(isUuid);
      const plans = planIds.length ? await em.find(InsurancePlan, { id: { $in: planIds } }) : [];
      const items = await planItemsById(
        em,
        input.plans.flatMap((p) => p.items.map((i) => i.planItemId)),
      );
      const promotion =
        input.promotionId && isUuid(input.promotionId)
          ? await em.findOne(Promotion, { id: input.promotionId, active: true })
          : null;
      const decision = judgePlanOrder(
        input,
        {
          plans: new Map(plans.map((p) => [p.id, p])),
          items,
          quoted,
          promotion,
          vehicleValue: vehicle.value,
          now: Date.now(),
        },
        checks,
      );
      if (!decision) return;

      const { priced, ratio, summary, payment } = decision;
      const order = await this.newOrder(em, OrderKind.PLAN, viewer.id, payment, {
        vehicleId: vehicle.id,
        quotationId: input.quotationId,
        summary: toMoneyString(summary),
      });
      em.create(PlanOrderExt, {
        orderId: order.id,
        vehicleId: vehicle.id,
        quotationId: input.quotationId,
        promotionId: promotion?.id ?? null,
        promotionPrice: promotion?.price ?? null,
        serviceRatio: ratio.toString(),
        summary,
        vehicleValue: vehicle.value,
        expectAt: input.expectAt,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await em.flush();
      this.addItems(em, order.id, input.quotationId, priced, true);
      return order;
    });
  }

  placeDriverOrder(ctx: RequestContext, input: PlaceAnDriverOrderInput): Promise<PlacementResult> {
    const viewer = requireViewer(ctx);
    return this.place(ctx, async (em, checks) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, checks);
      if (!vehicle || !checkDriverOrderSize(input, checks)) return;
      const ids = input.driverIds;
      const wanted = [...new Set(ids.filter(isUuid))];
      const drivers = wanted.length
        ? await em.find(Driver, { id: { $in: wanted }, ownerId: viewer.id })
        : [];
      const current = new Set(
        (await insuranceCatalog.effectiveDrivers(em, [vehicle.id]))[0].map((d) => d.id),
      );
      const byId = new Map(drivers.map((d) => [d.id, d]));
      checkDrivers(input, byId, current, vehicle.plateNumber, checks);
      if (checks.any) return;
      const summary = judgeDriverOrder(input, await insuranceCatalog.driverFee(em), checks);
      if (!summary) return;

      const order = await this.newOrder(em, OrderKind.DRIVER, viewer.id, summary, {
        vehicleId: vehicle.id,
        driverIds: ids,
        summary: toMoneyString(summary),
      });
      em.create(DriverOrderExt, {
        orderId: order.id,
        vehicleId: vehicle.id,
        summary,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await em.flush();
      for (const [position, driverId] of ids.entries()) {
        await em.execute(
          `insert into driver_order_drivers (order_id, driver_id, position) values (?, ?, ?)`,
          [order.id, driverId, position],
        );
      }
      return order;
    });
  }

  placeSaleOrder(ctx: RequestContext, input: PlaceAnSaleOrderInput): Promise<PlacementResult> {
    const viewer = requireViewer(ctx);
    return this.place(ctx, async (em, checks) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, checks);
      if (!vehicle) return;
      const quoted = await quotationOf(em, vehicle, input.quotationId, checks);
      if (!quoted || !checkSaleOrderSize(input, checks)) return;
      const items = await planItemsById(
        em,
        input.items.map((i) => i.planItemId),
      );
      const decision = judgeSaleOrder(input, items, quoted, checks);
      if (!decision) return;

      const { priced, summary } = decision;
      const order = await this.newOrder(em, OrderKind.SALE, viewer.id, summary, {
        vehicleId: vehicle.id,
        quotationId: input.quotationId,
        summary: toMoneyString(summary),
      });
      em.create(SaleOrderExt, {
        orderId: order.id,
        vehicleId: vehicle.id,
        quotationId: input.quotationId,
        summary,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await em.flush();
      this.addItems(em, order.id, input.quotationId, priced, false);
      return order;
    });
  }

  /** Runs a placement in one transaction; findings roll it back and become the payload's errors. */
  private async place(
    ctx: RequestContext,
    work: (em: EntityManager, checks: InputChecks) => Promise<Order | undefined>,
  ): Promise<PlacementResult> {
    const outcome = await orders.inTransaction(ctx, async (em) => {
      const checks = new InputChecks();
      const order = await work(em, checks);
      if (checks.any || !order) throw new BusinessError(checks.errors);
      return order.id;
    });
    if (!outcome.order) return { errors: outcome.errors };
    return { order: await ctx.em.findOneOrFail(Order, outcome.order), errors: [] };
  }

  private async newOrder(
    em: EntityManager,
    kind: OrderKind,
    consumerId: string,
    payment: Decimal,
    data: Record<string, unknown>,
  ): Promise<Order> {
    const order = await createOrder(em, { kind, consumerId, payment, actorId: consumerId, data });
    // The order row first: the kind's rows reference it.
    await em.flush();
    return order;
  }

  /** Its order_items: parent is the plan (plan orders) or the sale order itself. */
  private addItems(
    em: EntityManager,
    orderId: string,
    quotationId: string,
    items: PricedItem[],
    underPlan: boolean,
  ): void {
    items.forEach((item, position) =>
      em.create(InsuranceOrderItem, {
        id: crypto.randomUUID(),
        orderId,
        planId: underPlan ? item.planId : null,
        planItemId: item.planItemId,
        quotationId,
        price: item.price,
        position,
      }),
    );
  }
}

export const insuranceOrders = new InsuranceOrderService();
