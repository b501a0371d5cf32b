import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import type { Decimal } from '../../platform/money.ts';
import { DecimalScalar } from '../../platform/scalars.ts';
import { MAX_LOTS } from '../chip-plan.input.ts';
import { SuggestObjective } from './suggest-problem.rules.ts';

registerEnumType(SuggestObjective, {
  name: 'ChipSuggestObjective',
  description: 'What suggestChipPlans minimises; docs/chip-suggest.md.',
  valuesConfig: {
    CHEAPEST: { description: 'Total cost; ties broken by the earlier finish.' },
    EARLIEST_FINISH: { description: 'Finish tick; ties broken by the lower cost.' },
    WEIGHTED: { description: 'totalCost + tickPrice × (finishTime − now).' },
  },
});

@InputType('ChipSuggestLotInput')
export class ChipSuggestLotInput {
  @Field(() => Int)
  quantity!: number;

  @Field(() => ID, { nullable: true })
  @MaxLength(100)
  packageId?: string | null;
}

@InputType('ChipSuggestInput')
export class ChipSuggestInput {
  @Field(() => String)
  @MaxLength(100)
  chipName!: string;

  @Field(() => Int, { description: 'Chips to make in all.' })
  quantity!: number;

  @Field(() => [ChipSuggestLotInput], {
    nullable: true,
    description:
      'How to split the quantity into lots (quantities adding up to it). Absent: the service tries splits of 1, 2, 4, ... equal lots up to maxLots and returns the best.',
  })
  @ArrayMaxSize(MAX_LOTS)
  @ValidateNested({ each: true })
  lots?: ChipSuggestLotInput[] | null;

  @Field(() => Int, {
    defaultValue: 8,
    description: 'Without lots: the most lots a proposed split may have (1..64).',
  })
  maxLots!: number;

  @Field(() => DecimalScalar, { nullable: true, description: 'Most the plan may cost.' })
  budget?: Decimal | null;

  @Field(() => Int, { nullable: true, description: 'Latest acceptable finish tick.' })
  expectedTime?: number | null;

  @Field(() => SuggestObjective, { defaultValue: SuggestObjective.CHEAPEST })
  objective!: SuggestObjective;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'WEIGHTED (required there): what one tick of earlier finish is worth, in CNY.',
  })
  tickPrice?: Decimal | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Milliseconds the search may take before it returns the best found (default and maximum: SUGGEST_TIME_BUDGET_MS).',
  })
  timeBudgetMs?: number | null;
}
