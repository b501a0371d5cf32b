import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../context.ts';
import { andThen, groupByKeys, indexByKeys, type MaybePromise } from '../platform/loaders.ts';
import { Decimal } from '../platform/money.ts';
import type { Order, OrderStatus } from '../platform/orders/order.entity.ts';
import type { TxContext } from '../platform/orders/order-kinds.ts';
import { appendEvent } from '../platform/orders/order-lifecycle.ts';
import { catalog } from './chip-catalog.service.ts';
import { computeKpi } from './chip-plan.kpi.ts';
import type { ScheduledLot } from './chip-plan.model.ts';
import { deleteBookings } from './chip-plan.repository.ts';
import { ChipPlanAnalysis, type ChipPlanKpi } from './chip-plan.types.ts';
import { tick, uuidArray } from './chip.sql.ts';

export interface ChipOrderTerms {
  orderId: string;
  budget: Decimal;
  expectedTime: number;
}

/**
 * Reads confirmed chip orders for the ChipOrder type: the plan's terms and its stored schedule,
 * each through a request-scoped DataLoader (two queries for a whole page of orders), and the
 * KPIs recomputed from the schedule with the same calculator the analysis uses. Also the
 * kind's cancel hook, which frees the order's bookings.
 */
/** The terms of these chip orders, one statement for the batch. */
async function loadTerms(ids: readonly string[], em: EntityManager) {
  const rows = await em.execute<{ order_id: string; budget: string; expected_time: string }[]>(
    `select order_id, budget, expected_time from chip_orders where order_id = any(?::uuid[])`,
    [uuidArray(ids)],
  );
  const terms = rows.map((r) => ({
    orderId: r.order_id,
    budget: new Decimal(r.budget),
    expectedTime: tick(r.expected_time),
  }));
  return indexByKeys(ids, terms, (t) => t.orderId).map(
    (t, i) => t ?? new Error(`chip order ${ids[i]} has no chip_orders row`),
  );
}

// kpi and lots of one order both want the KPIs of the same stored schedule: computed once per
// loaded schedule (the loaders live as long as the request).
const kpiOfSchedule = new WeakMap<ScheduledLot[], ChipPlanKpi>();

export class ChipOrderService {
  /** The order's terms: the value itself once its batch came (a prefetched page), else a promise. */
  terms(ctx: RequestContext, orderId: string): MaybePromise<ChipOrderTerms> {
    return ctx.loaders.now('chipOrderTerms', loadTerms, orderId);
  }

  schedule(ctx: RequestContext, orderId: string): MaybePromise<ScheduledLot[]> {
    return ctx.loaders.now('chipOrderSchedule', loadSchedules, orderId);
  }

  kpi(ctx: RequestContext, orderId: string): MaybePromise<ChipPlanKpi> {
    return andThen(this.terms(ctx, orderId), (terms) =>
      andThen(this.schedule(ctx, orderId), (lots) => {
        let kpi = kpiOfSchedule.get(lots);
        if (!kpi) {
          kpi = computeKpi(lots, terms.budget, terms.expectedTime);
          kpiOfSchedule.set(lots, kpi);
        }
        return kpi;
      }),
    );
  }

  /** A confirmed order's analysis as stored: feasible, no violations, its KPIs. */
  async storedAnalysis(ctx: RequestContext, orderId: string): Promise<ChipPlanAnalysis> {
    return Object.assign(new ChipPlanAnalysis(), {
      feasible: true,
      violations: [],
      violationCount: 0,
      kpi: await this.kpi(ctx, orderId),
    });
  }

  /**
   * A chip order's fields read its terms, its schedule and the plants it books first: they
   * come with the page of orders (order-prefetch.ts), and its fields then return values.
   */
  async prefetch(ctx: RequestContext, ids: string[]): Promise<void> {
    const [, lots] = await Promise.all([
      Promise.all(ids.map((id) => this.terms(ctx, id))),
      Promise.all(ids.map((id) => this.schedule(ctx, id))),
    ]);
    const plantIds = new Set(lots.flat().flatMap((lot) => lot.operations.map((op) => op.plantId)));
    await Promise.all([...plantIds].map((id) => catalog.loadPlant(ctx, id)));
  }

  /** cancelOrder's hook, inside its transaction after the refund and the move to CANCELLED. */
  async afterCancelled(ctx: TxContext, order: Order, from: OrderStatus): Promise<void> {
    const freed = await deleteBookings(ctx.em, order.id);
    appendEvent(ctx.em, order, 'BOOKINGS_FREED', {
      actorId: ctx.viewer?.id ?? null,
      data: { bookings: freed, from },
    });
  }
}

/** Lots and operations of many orders: two queries (DataLoader batch function). */
async function loadSchedules(
  orderIds: readonly string[],
  em: EntityManager,
): Promise<ScheduledLot[][]> {
  const ids = uuidArray(orderIds);
  const [lots, operations] = await Promise.all([
    em.execute<
      {
        order_id: string;
        lot: number;
        package_id: string | null;
        chip_name: string;
        quantity: number;
      }[]
    >(
      `select l.order_id, l.lot, l.package_id, c.name as chip_name, l.quantity
         from chip_lots l join chips c on c.id = l.chip_id
        where l.order_id = any(?::uuid[]) order by l.order_id, l.lot`,
      [ids],
    ),
    em.execute<
      {
        order_id: string;
        lot: number;
        step: number;
        plant_id: number;
        plant_name: string;
        start_tick: string;
        end_tick: string;
        cost: string;
      }[]
    >(
      `select o.order_id, o.lot, o.step, o.plant_id, p.name as plant_name, o.start_tick, o.end_tick, o.cost
         from chip_lot_operations o join chip_plants p on p.id = o.plant_id
        where o.order_id = any(?::uuid[]) order by o.order_id, o.lot, o.step`,
      [ids],
    ),
  ]);
  const opsByLot = new Map<string, ScheduledLot['operations']>();
  for (const r of operations) {
    const key = `${r.order_id}:${r.lot}`;
    const list = opsByLot.get(key) ?? [];
    list.push({
      lot: r.lot,
      step: r.step,
      plantId: r.plant_id,
      plantName: r.plant_name,
      start: tick(r.start_tick),
      end: tick(r.end_tick),
      cost: new Decimal(r.cost),
    });
    opsByLot.set(key, list);
  }
  const scheduled = lots.map((l) => ({
    orderId: l.order_id,
    lot: {
      lot: l.lot,
      packageId: l.package_id,
      chipName: l.chip_name,
      quantity: l.quantity,
      operations: opsByLot.get(`${l.order_id}:${l.lot}`) ?? [],
    },
  }));
  return groupByKeys(orderIds, scheduled, (s) => s.orderId).map((g) => g.map((s) => s.lot));
}

export const chipOrders = new ChipOrderService();
