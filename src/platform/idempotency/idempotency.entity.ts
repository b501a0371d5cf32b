import { BigIntType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The first result of a money-moving mutation, kept per (consumer, key). */
@Entity({ tableName: 'idempotency_keys' })
export class IdempotencyKey {
  @PrimaryKey({ type: new BigIntType('string') })
  consumerId!: string;

  @PrimaryKey({ type: 'string' })
  key!: string;

  @Property({ type: 'string' })
  operation!: string;

  /** sha256 of the operation name and its canonical input. */
  @Property({ type: 'string' })
  requestHash!: string;

  @Property({ type: 'json', nullable: true })
  result?: unknown;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
