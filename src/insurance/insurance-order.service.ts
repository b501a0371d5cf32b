import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { requireViewer } from '../platform/auth/roles.ts';
import { BusinessError, ErrorCode, type UserError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { Decimal, sum, toMoneyString } from '../platform/money.ts';
import { Order, OrderKind } from '../platform/orders/order.entity.ts';
import { createOrder } from '../platform/orders/order-lifecycle.ts';
import { orders } from '../platform/orders/order.service.ts';
import {
  ORDER_LIMITS,
  parseServiceRatio,
  planPayment,
  planPaymentFormula,
} from './insurance-pricing.rules.ts';
import {
  checkItems,
  expectAmount,
  Findings,
  ownVehicle,
  planItemsById,
  quotationOf,
  type PricedItem,
} from './insurance-order.checks.ts';
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
import { InsurancePlan, Promotion } from './plan.entity.ts';
import { Driver } from './vehicle.entity.ts';
import { insuranceCatalog } from './insurance-catalog.service.ts';

export interface PlacementResult {
  order?: Order;
  errors: UserError[];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Placing the three insurance kinds (placeAnPlanOrder / placeAnDriverOrder /
 * placeAnSaleOrder). Each checks the whole input against the caller's vehicle, the catalog
 * and the quotation, recomputes the money, and saves the order in PENDING_PAYMENT only when
 * every figure is the server's; otherwise it answers every finding and saves nothing.
 */
export class InsuranceOrderService {
  placePlanOrder(ctx: RequestContext, input: PlaceAnPlanOrderInput): Promise<PlacementResult> {
    const viewer = requireViewer(ctx);
    return this.place(ctx, async (em, found) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, found);
      if (!vehicle) return;
      const quoted = await quotationOf(em, vehicle, input.quotationId, found);
      if (!quoted) return;
      if (input.plans.length === 0) {
        found.add(ErrorCode.INVALID_INPUT, 'Choose at least one plan.', ['input', 'plans']);
        return;
      }
      const itemCount = input.plans.reduce((n, p) => n + p.items.length, 0);
      if (
        input.plans.length > ORDER_LIMITS.plansPerOrder ||
        itemCount > ORDER_LIMITS.itemsPerOrder
      ) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `An order holds at most ${ORDER_LIMITS.plansPerOrder} plans and ${ORDER_LIMITS.itemsPerOrder} items.`,
          ['input', 'plans'],
        );
        return;
      }
      const planIds = input.plans.map((p) => p.planId).filter(isUuid);
      const plans = new Map(
        (planIds.length ? await em.find(InsurancePlan, { id: { $in: planIds } }) : []).map((p) => [
          p.id,
          p,
        ]),
      );
      const catalogItems = await planItemsById(
        em,
        input.plans.flatMap((p) => p.items.map((i) => i.planItemId)),
      );
      const seenPlans = new Set<string>();
      const seenItems = new Set<string>();
      const priced: PricedItem[] = [];
      input.plans.forEach((selection, i) => {
        const at = ['input', 'plans', i];
        const plan = plans.get(selection.planId);
        if (!plan) return found.add(ErrorCode.NOT_FOUND, 'No plan has this id.', [...at, 'planId']);
        if (seenPlans.has(plan.id)) {
          return found.add(ErrorCode.INVALID_INPUT, `Plan "${plan.name}" is listed twice.`, [
            ...at,
            'planId',
          ]);
        }
        seenPlans.add(plan.id);
        if (selection.items.length === 0) {
          return found.add(ErrorCode.INVALID_INPUT, `Plan "${plan.name}" has no items chosen.`, [
            ...at,
            'items',
          ]);
        }
        priced.push(
          ...checkItems(
            selection.items,
            [...at, 'items'],
            catalogItems,
            quoted,
            seenItems,
            found,
            plan.id,
          ),
        );
      });

      const ratio = parseServiceRatio(input.serviceRatio);
      if (!ratio) {
        found.add(
          ErrorCode.INVALID_INPUT,
          'serviceRatio must be a number from 0 to 1 with at most four decimal places.',
          ['input', 'serviceRatio'],
        );
      }
      let promotion: Promotion | null = null;
      if (input.promotionId) {
        promotion = isUuid(input.promotionId)
          ? await em.findOne(Promotion, { id: input.promotionId, active: true })
          : null;
        if (!promotion) {
          found.add(ErrorCode.NOT_FOUND, 'No running promotion has this id.', [
            'input',
            'promotionId',
          ]);
        }
      }
      const now = Date.now();
      const expectAt = input.expectAt.getTime();
      if (expectAt < now - DAY_MS || expectAt > now + 366 * DAY_MS) {
        found.add(ErrorCode.INVALID_INPUT, 'expectAt must be from today up to a year ahead.', [
          'input',
          'expectAt',
        ]);
      }
      expectAmount(found, input.vehicleValue, vehicle.value, "The vehicle's value", [
        'input',
        'vehicleValue',
      ]);
      if (found.structural || !ratio) return;

      const summary = sum(priced.map((p) => p.price));
      expectAmount(found, input.summary, summary, 'summary (the sum of the quoted item prices)', [
        'input',
        'summary',
      ]);
      const payment = planPayment(summary, ratio, promotion?.price);
      const formula = planPaymentFormula(summary, ratio, promotion?.price);
      if (payment.lte(0)) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `The promotion leaves nothing to pay (${formula} = ${toMoneyString(payment)}).`,
          ['input', 'promotionId'],
        );
        return;
      }
      if (!input.payment.eq(payment)) {
        found.add(
          ErrorCode.PRICE_MISMATCH,
          `payment should be ${toMoneyString(payment)} = ${formula}, not ${toMoneyString(input.payment)}.`,
          ['input', 'payment'],
        );
      }
      if (found.any) return;

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
    return this.place(ctx, async (em, found) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, found);
      if (!vehicle) return;
      const ids = input.driverIds;
      if (ids.length === 0 || ids.length > ORDER_LIMITS.driversPerOrder) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `A driver order adds 1 to ${ORDER_LIMITS.driversPerOrder} drivers.`,
          ['input', 'driverIds'],
        );
        return;
      }
      const wanted = [...new Set(ids.filter(isUuid))];
      const drivers = new Map(
        (wanted.length
          ? await em.find(Driver, { id: { $in: wanted }, ownerId: viewer.id })
          : []
        ).map((d) => [d.id, d]),
      );
      const current = new Set(
        (await insuranceCatalog.effectiveDrivers(em, [vehicle.id]))[0].map((d) => d.id),
      );
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        const driver = drivers.get(id);
        const at = ['input', 'driverIds', i];
        if (!driver) return found.add(ErrorCode.NOT_FOUND, 'You have no driver with this id.', at);
        if (seen.has(id)) {
          return found.add(ErrorCode.INVALID_INPUT, `${driver.name} is listed twice.`, at);
        }
        seen.add(id);
        if (current.has(id)) {
          found.add(
            ErrorCode.INVALID_INPUT,
            `${driver.name} already drives ${vehicle.plateNumber} under an effective driver order.`,
            at,
          );
        }
      });
      if (found.any) return;
      const fee = await insuranceCatalog.driverFee(em);
      const summary = fee.times(ids.length);
      expectAmount(
        found,
        input.summary,
        summary,
        `summary (${ids.length} drivers × ${toMoneyString(fee)})`,
        ['input', 'summary'],
      );
      expectAmount(found, input.payment, summary, 'payment (the summary)', ['input', 'payment']);
      if (found.any) return;

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
    return this.place(ctx, async (em, found) => {
      const vehicle = await ownVehicle(em, viewer.id, input.vehicleId, found);
      if (!vehicle) return;
      const quoted = await quotationOf(em, vehicle, input.quotationId, found);
      if (!quoted) return;
      if (input.items.length === 0 || input.items.length > ORDER_LIMITS.itemsPerOrder) {
        found.add(
          ErrorCode.INVALID_INPUT,
          `A sale order holds 1 to ${ORDER_LIMITS.itemsPerOrder} items.`,
          ['input', 'items'],
        );
        return;
      }
      const catalogItems = await planItemsById(
        em,
        input.items.map((i) => i.planItemId),
      );
      const priced = checkItems(
        input.items,
        ['input', 'items'],
        catalogItems,
        quoted,
        new Set(),
        found,
      );
      if (found.structural) return;
      const summary = sum(priced.map((p) => p.price));
      expectAmount(found, input.summary, summary, 'summary (the sum of the quoted item prices)', [
        'input',
        'summary',
      ]);
      expectAmount(found, input.payment, summary, 'payment (the summary)', ['input', 'payment']);
      if (found.any) return;

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
    work: (em: EntityManager, found: Findings) => Promise<Order | undefined>,
  ): Promise<PlacementResult> {
    const outcome = await orders.inTransaction(ctx, async (em) => {
      const found = new Findings();
      const order = await work(em, found);
      if (found.any || !order) throw new BusinessError(found.errors);
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
