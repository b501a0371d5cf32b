import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../platform/money.ts';
import { DecimalScalar } from '../platform/scalars.ts';

/** A consumer's vehicle: insurance orders of every kind are placed for one. */
@Entity({ tableName: 'vehicles' })
@ObjectType('Vehicle')
export class Vehicle {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: new BigIntType('string') })
  ownerId!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  plateNumber!: string;

  /** The vehicle's value; a plan order must name it (v_value). */
  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  value!: Decimal;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}

/** A person a consumer may add to a vehicle with a driver order. */
@Entity({ tableName: 'drivers' })
@ObjectType('Driver')
export class Driver {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: new BigIntType('string') })
  ownerId!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  licenseNo!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Field(() => Int, {
    description: 'Moves on with every change: updates want it as expectedVersion.',
  })
  @Property({ type: 'integer' })
  version: number = 1;
}
