import { Ctx, FieldResolver, Float, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import type { Order } from '../platform/orders/order.entity';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars';
import { Underwrite } from './underwriting/underwrite.entity';
import { InsuranceOrderItem } from './insurance-order.entity';
import { PlanOrderType } from './insurance-order.types';
import { insuranceLoaders } from './insurance.loaders';
import { InsurancePlan, Promotion } from './plan.entity';
import { Vehicle } from './vehicle.entity';

const planExt = (ctx: RequestContext, order: Order) =>
  insuranceLoaders(ctx)
    .planOrder(order.id)
    .then((x) => x!);

/** PlanOrder's own fields, from plan_order_ext and the order's items, loaded in batches. */
@Resolver(() => PlanOrderType)
export class PlanOrderResolver {
  @FieldResolver(() => Vehicle)
  async vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await insuranceLoaders(ctx).vehicle((await planExt(ctx, order)).vehicleId))!;
  }

  @FieldResolver(() => [InsurancePlan])
  async plans(@Root() order: Order, @Ctx() ctx: RequestContext) {
    const loaders = insuranceLoaders(ctx);
    const items = await loaders.itemsOfOrder(order.id);
    const planIds = [...new Set(items.map((i) => i.planId!))];
    return (await Promise.all(planIds.map((id) => loaders.plan(id)))).filter((p) => p !== null);
  }

  @FieldResolver(() => [InsuranceOrderItem])
  items(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfOrder(order.id);
  }

  @FieldResolver(() => ID)
  async quotationId(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).quotationId;
  }

  /** The promotion at the price it had when the order was placed. */
  @FieldResolver(() => Promotion, { nullable: true })
  async promotion(@Root() order: Order, @Ctx() ctx: RequestContext) {
    const ext = await planExt(ctx, order);
    if (!ext.promotionId) return null;
    const promotion = await insuranceLoaders(ctx).promotion(ext.promotionId);
    return promotion && { ...promotion, price: ext.promotionPrice };
  }

  @FieldResolver(() => Float)
  async serviceRatio(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return Number((await planExt(ctx, order)).serviceRatio);
  }

  @FieldResolver(() => DecimalScalar)
  async summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).summary;
  }

  @FieldResolver(() => DecimalScalar)
  async vehicleValue(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).vehicleValue;
  }

  @FieldResolver(() => DateTimeScalar)
  async expectAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).expectAt;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).startAt ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await planExt(ctx, order)).stopAt ?? null;
  }

  @FieldResolver(() => Underwrite, { nullable: true })
  async underwrite(@Root() order: Order, @Ctx() ctx: RequestContext) {
    const underwrite = await insuranceLoaders(ctx).underwriteOfOrder(order.id);
    return underwrite && !underwrite.deleted ? underwrite : null;
  }
}
