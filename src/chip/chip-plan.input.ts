import { ArrayMaxSize, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

/** Most lots one plan may hold; more is BAD_USER_INPUT. */
export const MAX_LOTS = 1000;
/** Most operation steps one lot may list (plants or start times); more is BAD_USER_INPUT. */
export const MAX_STEPS = 20;
/** The last tick a plan can name: GraphQL's Int. */
export const MAX_TICK = 2_147_483_647;

@InputType('ChipLotInput')
export class ChipLotInput {
  @Field(() => ID, {
    nullable: true,
    description: "The client's own label for this lot, echoed in the KPIs.",
  })
  @MaxLength(100)
  packageId?: string | null;

  @Field(() => String)
  @MaxLength(100)
  chipName!: string;

  // Below 1 is a plan violation (INVALID_QUANTITY), not a malformed request.
  @Field(() => Int)
  quantity!: number;

  @Field(() => [String], { description: 'One plant per operation step, in step order.' })
  @ArrayMaxSize(MAX_STEPS)
  @MaxLength(200, { each: true })
  plantNames!: string[];

  @Field(() => [Int], { description: 'Start tick of each operation step, in step order.' })
  @ArrayMaxSize(MAX_STEPS)
  startTimes!: number[];
}

@InputType('ChipPlanInput')
export class ChipPlanInput {
  @Field(() => [ChipLotInput])
  @ArrayMaxSize(MAX_LOTS)
  @ValidateNested({ each: true })
  lots!: ChipLotInput[];

  @Field(() => DecimalScalar)
  budget!: Decimal;

  @Field(() => Int, { description: 'Latest acceptable finish tick.' })
  @Min(0)
  @Max(MAX_TICK)
  expectedTime!: number;
}
