import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import type { Decimal } from '../platform/money.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { chipOrders } from './chip-order.service.ts';
import { ChipPlanKpi, LotSchedule } from './chip-plan.types.ts';
import { ChipOrderType } from './chip-order.types.ts';

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
