import { Field, ID, InputType, Int } from 'type-graphql';
import type { Decimal } from '../platform/money.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';

@InputType()
export class RegisterVehicleInput {
  @Field(() => ID, { description: 'The consumer who owns it.' })
  ownerId!: string;

  @Field(() => String, { description: '1 to 20 characters, unique.' })
  plateNumber!: string;

  @Field(() => DecimalScalar, { description: 'More than 0.00; plan orders must name it.' })
  value!: Decimal;
}

/** Fields left out (or null) stay as they are. */
@InputType()
export class UpdateVehicleInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  plateNumber?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  value?: Decimal | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'A new owner: only once none of its orders is unpaid, in underwriting or effective.',
  })
  ownerId?: string | null;
}

@InputType()
export class RegisterDriverInput {
  @Field(() => ID, { description: 'The consumer who may add them to a vehicle.' })
  ownerId!: string;

  @Field(() => String, { description: '1 to 100 characters.' })
  name!: string;

  @Field(() => String, { description: "1 to 32 characters, unique among the owner's drivers." })
  licenseNo!: string;
}

/** Fields left out (or null) stay as they are. */
@InputType()
export class UpdateDriverInput {
  @Field(() => ID)
  driverId!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  licenseNo?: string | null;
}

@InputType()
export class QuotedItemInput {
  @Field(() => ID)
  planItemId!: string;

  @Field(() => DecimalScalar, { description: "This vehicle's price of the item, 0.00 or more." })
  price!: Decimal;
}

@InputType()
export class CreateQuotationInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Valid from; now if left out.' })
  validFrom?: Date | null;

  @Field(() => DateTimeScalar, {
    description: 'Valid until (not at): after validFrom and now, at most 366 days after validFrom.',
  })
  validUntil!: Date;

  @Field(() => [QuotedItemInput], { description: '1 to 100 distinct plan items.' })
  items!: QuotedItemInput[];
}
