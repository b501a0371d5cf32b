import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Consumer } from '../platform/accounts/consumer.entity.ts';
import { Anyone, LoggedIn, requireSelfOrStaff } from '../platform/auth/roles.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { insuranceCatalog } from './insurance-catalog.service.ts';
import { insuranceLoaders } from './insurance.loaders.ts';
import { InsurancePlan, Promotion } from './plan.entity.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

/** The insurance catalog's root fields. */
@Resolver()
export class CatalogResolver {
  @LoggedIn()
  @Query(() => Vehicle, { nullable: true })
  vehicle(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return insuranceCatalog.visibleVehicle(ctx, id);
  }

  @LoggedIn()
  @Query(() => [Driver], {
    description: 'Drivers added to a vehicle by its effective driver orders.',
  })
  driversOfVehicle(@Arg('vehicleId', () => ID) vehicleId: string, @Ctx() ctx: RequestContext) {
    return insuranceCatalog.driversOfVehicle(ctx, vehicleId);
  }

  @Anyone()
  @Query(() => [InsurancePlan])
  insurancePlans(@Ctx() ctx: RequestContext) {
    return insuranceCatalog.plans(ctx);
  }

  @Anyone()
  @Query(() => [Promotion], { description: 'Promotions that can be used; ended ones on request.' })
  promotions(
    @Arg('includeInactive', () => Boolean, { defaultValue: false }) includeInactive: boolean,
    @Ctx() ctx: RequestContext,
  ) {
    return insuranceCatalog.promotions(ctx, includeInactive);
  }

  @Anyone()
  @Query(() => DecimalScalar, { description: 'Fee for each driver added by a driver order.' })
  driverFee(@Ctx() ctx: RequestContext) {
    return insuranceCatalog.driverFee(ctx.em);
  }
}

/** What a consumer owns for insurance: their vehicles and the drivers they may add. */
@Resolver(() => Consumer)
export class ConsumerInsuranceResolver {
  @FieldResolver(() => [Vehicle], {
    description: 'Vehicles the consumer owns (insurance orders are placed for them).',
  })
  vehicles(@Root() consumer: Consumer, @Ctx() ctx: RequestContext) {
    requireSelfOrStaff(ctx, consumer.id);
    return insuranceLoaders(ctx).vehiclesOfOwner(consumer.id);
  }

  @FieldResolver(() => [Driver], {
    description: 'People the consumer may add as drivers with a driver order.',
  })
  drivers(@Root() consumer: Consumer, @Ctx() ctx: RequestContext) {
    requireSelfOrStaff(ctx, consumer.id);
    return insuranceLoaders(ctx).driversOfOwner(consumer.id);
  }
}
