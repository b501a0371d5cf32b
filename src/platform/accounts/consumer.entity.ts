import { BigIntType } from '@mikro-orm/core';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum Role {
  CONSUMER = 'CONSUMER',
  OPERATOR = 'OPERATOR',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

/** A person who logs in: a customer (CONSUMER) or staff (OPERATOR, ADMIN). */
@Entity({ tableName: 'consumers' })
@ObjectType('Consumer')
export class Consumer {
  /** Numeric (e.g. 89638599, the demo consumer); a string at the edge. */
  @Field(() => ID)
  @PrimaryKey({ type: new BigIntType('string') })
  id!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, type: 'string' })
  role: Role = Role.CONSUMER;

  /** scrypt$N$r$p$salt$hash; never the password. */
  @Property({ type: 'string', hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  /** The ADMIN who created the account (createConsumer); null for demo and seeded accounts. */
  @Property({ type: new BigIntType('string'), nullable: true, hidden: true })
  createdBy?: string | null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true, hidden: true })
  passwordChangedAt?: Date | null;
}
