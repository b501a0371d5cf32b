import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { AdminOnly } from '../platform/auth/roles.ts';
import {
  CreateChipInput,
  CreatePlantInput,
  PlantCapabilityInput,
  RemovePlantCapabilityInput,
  UpdatePlantCapabilityInput,
} from './factory-catalog.input.ts';
import { factoryCatalog } from './factory-catalog.service.ts';
import { ChipPayload, PlantCapabilityPayload, PlantPayload } from './factory-catalog.types.ts';
import { plantCapabilities } from './plant-capability.service.ts';

/** ADMIN runs the factory's catalogue: chips, plants, capabilities (docs/catalog.md). */
@Resolver()
export class FactoryCatalogResolver {
  @AdminOnly()
  @Mutation(() => ChipPayload, { description: 'ADMIN: a chip with its operation steps.' })
  createChip(
    @Arg('input', () => CreateChipInput) input: CreateChipInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ChipPayload> {
    return factoryCatalog.createChip(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PlantPayload, { description: 'ADMIN: a plant, with no capability yet.' })
  createPlant(
    @Arg('input', () => CreatePlantInput) input: CreatePlantInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantPayload> {
    return factoryCatalog.createPlant(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PlantPayload, {
    description:
      'ADMIN: take a plant off the factory (its capabilities go, its history stays); IN_USE while it has unfinished bookings.',
  })
  removePlant(
    @Arg('plantId', () => ID) plantId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantPayload> {
    return factoryCatalog.removePlant(ctx, plantId);
  }

  @AdminOnly()
  @Mutation(() => PlantCapabilityPayload, {
    description: 'ADMIN: a plant can do a step of a chip at a unit cost and time.',
  })
  addPlantCapability(
    @Arg('input', () => PlantCapabilityInput) input: PlantCapabilityInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantCapabilityPayload> {
    return plantCapabilities.addPlantCapability(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PlantCapabilityPayload, {
    description: "ADMIN: change a capability's cost or time; booked operations keep theirs.",
  })
  updatePlantCapability(
    @Arg('input', () => UpdatePlantCapabilityInput) input: UpdatePlantCapabilityInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantCapabilityPayload> {
    return plantCapabilities.updatePlantCapability(ctx, input);
  }

  @AdminOnly()
  @Mutation(() => PlantPayload, {
    description:
      'ADMIN: the plant can no longer do the step; IN_USE while unfinished bookings of it remain.',
  })
  removePlantCapability(
    @Arg('input', () => RemovePlantCapabilityInput) input: RemovePlantCapabilityInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PlantPayload> {
    return plantCapabilities.removePlantCapability(ctx, input);
  }
}
