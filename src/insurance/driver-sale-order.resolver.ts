import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import type { Order } from '../platform/orders/order.entity';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars';
import { InsuranceOrderItem } from './insurance-order.entity';
import { DriverOrderType, SaleOrderType } from './insurance-order.types';
import { insuranceLoaders } from './insurance.loaders';
import { Driver, Vehicle } from './vehicle.entity';

const driverExt = (ctx: RequestContext, order: Order) =>
  insuranceLoaders(ctx)
    .driverOrder(order.id)
    .then((x) => x!);

/** DriverOrder's and SaleOrder's own fields, from their extension rows, loaded in batches. */
@Resolver(() => DriverOrderType)
export class DriverOrderResolver {
  @FieldResolver(() => Vehicle)
  async vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await insuranceLoaders(ctx).vehicle((await driverExt(ctx, order)).vehicleId))!;
  }

  @FieldResolver(() => [Driver])
  drivers(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).driversOfOrder(order.id);
  }

  @FieldResolver(() => DecimalScalar)
  async summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await driverExt(ctx, order)).summary;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await driverExt(ctx, order)).startAt ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await driverExt(ctx, order)).stopAt ?? null;
  }
}

const saleExt = (ctx: RequestContext, order: Order) =>
  insuranceLoaders(ctx)
    .saleOrder(order.id)
    .then((x) => x!);

@Resolver(() => SaleOrderType)
export class SaleOrderResolver {
  @FieldResolver(() => Vehicle)
  async vehicle(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await insuranceLoaders(ctx).vehicle((await saleExt(ctx, order)).vehicleId))!;
  }

  @FieldResolver(() => ID)
  async quotationId(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await saleExt(ctx, order)).quotationId;
  }

  @FieldResolver(() => [InsuranceOrderItem])
  items(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfOrder(order.id);
  }

  @FieldResolver(() => DecimalScalar)
  async summary(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await saleExt(ctx, order)).summary;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async startAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await saleExt(ctx, order)).startAt ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async stopAt(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return (await saleExt(ctx, order)).stopAt ?? null;
  }
}
