import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../platform/errors.ts';
import { InsurancePlan, InsurancePlanItem, Promotion, Quotation } from './plan.entity.ts';
import { Driver, Vehicle } from './vehicle.entity.ts';

const ERRORS = 'INVALID_INPUT, NOT_FOUND, STALE_UPDATE, IN_USE.';

@ObjectType('InsurancePlanPayload')
export class InsurancePlanPayload {
  @Field(() => InsurancePlan, { nullable: true })
  plan?: InsurancePlan | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('InsurancePlanItemPayload')
export class InsurancePlanItemPayload {
  @Field(() => InsurancePlanItem, { nullable: true })
  item?: InsurancePlanItem | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('PromotionPayload')
export class PromotionPayload {
  @Field(() => Promotion, { nullable: true })
  promotion?: Promotion | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('QuotationPayload')
export class QuotationPayload {
  @Field(() => Quotation, { nullable: true })
  quotation?: Quotation | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('VehiclePayload')
export class VehiclePayload {
  @Field(() => Vehicle, { nullable: true })
  vehicle?: Vehicle | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}

@ObjectType('DriverPayload')
export class DriverPayload {
  @Field(() => Driver, { nullable: true })
  driver?: Driver | null;

  @Field(() => [UserError], { description: ERRORS })
  errors!: UserError[];
}
