import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Decimal, MoneyType } from '../money.ts';
import { DateTimeScalar, DecimalScalar } from '../scalars.ts';

/** One account per consumer. `balance >= 0` is a CHECK constraint, not a hope. */
@Entity({ tableName: 'bank_accounts' })
export class BankAccount {
  // The consumer's id (a foreign key), not a sequence: MikroORM assumes one for a numeric key.
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: false })
  consumerId!: string;

  @Property({ type: MoneyType })
  balance: Decimal = new Decimal(0);

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** The ledger: one row per movement, never updated or deleted. */
@Entity({ tableName: 'bank_transactions' })
@ObjectType('BankTransaction')
export class BankTransaction {
  @Field(() => ID)
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: new BigIntType('string') })
  consumerId!: string;

  @Field(() => DecimalScalar, { description: 'Negative for a debit, positive for a credit.' })
  @Property({ type: MoneyType })
  amount!: Decimal;

  @Field(() => DecimalScalar)
  @Property({ type: MoneyType })
  balanceAfter!: Decimal;

  @Field(() => String)
  @Property({ type: 'string' })
  reason!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  orderId?: string | null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'Date', columnType: 'timestamptz' })
  occurredAt: Date = new Date();
}
