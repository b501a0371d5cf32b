import {
  Arg,
  Ctx,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { AdminOnly, LoggedIn } from '../platform/auth/roles.ts';
import type { MaybePromise } from '../platform/loaders.ts';
import { chipCatalog } from './chip-catalog.service.ts';
import { factoryCatalog } from './factory-catalog.service.ts';
import { PlantBookingType, PlantCapabilityType, PlantType } from './chip.types.ts';
import { PlantStatus } from './plant.entity.ts';

/** The factory page: plants, their state, capabilities and calendar. */
@Resolver(() => PlantType)
export class PlantResolver {
  @LoggedIn()
  @Query(() => [PlantType], { description: 'Every plant with its status (the factory page).' })
  plants(@Ctx() ctx: RequestContext): Promise<PlantType[]> {
    return chipCatalog.plants(ctx);
  }

  @LoggedIn()
  @Query(() => PlantType, { nullable: true })
  plant(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): MaybePromise<PlantType | null> {
    return chipCatalog.plant(ctx, id);
  }

  @AdminOnly()
  @Mutation(() => PlantType, { description: 'ADMIN: put a plant into or out of maintenance.' })
  setPlantStatus(
    @Arg('plantId', () => ID) plantId: string,
    @Arg('status', () => PlantStatus) status: PlantStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantType> {
    return factoryCatalog.setPlantStatus(ctx, plantId, status);
  }

  @FieldResolver(() => Float, {
    description: "Share of the next 100 ticks of this plant's calendar that is booked, 0..1.",
  })
  utilization(@Root() plant: PlantType, @Ctx() ctx: RequestContext): Promise<number> {
    return chipCatalog.utilization(ctx, plant.id);
  }

  @FieldResolver(() => [PlantCapabilityType])
  capabilities(@Root() plant: PlantType, @Ctx() ctx: RequestContext) {
    return chipCatalog.capabilities(ctx, plant.id);
  }

  @FieldResolver(() => [PlantBookingType], {
    description:
      "Booked operations overlapping [from, to), ordered by start: the first `first` (1..100). The next page starts at from = the last one's end.",
  })
  bookings(
    @Root() plant: PlantType,
    @Arg('from', () => Int, { nullable: true }) from: number | null,
    @Arg('to', () => Int, { nullable: true }) to: number | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantBookingType[]> {
    return chipCatalog.bookings(ctx, plant.id, { from: from ?? null, to: to ?? null, first });
  }
}

@Resolver(() => PlantBookingType)
export class PlantBookingResolver {
  @FieldResolver(() => PlantType)
  async plant(@Root() booking: PlantBookingType, @Ctx() ctx: RequestContext): Promise<PlantType> {
    return (await chipCatalog.loadPlant(ctx, booking.plantId))!;
  }
}
