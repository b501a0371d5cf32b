import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Decimal } from '../../platform/money.ts';
import { DecimalScalar } from '../../platform/scalars.ts';
import { ChipPlanKpi } from '../chip-plan.types.ts';
import { SuggestObjective } from './suggest-problem.rules.ts';
import { SuggestObstacleCode } from './suggest.rules.ts';

registerEnumType(SuggestObstacleCode, {
  name: 'ChipSuggestObstacleCode',
  description: 'Why suggestChipPlans found no plan; docs/chip-suggest.md says when each is given.',
});

/** A lot exactly as ChipLotInput takes it. */
@ObjectType('ChipLot')
export class ChipLotType {
  @Field(() => ID, { nullable: true })
  packageId!: string | null;

  @Field(() => String)
  chipName!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => [String])
  plantNames!: string[];

  @Field(() => [Int])
  startTimes!: number[];
}

@ObjectType('ChipPlan', {
  description:
    'A plan with exactly the fields of ChipPlanInput: send it as the input of analyzeChipOrder or confirmChipOrder as it is.',
})
export class ChipPlanType {
  @Field(() => [ChipLotType])
  lots!: ChipLotType[];

  @Field(() => DecimalScalar, { description: "The consumer's budget, or the plan's cost." })
  budget!: Decimal;

  @Field(() => Int, { description: "The consumer's expected time, or the plan's finish." })
  expectedTime!: number;
}

@ObjectType('SuggestedChipPlan')
export class SuggestedChipPlan {
  @Field(() => ChipPlanType)
  plan!: ChipPlanType;

  @Field(() => ChipPlanKpi)
  kpi!: ChipPlanKpi;

  @Field(() => DecimalScalar, {
    description:
      "The objective's value: total cost (CHEAPEST), finish tick (EARLIEST_FINISH) or totalCost + tickPrice × (finishTime − now) (WEIGHTED).",
  })
  score!: Decimal;

  @Field(() => DecimalScalar, { description: 'score − scoreLowerBound: 0 when proven optimal.' })
  gap!: Decimal;
}

@ObjectType('ChipSuggestObstacle')
export class ChipSuggestObstacle {
  @Field(() => SuggestObstacleCode)
  code!: SuggestObstacleCode;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true, description: 'NO_USABLE_PLANT: the 1-based step.' })
  step!: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The least any plan can cost (finishing by expectedTime where one was given).',
  })
  cheapestCost!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  budget!: Decimal | null;

  @Field(() => Int, { nullable: true, description: 'A tick no plan can finish before.' })
  earliestFinish!: number | null;

  @Field(() => Int, { nullable: true })
  expectedTime!: number | null;
}

@ObjectType('ChipPlanSuggestions')
export class ChipPlanSuggestions {
  @Field(() => SuggestObjective)
  objective!: SuggestObjective;

  @Field(() => [SuggestedChipPlan], { description: 'Feasible plans, best first; at most count.' })
  plans!: SuggestedChipPlan[];

  @Field(() => Boolean, {
    description:
      "The first plan's score is the least any plan of the lot splits considered can have.",
  })
  optimal!: boolean;

  @Field(() => Boolean, {
    description:
      'Every plan of the lot splits considered was weighed: with no plans, none exists. False when the time budget ended the search.',
  })
  searchComplete!: boolean;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'No plan of the lot splits considered scores lower (same unit as score).',
  })
  scoreLowerBound!: Decimal | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'No plan costs less (finishing by expectedTime where one was given).',
  })
  costLowerBound!: Decimal | null;

  @Field(() => Int, { nullable: true, description: 'No plan finishes before this tick.' })
  finishLowerBound!: number | null;

  @Field(() => [[Int]], { description: 'The lot quantities of each split considered.' })
  lotSplits!: number[][];

  @Field(() => [ChipSuggestObstacle], { description: 'Why no plan came back, when none did.' })
  obstacles!: ChipSuggestObstacle[];

  @Field(() => Int, { description: 'Milliseconds the search took.' })
  elapsedMs!: number;
}
