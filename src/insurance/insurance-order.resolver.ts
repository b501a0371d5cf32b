import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { LoggedIn } from '../platform/auth/roles.ts';
import { andThen } from '../platform/loaders.ts';
import { OrderPayload } from '../platform/orders/order.types.ts';
import { InsuranceOrderItem } from './insurance-order.entity.ts';
import {
  PlaceAnDriverOrderInput,
  PlaceAnPlanOrderInput,
  PlaceAnSaleOrderInput,
} from './insurance-order.input.ts';
import { insuranceOrders } from './insurance-order.service.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { InsurancePlanItem } from './plan.entity.ts';

/** Placing insurance orders; paying, cancelling and listing are the core's. */
@Resolver()
export class InsuranceOrderResolver {
  @LoggedIn()
  @Mutation(() => OrderPayload)
  placeAnPlanOrder(
    @Arg('input', () => PlaceAnPlanOrderInput) input: PlaceAnPlanOrderInput,
    @Ctx() ctx: RequestContext,
  ) {
    return insuranceOrders.placePlanOrder(ctx, input);
  }

  @LoggedIn()
  @Mutation(() => OrderPayload)
  placeAnDriverOrder(
    @Arg('input', () => PlaceAnDriverOrderInput) input: PlaceAnDriverOrderInput,
    @Ctx() ctx: RequestContext,
  ) {
    return insuranceOrders.placeDriverOrder(ctx, input);
  }

  @LoggedIn()
  @Mutation(() => OrderPayload)
  placeAnSaleOrder(
    @Arg('input', () => PlaceAnSaleOrderInput) input: PlaceAnSaleOrderInput,
    @Ctx() ctx: RequestContext,
  ) {
    return insuranceOrders.placeSaleOrder(ctx, input);
  }
}

@Resolver(() => InsuranceOrderItem)
export class OrderItemResolver {
  @FieldResolver(() => InsurancePlanItem)
  planItem(@Root() item: InsuranceOrderItem, @Ctx() ctx: RequestContext) {
    return andThen(insuranceLoaders(ctx).planItem(item.planItemId), (p) => p!);
  }
}
