import { Arg, Ctx, Extensions, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { LoggedIn } from '../../platform/auth/roles.ts';
import { ChipSuggestInput } from './suggest.input.ts';
import { chipSuggestions, SUGGEST_QUERY_COST } from './suggest.service.ts';
import { ChipPlanSuggestions } from './suggest.types.ts';

/** Issue 18: the best feasible plans for a chip and a quantity, before the consumer builds one. */
@Resolver()
export class ChipSuggestResolver {
  @LoggedIn()
  @Extensions({ cost: SUGGEST_QUERY_COST })
  @Query(() => ChipPlanSuggestions, {
    description:
      'Up to `count` (1..10) feasible plans in the ChipPlanInput shape, best first by the objective, each with its KPIs, and how close to optimal the best is; or why there is none. Saves nothing. docs/chip-suggest.md.',
  })
  suggestChipPlans(
    @Arg('input', () => ChipSuggestInput) input: ChipSuggestInput,
    @Arg('count', () => Int, { defaultValue: 3 }) count: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ChipPlanSuggestions> {
    return chipSuggestions.suggest(ctx, input, count);
  }
}
