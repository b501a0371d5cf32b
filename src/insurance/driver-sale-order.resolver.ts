import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { andThen } from '../platform/loaders.ts';
import type { Order } from '../platform/orders/order.entity.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';
import { InsuranceOrderItem } from './insurance-order.entity.ts';
import { DriverOrderType, SaleOrderType } from './insurance-order.types.ts';
import { insuranceLoaders, vehicleOfExtension } from './insurance.loaders.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/*
 * DriverOrder's and SaleOrder's own fields, from their extension rows, loaded in batches. The
 * rows come with the page of orders (order-prefetch.ts): these fields then return values, not
 * promises (`then` applies at once to a loaded row).
 */

const driverExt = (ctx: RequestContext, order: Order) =>
  andThen(insuranceLoaders(ctx).driverOrder(order.id), (x) => x!);

@Resolver(() => DriverOrderType)
export class DriverOrderResolver {
  @FieldResolver(() => Vehicle)
  vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return vehicleOfExtension(ctx, driverExt(ctx, order));
  }

  @FieldResolver(() => [Driver])
  drivers(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).driversOfOrder(order.id);
  }

  @FieldResolver(() => DecimalScalar)
  summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(driverExt(ctx, order), (ext) => ext.summary);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(driverExt(ctx, order), (ext) => ext.startAt ?? null);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(driverExt(ctx, order), (ext) => ext.stopAt ?? null);
  }
}

const saleExt = (ctx: RequestContext, order: Order) =>
  andThen(insuranceLoaders(ctx).saleOrder(order.id), (x) => x!);

@Resolver(() => SaleOrderType)
export class SaleOrderResolver {
  @FieldResolver(() => Vehicle)
  vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return vehicleOfExtension(ctx, saleExt(ctx, order));
  }

  @FieldResolver(() => ID)
  quotationId(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(saleExt(ctx, order), (ext) => ext.quotationId);
  }

  @FieldResolver(() => [InsuranceOrderItem])
  items(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfOrder(order.id);
  }

  @FieldResolver(() => DecimalScalar)
  summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(saleExt(ctx, order), (ext) => ext.summary);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(saleExt(ctx, order), (ext) => ext.startAt ?? null);
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return andThen(saleExt(ctx, order), (ext) => ext.stopAt ?? null);
  }
}
