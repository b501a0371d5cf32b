import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../platform/money.ts';
import { DateTimeScalar, DecimalScalar } from '../platform/scalars.ts';

/** An insurance plan (交强险, 商业险, ...): a named group of items a plan order picks from. */
@Entity({ tableName: 'insurance_plans' })
@ObjectType('InsurancePlan')
export class InsurancePlan {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Property({ type: 'integer' })
  position: number = 0;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}

/** One coverage of a plan, with its list price; what a vehicle pays is its quotation's price. */
@Entity({ tableName: 'insurance_plan_items' })
@ObjectType('InsurancePlanItem')
export class InsurancePlanItem {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  planId!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  price!: Decimal;

  @Property({ type: 'integer' })
  position: number = 0;

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}

/** The quoted prices of plan items for one vehicle (quotations). */
@Entity({ tableName: 'quotations' })
@ObjectType('Quotation', {
  description:
    'A price quotation for one vehicle: the price of each plan item it quotes, valid within a window.',
})
export class Quotation {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  vehicleId!: string;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { description: 'It can be ordered from this time on.' })
  @Property({ type: 'Date' })
  validFrom!: Date;

  @Field(() => DateTimeScalar, {
    description: 'It can be ordered and paid for until this time (not at it).',
  })
  @Property({ type: 'Date' })
  validUntil!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When staff withdrew it (withdrawQuotation); it can no longer be ordered.',
  })
  @Property({ type: 'Date', nullable: true })
  withdrawnAt?: Date | null;
}

/** One plan item's price in one quotation. */
@Entity({ tableName: 'quoted_items' })
@ObjectType('QuotedItem')
export class QuotedItem {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  quotationId!: string;

  @Property({ type: 'uuid' })
  planItemId!: string;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  price!: Decimal;
}

/** A discount taken off a plan order's payment. */
@Entity({ tableName: 'promotions' })
@ObjectType('Promotion')
export class Promotion {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  price!: Decimal;

  @Field(() => Boolean, { description: 'Only active promotions can be used.' })
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}
