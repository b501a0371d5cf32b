import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Consumer } from '../platform/accounts/consumer.entity.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import { loadConsumer } from '../platform/accounts/consumer.loader.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { Quotation } from './plan.entity.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/*
 * Field resolvers of a vehicle, all batched. A vehicle is only reachable through fields that
 * already checked the caller (vehicle(id), their own orders, Consumer.vehicles).
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
