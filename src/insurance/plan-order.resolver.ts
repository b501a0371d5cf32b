import { Ctx, FieldResolver, Float, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { allOf, andThen } from '../platform/loaders.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';
import { Underwrite } from './underwriting/underwrite.entity.ts';
import { InsuranceOrderItem } from './insurance-order.entity.ts';
import { PlanOrderType } from './insurance-order.types.ts';
import { insuranceLoaders, vehicleOfExtension } from './insurance.loaders.ts';
import { InsurancePlan, Promotion } from './plan.entity.ts';
import { Vehicle } from './vehicle.entity.ts';

// plan_order_ext comes with the page of orders (order-prefetch.ts): its fields return values.
const planExt = (ctx: RequestContext, order: Order) =>
  andThen(insuranceLoaders(ctx).planOrder(order.id), (x) => x!);

/** PlanOrder's own fields, from plan_order_ext and the order's items, loaded in batches. */
@Resolver(() => PlanOrderType)
export class PlanOrderResolver {
  @FieldResolver(() => Vehicle)
  vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return vehicleOfExtension(ctx, planExt(ctx, order));
  }

  @FieldResolver(() => [InsurancePlan])
  plans(@Root() order: Order, @Ctx() ctx: RequestContext) {
    const loaders = insuranceLoaders(ctx);
    return andThen(loaders.itemsOfOrder(order.id), (items) => {
      const planIds = [...new Set(items.map((i) => i.planId!))];
      return andThen(allOf(planIds.map((id) => loaders.plan(id))), (plans) =>
        plans.filter((p) => p !== null),
      );
    });
  }

  @FieldResolver(() => [InsuranceOrderItem])
  items(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfOrder(order.id);
  }

  @FieldResolver(() => ID)
  quotationId(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.quotationId);
  }

  /** The promotion at the price it had when the order was placed. */
  @FieldResolver(() => Promotion, { nullable: true })
  promotion(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => {
      if (!ext.promotionId) return null;
      return andThen(
        insuranceLoaders(ctx).promotion(ext.promotionId),
        (promotion) => promotion && { ...promotion, price: ext.promotionPrice },
      );
    });
  }

  @FieldResolver(() => Float)
  serviceRatio(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => Number(ext.serviceRatio));
  }

  @FieldResolver(() => DecimalScalar)
  summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.summary);
  }

  @FieldResolver(() => DecimalScalar)
  vehicleValue(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.vehicleValue);
  }

  @FieldResolver(() => DateTimeScalar)
  expectAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.expectAt);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.startAt ?? null);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(planExt(ctx, order), (ext) => ext.stopAt ?? null);
  }

  @FieldResolver(() => Underwrite, { nullable: true })
  underwrite(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(insuranceLoaders(ctx).underwriteOfOrder(order.id), (underwrite) =>
      underwrite && !underwrite.deleted ? underwrite : null,
    );
  }
}
