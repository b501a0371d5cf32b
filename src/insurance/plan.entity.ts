import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
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
}

/** The quoted prices of plan items for one vehicle (the seed's quotations table). */
@Entity({ tableName: 'quotations' })
@ObjectType('Quotation', {
  description: "The quoted price of plan items for one vehicle (the seed's quotations table).",
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

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
