import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.ts';
import { LoggedIn } from '../platform/auth/roles.ts';
import { andThen, type MaybePromise } from '../platform/loaders.ts';
import { chipCatalog } from './chip-catalog.service.ts';
import { ChipOrderPayload } from './chip-order.types.ts';
import { ChipPlanInput } from './chip-plan.input.ts';
import { chipPlans } from './chip-plan.service.ts';
import { ChipPlanAnalysis, PlantLoad, ScheduledOperation } from './chip-plan.types.ts';
import { PlantType } from './chip.types.ts';

/** The two confirmations of a chip plan: analysis (KPIs or why not), then booking and payment. */
@Resolver()
export class ChipPlanResolver {
  @LoggedIn()
  @Mutation(() => ChipPlanAnalysis, {
    description:
      'Judge a plan: every rule it breaks, and its KPIs. Saves nothing; send it before confirmChipOrder.',
  })
  analyzeChipOrder(
    @Arg('input', () => ChipPlanInput) input: ChipPlanInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ChipPlanAnalysis> {
    return chipPlans.analyze(ctx, input);
  }

  @LoggedIn()
  @Mutation(() => ChipOrderPayload, {
    description:
      "Buy a plan: judge it again, debit its total cost from the consumer's bank account and book the plants, atomically. The same idempotencyKey with the same input returns the first result and never charges twice.",
  })
  confirmChipOrder(
    @Arg('input', () => ChipPlanInput) input: ChipPlanInput,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ChipOrderPayload> {
    return chipPlans.confirm(ctx, input, idempotencyKey);
  }
}

/**
 * A plan names many operations per plant: one batched load, and the plant itself when a page of
 * chip orders loaded it already (order-prefetch.ts).
 */
const plantOf = (ctx: RequestContext, id: number): MaybePromise<PlantType> =>
  andThen(chipCatalog.loadPlant(ctx, id), (plant) => plant!);

@Resolver(() => ScheduledOperation)
export class ScheduledOperationResolver {
  @FieldResolver(() => PlantType)
  plant(@Root() op: ScheduledOperation, @Ctx() ctx: RequestContext): MaybePromise<PlantType> {
    return plantOf(ctx, op.plantId);
  }
}

@Resolver(() => PlantLoad)
export class PlantLoadResolver {
  @FieldResolver(() => PlantType)
  plant(@Root() load: PlantLoad, @Ctx() ctx: RequestContext): MaybePromise<PlantType> {
    return plantOf(ctx, load.plantId);
  }
}
