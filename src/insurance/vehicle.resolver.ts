import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Consumer } from '../platform/accounts/consumer.entity.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import { loadConsumer } from '../platform/accounts/consumer.loader.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { InsurancePlan, InsurancePlanItem, Quotation, QuotedItem } from './plan.entity.ts';
import { isValidAt } from './quotation.rules.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/*
 * Field resolvers of the catalog types, all batched. A vehicle is only reachable through
 * fields that already checked the caller (vehicle(id), their own orders, Consumer.vehicles).
 */

@Resolver(() => Vehicle)
export class VehicleResolver {
  @FieldResolver(() => Consumer)
  owner(@Root() vehicle: Vehicle, @Ctx() ctx: RequestContext): MaybePromise<Consumer> {
    return andThen(loadConsumer(ctx, vehicle.ownerId), (c) => c!);
  }

  @FieldResolver(() => [Driver], {
    description: 'Drivers added to this vehicle by its effective driver orders.',
  })
  drivers(@Root() vehicle: Vehicle, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).effectiveDrivers(vehicle.id);
  }

  @FieldResolver(() => [Quotation], {
    description: 'Price quotations for this vehicle, newest first.',
  })
  quotations(@Root() vehicle: Vehicle, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).quotationsOfVehicle(vehicle.id);
  }
}

@Resolver(() => Quotation)
export class QuotationResolver {
  @FieldResolver(() => Vehicle)
  vehicle(@Root() quotation: Quotation, @Ctx() ctx: RequestContext): MaybePromise<Vehicle> {
    return andThen(insuranceLoaders(ctx).vehicle(quotation.vehicleId), (v) => v!);
  }

  @FieldResolver(() => [QuotedItem])
  items(@Root() quotation: Quotation, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).quotedItems(quotation.id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether it can be ordered and paid for now.' })
  valid(@Root() quotation: Quotation): boolean {
    return isValidAt(quotation, new Date());
  }
}

@Resolver(() => QuotedItem)
export class QuotedItemResolver {
  @FieldResolver(() => InsurancePlanItem)
  planItem(@Root() quoted: QuotedItem, @Ctx() ctx: RequestContext) {
    return andThen(insuranceLoaders(ctx).planItem(quoted.planItemId), (p) => p!);
  }

  @FieldResolver(() => InsurancePlan)
  async plan(@Root() quoted: QuotedItem, @Ctx() ctx: RequestContext) {
    const loaders = insuranceLoaders(ctx);
    const item = (await loaders.planItem(quoted.planItemId))!;
    return (await loaders.plan(item.planId))!;
  }
}

@Resolver(() => InsurancePlan)
export class InsurancePlanResolver {
  @FieldResolver(() => [InsurancePlanItem])
  items(@Root() plan: InsurancePlan, @Ctx() ctx: RequestContext) {
    return insuranceLoaders(ctx).itemsOfPlan(plan.id);
  }
}
