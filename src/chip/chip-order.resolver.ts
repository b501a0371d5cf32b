import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import type { MaybePromise } from '../platform/loaders';
import type { Decimal } from '../platform/money';
import type { Order } from '../platform/orders/order.entity';
import { registerOrderPrefetch } from '../platform/orders/order-prefetch';
import { DecimalScalar } from '../platform/scalars';
import { catalog } from './chip-catalog.service';
import { chipOrders, type ChipOrderTerms } from './chip-order.service';
import { computeKpi } from './chip-plan.kpi';
import type { ScheduledLot } from './chip-plan.model';
import { ChipPlanKpi, LotSchedule } from './chip-plan.types';
import { ChipOrderType } from './chip-order.types';

// The loaders behind chipOrders.terms and chipOrders.schedule, read back once they are here.
const terms = (ctx: RequestContext, order: Order) =>
  ctx.loaders.peek<string, ChipOrderTerms>('chipOrderTerms', order.id);
const schedule = (ctx: RequestContext, order: Order) =>
  ctx.loaders.peek<string, ScheduledLot[]>('chipOrderSchedule', order.id);

// kpi and lots both want the KPIs of the same stored schedule: computed once per loaded schedule.
const kpis = new WeakMap<ScheduledLot[], ChipPlanKpi>();

/**
 * A chip order's fields read its terms, its schedule and the plants it books first: they come
 * with the page of orders (order-prefetch.ts), and the fields below then return values.
 */
registerOrderPrefetch('ChipOrder', async (ctx, ids) => {
  const [, lots] = await Promise.all([
    Promise.all(ids.map((id) => chipOrders.terms(ctx, id))),
    Promise.all(ids.map((id) => chipOrders.schedule(ctx, id))),
  ]);
  const plantIds = new Set(lots.flat().flatMap((lot) => lot.operations.map((op) => op.plantId)));
  await Promise.all([...plantIds].map((id) => catalog.loadPlant(ctx, id)));
});

/** The chip fields of a ChipOrder; its root value is the core Order entity. */
@Resolver(() => ChipOrderType)
export class ChipOrderResolver {
  @FieldResolver(() => DecimalScalar)
  budget(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<Decimal> {
    return terms(ctx, order)?.budget ?? chipOrders.terms(ctx, order.id).then((t) => t.budget);
  }

  @FieldResolver(() => Int)
  expectedTime(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<number> {
    const loaded = terms(ctx, order);
    return loaded
      ? loaded.expectedTime
      : chipOrders.terms(ctx, order.id).then((t) => t.expectedTime);
  }

  @FieldResolver(() => ChipPlanKpi)
  kpi(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<ChipPlanKpi> {
    const [loadedTerms, lots] = [terms(ctx, order), schedule(ctx, order)];
    if (!loadedTerms || !lots) return chipOrders.kpi(ctx, order.id);
    let kpi = kpis.get(lots);
    if (!kpi) {
      kpi = computeKpi(lots, loadedTerms.budget, loadedTerms.expectedTime);
      kpis.set(lots, kpi);
    }
    return kpi;
  }

  @FieldResolver(() => [LotSchedule])
  lots(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<LotSchedule[]> {
    const kpi = this.kpi(order, ctx);
    return kpi instanceof Promise ? kpi.then((k) => k.lots) : kpi.lots;
  }
}
