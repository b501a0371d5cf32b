import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import type { Decimal } from '../platform/money';
import type { Order } from '../platform/orders/order.entity';
import { DecimalScalar } from '../platform/scalars';
import { chipOrders } from './chip-order.service';
import { ChipOrderType } from './chip-order.types';
import { ChipPlanKpi, LotSchedule } from './chip-plan.types';

/** The chip fields of a ChipOrder; its root value is the core Order entity. */
@Resolver(() => ChipOrderType)
export class ChipOrderResolver {
  @FieldResolver(() => DecimalScalar)
  async budget(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<Decimal> {
    return (await chipOrders.terms(ctx, order.id)).budget;
  }

  @FieldResolver(() => Int)
  async expectedTime(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<number> {
    return (await chipOrders.terms(ctx, order.id)).expectedTime;
  }

  @FieldResolver(() => ChipPlanKpi)
  kpi(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<ChipPlanKpi> {
    return chipOrders.kpi(ctx, order.id);
  }

  @FieldResolver(() => [LotSchedule])
  async lots(@Root() order: Order, @Ctx() ctx: RequestContext): Promise<LotSchedule[]> {
    return (await chipOrders.kpi(ctx, order.id)).lots;
  }
}
