import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import type { Decimal } from '../platform/money.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { registerOrderPrefetch } from '../platform/orders/order-prefetch.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { catalog } from './chip-catalog.service.ts';
import { chipOrders } from './chip-order.service.ts';
import { ChipPlanKpi, LotSchedule } from './chip-plan.types.ts';
import { ChipOrderType } from './chip-order.types.ts';

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
    return andThen(chipOrders.terms(ctx, order.id), (t) => t.budget);
  }

  @FieldResolver(() => Int)
  expectedTime(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<number> {
    return andThen(chipOrders.terms(ctx, order.id), (t) => t.expectedTime);
  }

  @FieldResolver(() => ChipPlanKpi)
  kpi(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<ChipPlanKpi> {
    return chipOrders.kpi(ctx, order.id);
  }

  @FieldResolver(() => [LotSchedule])
  lots(@Root() order: Order, @Ctx() ctx: RequestContext): MaybePromise<LotSchedule[]> {
    return andThen(chipOrders.kpi(ctx, order.id), (k) => k.lots);
  }
}
