import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../platform/errors.ts';
import { ChipType, PlantCapabilityType, PlantType } from './chip.types.ts';

const ERRORS = 'INVALID_INPUT, NOT_FOUND, STALE_UPDATE, IN_USE, INVALID_TRANSITION.';

@ObjectType('ChipPayload')
export class ChipPayload {
  @Field(() => ChipType, { nullable: true })
  chip?: ChipType | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('PlantPayload')
export class PlantPayload {
  @Field(() => PlantType, { nullable: true })
  plant?: PlantType | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('PlantCapabilityPayload')
export class PlantCapabilityPayload {
  @Field(() => PlantCapabilityType, { nullable: true })
  capability?: PlantCapabilityType | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}
