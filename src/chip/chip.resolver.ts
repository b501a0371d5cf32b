import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { Anyone } from '../platform/auth/roles.ts';
import { chipCatalog } from './chip-catalog.service.ts';
import { ChipOperationType, ChipType, PlantType } from './chip.types.ts';

/** The order page: chips and, per operation step, the plants able to do it. */
@Resolver(() => ChipType)
export class ChipResolver {
  @Anyone()
  @Query(() => [ChipType])
  chips(@Ctx() ctx: RequestContext): Promise<ChipType[]> {
    return chipCatalog.chips(ctx);
  }

  @Anyone()
  @Query(() => ChipType, {
    nullable: true,
    description:
      'A chip by name: its operation steps in order, with the plants able to perform each.',
  })
  chip(
    @Arg('name', () => String) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ChipType | null> {
    return chipCatalog.chip(ctx, name);
  }

  @FieldResolver(() => [ChipOperationType])
  operations(@Root() chip: ChipType, @Ctx() ctx: RequestContext): Promise<ChipOperationType[]> {
    return chipCatalog.operations(ctx, chip.id);
  }
}

@Resolver(() => ChipOperationType)
export class ChipOperationResolver {
  @FieldResolver(() => [PlantType], {
    description: "Plants able to perform this step, in the catalogue's order.",
  })
  plants(@Root() operation: ChipOperationType, @Ctx() ctx: RequestContext): Promise<PlantType[]> {
    return chipCatalog.plantsForStep(ctx, operation.chipId, operation.step);
  }
}
