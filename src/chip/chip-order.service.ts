import type { RequestContext } from '../context.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import type { Order, OrderStatus } from '../platform/orders/order.entity.ts';
import type { TxContext } from '../platform/orders/order-kinds.ts';
import { appendEvent } from '../platform/orders/order-lifecycle.ts';
import { chipCatalog } from './chip-catalog.service.ts';
import { computeKpi } from './chip-plan-kpi.rules.ts';
import type { ScheduledLot } from './chip-plan.types.ts';
import { deleteBookings } from './chip-plan.repository.ts';
import { ChipPlanAnalysis, type ChipPlanKpi } from './chip-plan.types.ts';
import { scheduleByOrder, termsByOrder } from './chip.loaders.ts';
import type { ChipOrderRow } from './chip-order.entity.ts';

/**
 * Reads confirmed chip orders for the ChipOrder type: the plan's terms and its stored schedule,
 * each through a request-scoped DataLoader (two queries for a whole page of orders), and the
 * KPIs recomputed from the schedule with the same calculator the analysis uses. Also the
 * kind's cancel hook, which frees the order's bookings.
 */

// kpi and lots of one order both want the KPIs of the same stored schedule: computed once per
// loaded schedule (the loaders live as long as the request).
const kpiOfSchedule = new WeakMap<ScheduledLot[], ChipPlanKpi>();

export class ChipOrderService {
  /** The order's terms: the value itself once its batch came (a prefetched page), else a promise. */
  terms(ctx: RequestContext, orderId: string): MaybePromise<ChipOrderRow> {
    return ctx.loaders.now(termsByOrder, orderId);
  }

  schedule(ctx: RequestContext, orderId: string): MaybePromise<ScheduledLot[]> {
    return ctx.loaders.now(scheduleByOrder, orderId);
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
    await Promise.all([...plantIds].map((id) => chipCatalog.loadPlant(ctx, id)));
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

export const chipOrders = new ChipOrderService();
