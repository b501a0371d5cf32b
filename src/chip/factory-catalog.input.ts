import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';
import { PlantStatus } from './plant.entity.ts';

@InputType()
export class ChipOperationInput {
  @Field(() => String, { description: '1 to 200 characters.' })
  name!: string;
}

@InputType()
export class CreateChipInput {
  @Field(() => String, { description: '1 to 100 characters, unique: plans name chips by it.' })
  name!: string;

  @Field(() => [ChipOperationInput], { description: 'Its steps in order (1 to 50): step 1 first.' })
  operations!: ChipOperationInput[];
}

@InputType()
export class CreatePlantInput {
  @Field(() => String, { description: '1 to 200 characters, unique: plans name plants by it.' })
  name!: string;

  @Field(() => PlantStatus, { defaultValue: PlantStatus.RUNNING })
  status!: PlantStatus;
}

/** One step of one chip at one plant. */
@InputType()
export class PlantCapabilityInput {
  @Field(() => ID)
  plantId!: string;

  @Field(() => String)
  chipName!: string;

  @Field(() => Int, { description: "1-based step of the chip's operations." })
  step!: number;

  @Field(() => DecimalScalar, { description: 'Cost per chip, more than 0.00.' })
  unitCost!: Decimal;

  @Field(() => Float, {
    description: 'Ticks per chip: more than 0, at most 1000, at most four decimal places.',
  })
  unitTime!: number;
}

/** Fields left out (or null) stay as they are; booked operations keep their figures. */
@InputType()
export class UpdatePlantCapabilityInput {
  @Field(() => ID)
  plantId!: string;

  @Field(() => String)
  chipName!: string;

  @Field(() => Int)
  step!: number;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => DecimalScalar, { nullable: true })
  unitCost?: Decimal | null;

  @Field(() => Float, { nullable: true })
  unitTime?: number | null;
}

@InputType()
export class RemovePlantCapabilityInput {
  @Field(() => ID)
  plantId!: string;

  @Field(() => String)
  chipName!: string;

  @Field(() => Int)
  step!: number;

  @Field(() => Int)
  expectedVersion!: number;
}
